"""Renew network tokens before they expire; say "reconnect needed" out loud when we cannot.

Run periodically (``jobs.accounts``). An account whose token the network refuses to renew
is marked ``reconnect_needed`` with the network's words, its brand's managers get an in-app
notification, and publishing refuses it until someone reconnects it: never a silent failure.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from socialmuse.db import session_scope
from socialmuse.models import Membership, Notification, SocialAccount, utcnow
from socialmuse.models.enums import AccountStatus, Platform, Role
from socialmuse.platforms.base import AuthExpired, PlatformError
from socialmuse.platforms.registry import adapter_for
from socialmuse.services.accounts import PLATFORM_LABELS, context_for
from socialmuse.services.permissions import ROLE_RANK
from socialmuse.services.secrets import encrypt_json

log = logging.getLogger(__name__)

REFRESH_AHEAD = timedelta(hours=6)


def accounts_due(session: Session, *, now: datetime | None = None) -> list[int]:
    """Connected accounts whose token expires within REFRESH_AHEAD."""
    horizon = (now or utcnow()) + REFRESH_AHEAD
    ids = session.exec(
        select(SocialAccount.id).where(
            col(SocialAccount.status).in_([AccountStatus.CONNECTED, AccountStatus.RATE_LIMITED]),
            col(SocialAccount.token_expires_at).is_not(None),
            col(SocialAccount.token_expires_at) <= horizon,
        )
    ).all()
    return [i for i in ids if i is not None]


def refresh_account(account_id: int) -> str:
    """Returns "refreshed", "reconnect_needed", "retry_later" or "skipped"."""
    with session_scope() as session:
        account = session.get(SocialAccount, account_id)
        if account is None or account.status not in (
            AccountStatus.CONNECTED,
            AccountStatus.RATE_LIMITED,
        ):
            return "skipped"
        platform, context = Platform(account.platform), context_for(account)
    try:
        connected = adapter_for(platform).refresh(context)
    except AuthExpired as exc:
        with session_scope() as session:
            _mark_reconnect_needed(session, account_id, exc)
        return "reconnect_needed"
    except PlatformError as exc:
        log.warning("token refresh of account %s will be retried: %s", account_id, exc.message)
        return "retry_later"
    with session_scope() as session:
        account = session.get(SocialAccount, account_id)
        if account is None:
            return "skipped"
        account.credentials_encrypted = encrypt_json(
            {**context.credentials, **connected.credentials}
        )
        account.token_expires_at = connected.token_expires_at
        account.updated_at = utcnow()
        session.add(account)
    return "refreshed"


def _mark_reconnect_needed(session: Session, account_id: int, exc: AuthExpired) -> None:
    account = session.get(SocialAccount, account_id)
    if account is None:
        return
    network = PLATFORM_LABELS[Platform(account.platform)]
    said = f' {network} said: "{exc.platform_message}"' if exc.platform_message else ""
    account.status = AccountStatus.RECONNECT_NEEDED
    account.last_error = f"{exc.message}{said}"
    account.updated_at = utcnow()
    session.add(account)
    managers = session.exec(
        select(Membership.user_id).where(
            Membership.organization_id == account.organization_id,
            col(Membership.role).in_(
                [r for r, rank in ROLE_RANK.items() if rank >= ROLE_RANK[Role.BRAND_OWNER]]
            ),
        )
    ).all()
    for user_id in managers:
        session.add(
            Notification(
                organization_id=account.organization_id,
                user_id=user_id,
                kind="account.reconnect_needed",
                title=f"Reconnect {network} @{account.handle}",
                body="Posts to this account are paused until it is reconnected. "
                + (account.last_error or ""),
                link="/settings/accounts",
            )
        )
