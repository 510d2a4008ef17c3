"""Cross-tenant cases for the calendar, campaigns, slots and evergreen services.

Merged into ``test_tenancy.CROSS_TENANT_CALLS``: each call is made by organization A's owner
against organization B's data (``w`` is test_tenancy's World) and must be refused.
Rows B needs for a case (a campaign, a slot) are added inside the call, uncommitted, so the
test's rollback removes them with anything the call might have written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from socialmuse.models import Campaign, PostingSlot, Tag
from socialmuse.services import calendar, campaigns, evergreen, slots, tags

WEEK = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC))


def _b_campaign(s: Session, w: Any) -> int:
    campaign = Campaign(organization_id=w.b.actor.organization_id, brand_id=w.b_brand, name="B")
    s.add(campaign)
    s.flush()
    return campaign.id or 0


def _b_slot(s: Session, w: Any) -> int:
    slot = PostingSlot(
        organization_id=w.b.actor.organization_id,
        social_account_id=w.b_account,
        weekday=0,
        minute_of_day=540,
    )
    s.add(slot)
    s.flush()
    return slot.id or 0


def _b_tag(s: Session, w: Any) -> int:
    tag = Tag(organization_id=w.b.actor.organization_id, name="b-secret")
    s.add(tag)
    s.flush()
    return tag.id or 0


CROSS_TENANT_CALLS: dict[str, Callable[[Session, Any], Any]] = {
    "calendar.load_post": lambda s, w: calendar.load_post(
        s, actor=w.a.actor, post_id=w.b_post, action=calendar.Action.BRAND_VIEW
    ),
    "calendar.get_entry": lambda s, w: calendar.get_entry(s, actor=w.a.actor, post_id=w.b_post),
    "calendar.list_calendar": lambda s, w: calendar.list_calendar(
        s, actor=w.a.actor, brand_id=w.b_brand, start_utc=WEEK[0], end_utc=WEEK[1]
    ),
    "calendar.reschedule_post": lambda s, w: calendar.reschedule_post(
        s, actor=w.a.actor, post_id=w.b_post, at="2029-01-01T09:00"
    ),
    "calendar.duplicate_post": lambda s, w: calendar.duplicate_post(
        s, actor=w.a.actor, post_id=w.b_post
    ),
    "campaigns.load_campaign": lambda s, w: campaigns.load_campaign(
        s, actor=w.a.actor, campaign_id=_b_campaign(s, w), action=campaigns.Action.BRAND_VIEW
    ),
    "campaigns.create_campaign": lambda s, w: campaigns.create_campaign(
        s, actor=w.a.actor, brand_id=w.b_brand, name="Intruder"
    ),
    "campaigns.update_campaign": lambda s, w: campaigns.update_campaign(
        s, actor=w.a.actor, campaign_id=_b_campaign(s, w), name="Hacked"
    ),
    "campaigns.archive_campaign": lambda s, w: campaigns.archive_campaign(
        s, actor=w.a.actor, campaign_id=_b_campaign(s, w)
    ),
    "campaigns.list_campaigns": lambda s, w: campaigns.list_campaigns(
        s, actor=w.a.actor, brand_id=w.b_brand
    ),
    "campaigns.set_post_campaign": lambda s, w: campaigns.set_post_campaign(
        s, actor=w.a.actor, post_id=w.b_post, campaign_id=None
    ),
    "slots.add_slot": lambda s, w: slots.add_slot(
        s, actor=w.a.actor, account_id=w.b_account, weekday=0, at="09:00"
    ),
    "slots.set_weekly_slots": lambda s, w: slots.set_weekly_slots(
        s, actor=w.a.actor, account_id=w.b_account, weekdays=[0], times=["09:00"]
    ),
    "slots.delete_slot": lambda s, w: slots.delete_slot(s, actor=w.a.actor, slot_id=_b_slot(s, w)),
    "slots.list_slots": lambda s, w: slots.list_slots(s, actor=w.a.actor, brand_id=w.b_brand),
    "slots.next_free_slot": lambda s, w: slots.next_free_slot(
        s, actor=w.a.actor, brand_id=w.b_brand, account_ids=[w.b_account]
    ),
    "slots.queue_post": lambda s, w: slots.queue_post(s, actor=w.a.actor, post_id=w.b_post),
    "evergreen.set_evergreen": lambda s, w: evergreen.set_evergreen(
        s, actor=w.a.actor, post_id=w.b_post, variations=["Hijacked"]
    ),
    "evergreen.clear_evergreen": lambda s, w: evergreen.clear_evergreen(
        s, actor=w.a.actor, post_id=w.b_post
    ),
    "evergreen.get_evergreen": lambda s, w: evergreen.get_evergreen(
        s, actor=w.a.actor, post_id=w.b_post
    ),
    "tags.update_tag": lambda s, w: tags.update_tag(
        s, actor=w.a.actor, tag_id=_b_tag(s, w), name="renamed"
    ),
    "tags.delete_tag": lambda s, w: tags.delete_tag(s, actor=w.a.actor, tag_id=_b_tag(s, w)),
    "evergreen.list_evergreen": lambda s, w: evergreen.list_evergreen(
        s, actor=w.a.actor, brand_id=w.b_brand
    ),
}
