"""Brands: the unit content is planned for, each with its own IANA timezone and voice."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from sqlmodel import Session, col, select

from socialmuse.models import Brand, utcnow
from socialmuse.services import audit
from socialmuse.services.errors import NotFound, ValidationError
from socialmuse.services.identity import clean_name
from socialmuse.services.permissions import Action, Actor, authorize, can
from socialmuse.services.schemas import BrandPublic

MAX_VOICE_LENGTH = 4000


@lru_cache(maxsize=1)
def timezone_choices() -> list[str]:
    """Every IANA zone name the bundled tz database knows, sorted (for pickers)."""
    regional = (
        z
        for z in zoneinfo.available_timezones()
        if "/" in z and not z.startswith(("Etc/", "SystemV/"))
    )
    return [*sorted(regional), "UTC"]


@lru_cache(maxsize=1)
def _choice_set() -> frozenset[str]:
    return frozenset(timezone_choices())


def check_timezone(value: str) -> str:
    """An IANA name such as Europe/Paris; abbreviations like CET are ambiguous and refused."""
    value = (value or "").strip()
    if not value:
        raise ValidationError("Choose the brand's timezone.", field="timezone")
    if value not in _choice_set():
        raise ValidationError(
            f"{value!r} is not an IANA timezone; "
            "pick one such as Europe/Paris or America/New_York.",
            field="timezone",
        )
    return value


def _check_voice(voice: str) -> str:
    voice = (voice or "").strip()
    if len(voice) > MAX_VOICE_LENGTH:
        raise ValidationError(
            f"Keep the brand voice under {MAX_VOICE_LENGTH} characters.", field="voice"
        )
    return voice


def _check_unique_name(session: Session, actor: Actor, name: str, exclude_id: int | None) -> None:
    query = select(Brand.id).where(
        Brand.organization_id == actor.organization_id,
        Brand.name == name,
        col(Brand.archived_at).is_(None),
    )
    if exclude_id is not None:
        query = query.where(Brand.id != exclude_id)
    if session.exec(query).first() is not None:
        raise ValidationError("Another brand already has this name.", field="name")


def list_brands(
    session: Session, *, actor: Actor, include_archived: bool = False
) -> list[BrandPublic]:
    """The brands this actor may see: all of the organization's, or those in their scope."""
    authorize(actor, Action.BRAND_VIEW, organization_id=actor.organization_id)
    query = select(Brand).where(Brand.organization_id == actor.organization_id)
    if not include_archived:
        query = query.where(col(Brand.archived_at).is_(None))
    if actor.brand_ids is not None:
        query = query.where(col(Brand.id).in_(actor.brand_ids))
    rows = session.exec(query.order_by(col(Brand.name), col(Brand.id))).all()
    return [to_public(b) for b in rows]


def get_brand(session: Session, *, actor: Actor, brand_id: int) -> BrandPublic:
    return to_public(load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW))


def load_brand(session: Session, *, actor: Actor, brand_id: int, action: Action) -> Brand:
    """Fetch a brand for an action; another tenant's brand is reported as not found."""
    brand = session.get(Brand, brand_id)
    if brand is None or brand.organization_id != actor.organization_id:
        raise NotFound("That brand does not exist.")
    if not can(actor, Action.BRAND_VIEW, organization_id=brand.organization_id, brand_id=brand.id):
        raise NotFound("That brand does not exist.")
    authorize(actor, action, organization_id=brand.organization_id, brand_id=brand.id)
    return brand


def create_brand(
    session: Session, *, actor: Actor, name: str, timezone: str, voice: str = ""
) -> BrandPublic:
    authorize(actor, Action.BRAND_CREATE, organization_id=actor.organization_id)
    name = clean_name(name, field="name", what="the brand's name")
    timezone = check_timezone(timezone)
    voice = _check_voice(voice)
    _check_unique_name(session, actor, name, None)
    brand = Brand(organization_id=actor.organization_id, name=name, timezone=timezone, voice=voice)
    session.add(brand)
    session.flush()
    if actor.brand_ids is not None:
        _extend_creator_scope(session, actor, brand.id or 0)
    audit.record_for(
        session,
        actor,
        "brand.created",
        target_type="brand",
        target_id=brand.id,
        details={"name": name, "timezone": timezone},
    )
    return to_public(brand)


def _extend_creator_scope(session: Session, actor: Actor, brand_id: int) -> None:
    """A brand-scoped creator must be able to see what they just made."""
    from socialmuse.models import Membership, MembershipBrand

    membership = session.exec(
        select(Membership).where(
            Membership.organization_id == actor.organization_id,
            Membership.user_id == actor.user_id,
        )
    ).one()
    session.add(MembershipBrand(membership_id=membership.id or 0, brand_id=brand_id))


def update_brand(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    name: str,
    timezone: str,
    voice: str,
) -> BrandPublic:
    brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_MANAGE)
    name = clean_name(name, field="name", what="the brand's name")
    timezone = check_timezone(timezone)
    voice = _check_voice(voice)
    _check_unique_name(session, actor, name, brand.id)
    changes = {
        k: v
        for k, v in {"name": name, "timezone": timezone, "voice": voice}.items()
        if getattr(brand, k) != v
    }
    if changes:
        for key, value in changes.items():
            setattr(brand, key, value)
        brand.updated_at = utcnow()
        session.add(brand)
        audit.record_for(
            session,
            actor,
            "brand.updated",
            target_type="brand",
            target_id=brand.id,
            details={"name": brand.name, "changed": sorted(changes)},
        )
    return to_public(brand)


def archive_brand(session: Session, *, actor: Actor, brand_id: int) -> BrandPublic:
    """Hide a brand from pickers; its posts and history stay (Stage B stops its schedule)."""
    brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_MANAGE)
    if brand.archived_at is None:
        brand.archived_at = utcnow()
        session.add(brand)
        audit.record_for(
            session,
            actor,
            "brand.archived",
            target_type="brand",
            target_id=brand.id,
            details={"name": brand.name},
        )
    return to_public(brand)


def restore_brand(session: Session, *, actor: Actor, brand_id: int) -> BrandPublic:
    brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_MANAGE)
    if brand.archived_at is not None:
        _check_unique_name(session, actor, brand.name, brand.id)
        brand.archived_at = None
        session.add(brand)
        audit.record_for(
            session,
            actor,
            "brand.restored",
            target_type="brand",
            target_id=brand.id,
            details={"name": brand.name},
        )
    return to_public(brand)


def to_public(brand: Brand) -> BrandPublic:
    return BrandPublic(
        id=brand.id or 0,
        organization_id=brand.organization_id,
        name=brand.name,
        timezone=brand.timezone,
        voice=brand.voice,
        color=brand.color,
        guardrails=brand.guardrails,
        approval_policy=brand.approval_policy,
        archived=brand.archived_at is not None,
        created_at=brand.created_at,
    )
