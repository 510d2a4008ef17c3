"""Metrics actors: thin wrappers over services.metrics_collection and services.competitors.

``metrics.dispatch`` runs once a minute from the scheduler: it starts schedules for newly
published targets and accounts, claims what is due (atomically, in the database) and
enqueues one ``metrics.collect_post`` / ``metrics.collect_account`` per claim. Actors never
retry on their own: the schedule decides when a failed read is tried again.
"""

from __future__ import annotations

import dramatiq

from jobs.broker import broker
from socialmuse.db import session_scope
from socialmuse.services import competitors, metrics_collection


@dramatiq.actor(
    actor_name="metrics.collect_post",
    queue_name="metrics",
    max_retries=0,
    time_limit=120_000,
    broker=broker,
)
def collect_post(target_id: int, step: int) -> None:
    metrics_collection.collect_post(target_id, step)


@dramatiq.actor(
    actor_name="metrics.collect_account",
    queue_name="metrics",
    max_retries=0,
    time_limit=120_000,
    broker=broker,
)
def collect_account(account_id: int) -> None:
    metrics_collection.collect_account(account_id)


@dramatiq.actor(
    actor_name="metrics.collect_competitor",
    queue_name="metrics",
    max_retries=0,
    time_limit=120_000,
    broker=broker,
)
def collect_competitor(competitor_id: int) -> None:
    competitors.collect_competitor(competitor_id)


def dispatch_due(limit: int = 500) -> int:
    """One pass: register new schedules, claim due reads, enqueue them after commit."""
    with session_scope() as session:
        metrics_collection.register_published(session)
    with session_scope() as session:
        claims = metrics_collection.claim_due_posts(session, limit=limit)
        accounts = metrics_collection.claim_due_accounts(session, limit=limit)
        rivals = competitors.claim_due_competitors(session, limit=limit)
    for claim in claims:
        collect_post.send(claim.target_id, claim.step)
    for account_id in accounts:
        collect_account.send(account_id)
    for competitor_id in rivals:
        collect_competitor.send(competitor_id)
    return len(claims) + len(accounts) + len(rivals)


@dramatiq.actor(
    actor_name="metrics.dispatch",
    queue_name="metrics",
    max_retries=0,
    time_limit=120_000,
    broker=broker,
)
def dispatch() -> None:
    dispatch_due()
