"""Timestamps come back aware and in UTC on every backend; naive ones are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError
from sqlmodel import Session

from socialmuse.models import Organization


def test_aware_times_are_stored_in_utc(session: Session) -> None:
    paris_summer = timezone(timedelta(hours=2))
    org = Organization(name="T", created_at=datetime(2026, 7, 1, 12, 0, tzinfo=paris_summer))
    session.add(org)
    session.commit()
    session.expire_all()
    loaded = session.get(Organization, org.id)
    assert loaded is not None
    assert loaded.created_at == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert loaded.created_at.utcoffset() == timedelta(0)


def test_naive_times_are_refused(session: Session) -> None:
    session.add(Organization(name="N", created_at=datetime(2026, 1, 1, 9, 0)))
    with pytest.raises(StatementError, match="naive datetime"):
        session.commit()
    session.rollback()
