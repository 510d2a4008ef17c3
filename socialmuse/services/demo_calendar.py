"""The demo's calendar: published, scheduled and draft posts around today, in each brand's zone.

Upcoming posts go through ``post_editing`` like anyone's; the past weeks' posts are drafted the
same way and then really published to the Sandbox network (its adapter, with each target's
idempotency key), so their permalinks open. Seeding happens once per brand: a second
``socialmuse demo`` finds the demo posts and leaves them as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from socialmuse.models import Campaign, Post, PostTarget, SocialAccount, utcnow
from socialmuse.models.enums import Platform, PostStatus, TargetStatus
from socialmuse.platforms.registry import adapter_for
from socialmuse.services import accounts
from socialmuse.services.brands import load_brand
from socialmuse.services.permissions import Action, Actor
from socialmuse.services.post_editing import PostDraft, save_post, schedule_post
from socialmuse.services.posts import content_of

DEMO_SOURCE = "demo"


@dataclass(frozen=True)
class DemoPost:
    """One post: days from today (negative: already published), local time, kind, text."""

    day: int
    clock: str
    kind: str  # "published", "scheduled" or "draft"
    text: str
    tags: tuple[str, ...] = ()
    campaign: bool = False
    accounts: int = 1  # how many of the brand's accounts it goes to


@dataclass(frozen=True)
class DemoBrandPlan:
    handles: tuple[str, ...]
    campaign: str
    campaign_color: str
    posts: tuple[DemoPost, ...]


PLANS: tuple[DemoBrandPlan, ...] = (
    DemoBrandPlan(
        handles=("northwind_coffee", "northwind_roastery"),
        campaign="Autumn Blend launch",
        campaign_color="#B5651D",
        posts=(
            DemoPost(-20, "08:30", "published", "Monday starts at 8:30. So does the espresso."),
            DemoPost(
                -16, "12:00", "published", "Lunch tip: a flat white pairs with anything.", ("tips",)
            ),
            DemoPost(
                -12,
                "09:00",
                "published",
                "Meet Inès, our head roaster, and her 5 a.m. ritual.",
                ("team",),
                accounts=2,
            ),
            DemoPost(
                -8,
                "17:30",
                "published",
                "Something warm is coming. Autumn Blend, soon.",
                ("autumn",),
                campaign=True,
                accounts=2,
            ),
            DemoPost(
                -3, "08:30", "published", "Rainy day? Oat latte. You know the rest.", ("weather",)
            ),
            DemoPost(
                1,
                "08:30",
                "scheduled",
                "Autumn Blend is here: cocoa, fig, a little smoke. Taste it today.",
                ("autumn", "launch"),
                campaign=True,
                accounts=2,
            ),
            DemoPost(3, "12:30", "scheduled", "Bring your own cup this week: 10% off.", ("offer",)),
            DemoPost(
                6,
                "09:00",
                "scheduled",
                "Behind the roaster: how we pick a bean.",
                ("team",),
                accounts=2,
            ),
            DemoPost(
                10,
                "18:00",
                "scheduled",
                "Autumn Blend, take two: now in 1 kg bags.",
                ("autumn",),
                campaign=True,
            ),
            DemoPost(
                15,
                "08:30",
                "scheduled",
                "Two weeks of Autumn Blend. Thank you!",
                ("autumn",),
                campaign=True,
            ),
            DemoPost(
                4, "16:00", "draft", "Poll idea: cinnamon or cardamom?", ("autumn",), campaign=True
            ),
            DemoPost(
                12, "10:00", "draft", "Latte art contest: prizes, judges, a date.", ("community",)
            ),
        ),
    ),
    DemoBrandPlan(
        handles=("bluebird_yoga",),
        campaign="30-day calm challenge",
        campaign_color="#3E63DD",
        posts=(
            DemoPost(-18, "07:00", "published", "Breathe in for four, out for six. Again."),
            DemoPost(
                -11, "19:00", "published", "Evening flow, 20 minutes, no mat needed.", ("practice",)
            ),
            DemoPost(
                -5,
                "07:00",
                "published",
                "Day one of the 30-day calm challenge. Join us.",
                ("challenge",),
                campaign=True,
            ),
            DemoPost(
                -1,
                "07:00",
                "published",
                "Day five: notice your shoulders. Drop them.",
                ("challenge",),
                campaign=True,
            ),
            DemoPost(
                2,
                "07:00",
                "scheduled",
                "Day eight: ten slow breaths before coffee.",
                ("challenge",),
                campaign=True,
            ),
            DemoPost(
                5,
                "18:30",
                "scheduled",
                "New class on Thursdays: gentle hatha at 6:30.",
                ("classes",),
            ),
            DemoPost(
                9,
                "07:00",
                "scheduled",
                "Day fifteen: halfway. How do you feel?",
                ("challenge",),
                campaign=True,
            ),
            DemoPost(
                20, "09:00", "scheduled", "Weekend workshop: yoga for desk backs.", ("workshop",)
            ),
            DemoPost(
                7, "12:00", "draft", "Teacher spotlight: Maya (ask her for a quote).", ("team",)
            ),
            DemoPost(
                14,
                "07:00",
                "draft",
                "Day twenty: write your own mantra.",
                ("challenge",),
                campaign=True,
            ),
        ),
    ),
)


def seed_demo_calendar(session: Session, *, actor: Actor, brand_ids: Sequence[int]) -> int:
    """Give each demo brand Sandbox accounts, a campaign and a month of posts.

    Returns how many posts were created: 0 when the brands already have theirs.
    """
    created = 0
    for brand_id, plan in zip(brand_ids, PLANS, strict=False):
        brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.POST_CREATE)
        account_ids = [
            accounts.connect_sandbox(session, actor=actor, brand_id=brand_id, handle=h).id
            for h in plan.handles
        ]
        seeded = session.exec(
            select(Post.id).where(Post.brand_id == brand_id, Post.source == DEMO_SOURCE)
        ).first()
        if seeded is not None:
            continue
        campaign = Campaign(
            organization_id=actor.organization_id,
            brand_id=brand_id,
            name=plan.campaign,
            color=plan.campaign_color,
        )
        session.add(campaign)
        session.flush()
        today = datetime.now(ZoneInfo(brand.timezone)).date()
        for item in plan.posts:
            day = today + timedelta(days=item.day)
            at = f"{day.isoformat()}T{item.clock}"
            draft = PostDraft(
                brand_id=brand_id,
                text=item.text,
                account_ids=account_ids[: item.accounts],
                tags=list(item.tags),
                campaign_id=campaign.id if item.campaign else None,
                at=None if item.kind == "published" else at,
            )
            post_id = save_post(session, actor=actor, draft=draft).id
            if item.kind == "scheduled":
                schedule_post(session, actor=actor, post_id=post_id)
            elif item.kind == "published":
                local = datetime.fromisoformat(at).replace(tzinfo=ZoneInfo(brand.timezone))
                _publish_to_sandbox(session, post_id, local.astimezone(UTC))
            post = session.get(Post, post_id)
            assert post is not None
            post.source = DEMO_SOURCE
            session.add(post)
            created += 1
        session.flush()
    return created


def _publish_to_sandbox(session: Session, post_id: int, when: datetime) -> None:
    """Really post it on the Sandbox network, then record it as published at ``when``."""
    post = session.get(Post, post_id)
    assert post is not None
    adapter = adapter_for(Platform.SANDBOX)
    for target in session.exec(select(PostTarget).where(PostTarget.post_id == post_id)).all():
        account = session.get(SocialAccount, target.social_account_id)
        assert account is not None
        published = adapter.publish(
            accounts.context_for(account),
            content_of(session, post, target),
            idempotency_key=target.idempotency_key,
        )
        target.status = TargetStatus.PUBLISHED
        target.external_id = published.external_id
        target.permalink = published.permalink
        target.scheduled_at = target.published_at = when
        target.attempt_count = 1
        target.updated_at = utcnow()
        session.add(target)
    post.status = PostStatus.PUBLISHED
    post.scheduled_at = post.published_at = when
    session.add(post)
