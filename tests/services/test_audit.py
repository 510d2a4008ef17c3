"""The audit log: who, what, target, IP and when, readable, paginated, admins only."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from socialmuse.models.enums import Role
from socialmuse.services import audit, auth, brands
from socialmuse.services.errors import AuthError, PermissionDenied
from tests.factories import brand, owner, teammate


def test_events_read_as_plain_words_and_page_in_the_database(session: Session) -> None:
    boss = owner(session)
    brand(session, boss, "Nord", tz="Europe/Oslo")
    with pytest.raises(AuthError):
        auth.log_in(session, email=boss.email, password="not the password", ip="192.0.2.7")
    session.commit()
    page = audit.list_events(session, actor=boss.actor, page=1, page_size=2)
    assert page.total >= 5 and len(page.items) == 2
    everything = audit.list_events(session, actor=boss.actor, page_size=200).items
    created = next(e for e in everything if e.action == "brand.created")
    assert created.summary == "name: Nord · timezone: Europe/Oslo"
    assert created.target.startswith("brand #") and created.actor == boss.email
    failed = next(e for e in everything if e.action == audit.SIGN_IN_FAILED)
    assert failed.ip == "192.0.2.7" and failed.actor == boss.email
    second_page = audit.list_events(session, actor=boss.actor, page=2, page_size=2)
    assert {e.id for e in second_page.items}.isdisjoint({e.id for e in page.items})


def test_brand_and_membership_changes_are_recorded_with_the_actor(session: Session) -> None:
    boss = owner(session)
    b = brand(session, boss)
    mate = teammate(session, boss, role=Role.TEAM_MEMBER)
    brands.archive_brand(session, actor=boss.actor, brand_id=b)
    session.commit()
    events = audit.list_events(session, actor=boss.actor).items
    actions = {e.action for e in events}
    assert {
        "brand.created",
        "brand.archived",
        "invitation.created",
        "membership.created",
    } <= actions
    archived = next(e for e in events if e.action == "brand.archived")
    assert archived.actor == boss.email
    joined = [e for e in events if e.action == "membership.created" and mate.email in e.summary]
    assert joined and "via: invitation" in joined[0].summary


def test_team_members_cannot_read_the_audit_log(session: Session) -> None:
    boss = owner(session)
    mate = teammate(session, boss, role=Role.BRAND_OWNER)
    with pytest.raises(PermissionDenied):
        audit.list_events(session, actor=mate.actor)
