"""Tokens are renewed before they expire; a refused renewal is announced, never silent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from socialmuse.models import Notification, SocialAccount, utcnow
from socialmuse.models.enums import AccountStatus, Platform
from socialmuse.platforms.base import AccountContext, AuthExpired, ConnectedAccount
from socialmuse.platforms.registry import overridden
from socialmuse.platforms.sandbox import SandboxAdapter
from socialmuse.services import accounts, token_refresh
from tests.factories import brand, owner


class Renewing(SandboxAdapter):
    def __init__(self, refuse: bool) -> None:
        super().__init__()
        self.refuse = refuse

    def refresh(self, account: AccountContext) -> ConnectedAccount:
        if self.refuse:
            raise AuthExpired("The token was revoked.", platform_message="invalid_grant")
        return ConnectedAccount(
            external_id=account.external_id,
            handle=account.handle,
            display_name="",
            credentials={"token": "renewed"},
            token_expires_at=utcnow() + timedelta(days=30),
        )


@pytest.fixture()
def expiring(session: Session) -> Iterator[int]:
    person = owner(session)
    account = accounts.connect_sandbox(
        session, actor=person.actor, brand_id=brand(session, person), handle="soon"
    )
    row = session.get(SocialAccount, account.id)
    assert row is not None
    row.token_expires_at = utcnow() + timedelta(hours=1)
    session.add(row)
    session.commit()
    yield account.id


def test_due_accounts_are_renewed(session: Session, expiring: int) -> None:
    assert token_refresh.accounts_due(session) == [expiring]
    with overridden(Platform.SANDBOX, Renewing(refuse=False)):
        assert token_refresh.refresh_account(expiring) == "refreshed"
    session.expire_all()
    row = session.get(SocialAccount, expiring)
    assert row is not None and accounts.context_for(row).credentials["token"] == "renewed"
    assert token_refresh.accounts_due(session) == []


def test_refused_renewal_needs_reconnecting_and_says_so(session: Session, expiring: int) -> None:
    with overridden(Platform.SANDBOX, Renewing(refuse=True)):
        assert token_refresh.refresh_account(expiring) == "reconnect_needed"
    session.expire_all()
    row = session.get(SocialAccount, expiring)
    assert row is not None and row.status == AccountStatus.RECONNECT_NEEDED
    assert "invalid_grant" in (row.last_error or "")
    [note] = session.exec(select(Notification)).all()
    assert note.kind == "account.reconnect_needed" and "@soon" in note.title
