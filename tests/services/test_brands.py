"""Brands: create, edit, archive, with IANA timezones and scoped visibility."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from socialmuse.models import AuditEvent, Brand
from socialmuse.models.enums import Role
from socialmuse.services import brands
from socialmuse.services.errors import NotFound, PermissionDenied, ValidationError
from tests.factories import brand, owner, teammate


def test_create_edit_archive_restore(session: Session) -> None:
    person = owner(session)
    created = brands.create_brand(
        session,
        actor=person.actor,
        name="Cafe",
        timezone="Asia/Tokyo",
        voice="Warm, short sentences.",
    )
    updated = brands.update_brand(
        session,
        actor=person.actor,
        brand_id=created.id,
        name="Cafe Tokyo",
        timezone="America/New_York",
        voice="Brisk",
    )
    assert (updated.name, updated.timezone, updated.voice) == (
        "Cafe Tokyo",
        "America/New_York",
        "Brisk",
    )
    brands.archive_brand(session, actor=person.actor, brand_id=created.id)
    assert brands.list_brands(session, actor=person.actor) == []
    assert [
        b.archived for b in brands.list_brands(session, actor=person.actor, include_archived=True)
    ] == [True]
    brands.restore_brand(session, actor=person.actor, brand_id=created.id)
    assert [b.name for b in brands.list_brands(session, actor=person.actor)] == ["Cafe Tokyo"]
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.target_type == "brand")).all()
    assert actions == ["brand.created", "brand.updated", "brand.archived", "brand.restored"]


@pytest.mark.parametrize("tz", ["CET", "Mars/Olympus", "", "europe/paris"])
def test_invalid_timezone_is_refused_and_nothing_created(session: Session, tz: str) -> None:
    person = owner(session)
    with pytest.raises(ValidationError) as err:
        brands.create_brand(session, actor=person.actor, name="X", timezone=tz)
    session.rollback()
    assert err.value.field == "timezone"
    assert session.exec(select(Brand)).all() == []


def test_duplicate_name_refused(session: Session) -> None:
    person = owner(session)
    brand(session, person, "Same")
    with pytest.raises(ValidationError) as err:
        brands.create_brand(session, actor=person.actor, name="Same", timezone="UTC")
    assert err.value.field == "name"


def test_scoped_member_sees_only_their_brands_and_cannot_create(session: Session) -> None:
    boss = owner(session)
    mine = brand(session, boss, "Mine")
    brand(session, boss, "Other")
    member = teammate(session, boss, role=Role.TEAM_MEMBER, brand_ids=(mine,))
    assert [b.name for b in brands.list_brands(session, actor=member.actor)] == ["Mine"]
    with pytest.raises(PermissionDenied):
        brands.create_brand(session, actor=member.actor, name="New", timezone="UTC")
    with pytest.raises(PermissionDenied):
        brands.update_brand(
            session, actor=member.actor, brand_id=mine, name="Z", timezone="UTC", voice=""
        )


def test_scoped_agency_manager_sees_the_brand_they_create(session: Session) -> None:
    boss = owner(session)
    first = brand(session, boss, "First")
    manager = teammate(session, boss, role=Role.AGENCY_MANAGER, brand_ids=(first,))
    created = brands.create_brand(session, actor=manager.actor, name="Second", timezone="UTC")
    session.commit()
    from socialmuse.services import auth

    fresh = auth.actor_for(session, token=manager.token, organization_id=boss.actor.organization_id)
    assert created.id in (fresh.brand_ids or set())
    hidden = brand(session, boss, "Hidden")
    with pytest.raises(NotFound):
        brands.get_brand(session, actor=fresh, brand_id=hidden)


def test_timezone_choices_are_iana_names() -> None:
    choices = brands.timezone_choices()
    assert "Europe/Paris" in choices and "UTC" in choices and "CET" not in choices
