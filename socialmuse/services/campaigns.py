"""Campaigns: named, coloured groups of a brand's posts (calendar filters and colours)."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from socialmuse.models import Campaign, utcnow
from socialmuse.services import audit
from socialmuse.services.brands import load_brand
from socialmuse.services.calendar import load_post
from socialmuse.services.errors import NotFound, ValidationError
from socialmuse.services.identity import clean_name
from socialmuse.services.permissions import Action, Actor

DEFAULT_COLOR = "#3E63DD"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


class CampaignPublic(BaseModel):
    id: int
    brand_id: int | None
    name: str
    color: str
    archived: bool


def check_color(value: str | None, *, default: str = DEFAULT_COLOR) -> str:
    """A ``#RRGGBB`` colour; empty means the default."""
    value = (value or "").strip()
    if not value:
        return default
    if not _HEX.match(value):
        raise ValidationError("Use a colour like #3E63DD.", field="color")
    return value.upper()


def _public(campaign: Campaign) -> CampaignPublic:
    return CampaignPublic(
        id=campaign.id or 0,
        brand_id=campaign.brand_id,
        name=campaign.name,
        color=campaign.color,
        archived=campaign.archived_at is not None,
    )


def _check_unique(session: Session, campaign: Campaign, name: str) -> None:
    clash = session.exec(
        select(Campaign.id).where(
            Campaign.organization_id == campaign.organization_id,
            Campaign.brand_id == campaign.brand_id,
            Campaign.name == name,
            col(Campaign.archived_at).is_(None),
            Campaign.id != (campaign.id or 0),
        )
    ).first()
    if clash is not None:
        raise ValidationError("This brand already has a campaign with that name.", field="name")


def load_campaign(session: Session, *, actor: Actor, campaign_id: int, action: Action) -> Campaign:
    """A campaign of the actor's organization (and brand scope); anything else is not found."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.organization_id != actor.organization_id:
        raise NotFound("That campaign does not exist.", field="campaign_id")
    if campaign.brand_id is not None:
        load_brand(session, actor=actor, brand_id=campaign.brand_id, action=action)
    return campaign


def create_campaign(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    name: str,
    color: str | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> CampaignPublic:
    """A new campaign of a brand; names are unique among the brand's active campaigns."""
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.POST_CREATE)
    name = clean_name(name, field="name", what="the campaign's name")
    if starts_at and ends_at and ends_at < starts_at:
        raise ValidationError("The campaign must end after it starts.", field="ends_at")
    campaign = Campaign(
        organization_id=actor.organization_id,
        brand_id=brand_id,
        name=name,
        color=check_color(color),
        starts_at=starts_at,
        ends_at=ends_at,
    )
    _check_unique(session, campaign, name)
    session.add(campaign)
    session.flush()
    audit.record_for(
        session,
        actor,
        "campaign.created",
        target_type="campaign",
        target_id=campaign.id,
        details={"name": name, "brand_id": brand_id},
    )
    return _public(campaign)


def update_campaign(
    session: Session, *, actor: Actor, campaign_id: int, name: str, color: str | None = None
) -> CampaignPublic:
    """Rename and/or recolour a campaign (its posts follow: they point at it by id)."""
    campaign = load_campaign(
        session, actor=actor, campaign_id=campaign_id, action=Action.POST_CREATE
    )
    name = clean_name(name, field="name", what="the campaign's name")
    _check_unique(session, campaign, name)
    before = campaign.name
    campaign.name = name
    campaign.color = check_color(color, default=campaign.color)
    session.add(campaign)
    session.flush()
    audit.record_for(
        session,
        actor,
        "campaign.updated",
        target_type="campaign",
        target_id=campaign.id,
        details={"from": before, "to": name, "color": campaign.color},
    )
    return _public(campaign)


def archive_campaign(session: Session, *, actor: Actor, campaign_id: int) -> CampaignPublic:
    """Hide a campaign from pickers; its posts keep it (history and analytics stay true)."""
    campaign = load_campaign(
        session, actor=actor, campaign_id=campaign_id, action=Action.POST_CREATE
    )
    if campaign.archived_at is None:
        campaign.archived_at = utcnow()
        session.add(campaign)
        session.flush()
        audit.record_for(
            session,
            actor,
            "campaign.archived",
            target_type="campaign",
            target_id=campaign.id,
            details={"name": campaign.name},
        )
    return _public(campaign)


def list_campaigns(
    session: Session, *, actor: Actor, brand_id: int, include_archived: bool = False
) -> list[CampaignPublic]:
    """A brand's campaigns (and organization-wide ones), by name."""
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    stmt = select(Campaign).where(
        Campaign.organization_id == actor.organization_id,
        (col(Campaign.brand_id) == brand_id) | col(Campaign.brand_id).is_(None),
    )
    if not include_archived:
        stmt = stmt.where(col(Campaign.archived_at).is_(None))
    return [_public(c) for c in session.exec(stmt.order_by(col(Campaign.name))).all()]


def set_post_campaign(
    session: Session, *, actor: Actor, post_id: int, campaign_id: int | None
) -> None:
    """Put a post in a campaign of its brand (None takes it out)."""
    post = load_post(session, actor=actor, post_id=post_id, action=Action.POST_CREATE)
    if campaign_id is not None:
        campaign = load_campaign(
            session, actor=actor, campaign_id=campaign_id, action=Action.POST_CREATE
        )
        if campaign.brand_id not in (None, post.brand_id):
            raise ValidationError("That campaign belongs to another brand.", field="campaign_id")
        if campaign.archived_at is not None:
            raise ValidationError("That campaign is archived.", field="campaign_id")
    post.campaign_id = campaign_id
    post.updated_at = utcnow()
    session.add(post)
    session.flush()
    audit.record_for(
        session,
        actor,
        "post.campaign_set",
        target_type="post",
        target_id=post.id,
        details={"campaign_id": campaign_id},
    )
