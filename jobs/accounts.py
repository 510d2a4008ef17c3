"""Token refresh actors: one pass finds accounts expiring soon, one actor renews each."""

from __future__ import annotations

import dramatiq

from jobs.broker import broker
from socialmuse.db import session_scope
from socialmuse.services import token_refresh


@dramatiq.actor(
    actor_name="accounts.refresh_token",
    queue_name="accounts",
    max_retries=3,
    time_limit=60_000,
    broker=broker,
)
def refresh_token(account_id: int) -> None:
    token_refresh.refresh_account(account_id)


@dramatiq.actor(
    actor_name="accounts.refresh_due",
    queue_name="accounts",
    max_retries=0,
    time_limit=60_000,
    broker=broker,
)
def refresh_due() -> None:
    with session_scope() as session:
        due = token_refresh.accounts_due(session)
    for account_id in due:
        refresh_token.send(account_id)
