"""A demo organization so a newcomer sees a lived-in SocialMuse; later stages add to it."""

from __future__ import annotations

import random
import secrets
import time as time_module
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import insert
from sqlmodel import Session, select

from socialmuse.emulators import metrics_model
from socialmuse.models import (
    Brand,
    Campaign,
    Membership,
    Post,
    PostTarget,
    SocialAccount,
    User,
    utcnow,
)
from socialmuse.models.enums import AccountStatus, Platform, PostStatus, Role, TargetStatus
from socialmuse.models.metrics import (
    AccountMetricSnapshot,
    MetricDaily,
    PostMetricLatest,
    PostMetricSchedule,
    PostMetricSnapshot,
)
from socialmuse.services import auth, brands, team
from socialmuse.services.demo_calendar import seed_demo_calendar
from socialmuse.services.metrics_collection import CADENCE
from socialmuse.services.organizations import create_organization_for
from socialmuse.services.secrets import encrypt_json, hash_password

DEMO_EMAIL = "demo@socialmuse.example"
TEAMMATE_EMAIL = "sam@socialmuse.example"
DEMO_BRANDS = (
    ("Northwind Coffee", "Europe/Paris", "Warm, witty, never pushy. Short sentences."),
    ("Bluebird Yoga", "America/New_York", "Calm and encouraging; plain words, no jargon."),
)


class DemoLogin(BaseModel):
    email: str
    password: str
    organization_id: int
    user_id: int
    brand_ids: list[int]
    teammate_email: str
    teammate_user_id: int


def seed_demo(session: Session) -> DemoLogin:
    """Create (or refresh) the demo organization; the password is new on every run."""
    password = secrets.token_urlsafe(12)
    user = session.exec(select(User).where(User.email == DEMO_EMAIL)).first()
    if user is None:
        user = auth.create_user(session, email=DEMO_EMAIL, password=password, name="Dana Demo")
        organization = create_organization_for(session, user=user, name="Demo Agency")
        organization_id = organization.id or 0
    else:
        user.password_hash = hash_password(password)
        session.add(user)
        organization_id = (
            session.exec(
                select(Membership.organization_id).where(
                    Membership.user_id == user.id, Membership.role == Role.SUPER_ADMIN
                )
            ).first()
            or create_organization_for(session, user=user, name="Demo Agency").id
            or 0
        )
    owner = auth.actor_for_user(session, user_id=user.id or 0, organization_id=organization_id)
    existing = {
        b.name: b.id for b in brands.list_brands(session, actor=owner, include_archived=True)
    }
    brand_ids = []
    for name, timezone, voice in DEMO_BRANDS:
        if name not in existing:
            existing[name] = brands.create_brand(
                session, actor=owner, name=name, timezone=timezone, voice=voice
            ).id
        brand_ids.append(existing[name])
    mate = session.exec(select(User).where(User.email == TEAMMATE_EMAIL)).first()
    if mate is None:
        invitation = team.create_invitation(
            session,
            actor=owner,
            email=TEAMMATE_EMAIL,
            role=Role.TEAM_MEMBER,
            brand_ids=brand_ids[:1],
        )
        team.accept_invitation(
            session, token=invitation.token, name="Sam Teammate", password=secrets.token_urlsafe(16)
        )
        mate = session.exec(select(User).where(User.email == TEAMMATE_EMAIL)).one()
    seed_demo_calendar(session, actor=owner, brand_ids=brand_ids)
    return DemoLogin(
        email=DEMO_EMAIL,
        password=password,
        organization_id=organization_id,
        user_id=user.id or 0,
        brand_ids=brand_ids,
        teammate_email=TEAMMATE_EMAIL,
        teammate_user_id=mate.id or 0,
    )


# ---------------------------------------------------------------- Stage D: 90 days of history

DEMO_HISTORY_NETWORKS = (
    Platform.X,
    Platform.LINKEDIN,
    Platform.INSTAGRAM,
    Platform.MASTODON,
    Platform.BLUESKY,
)
DEMO_POSTS = (
    "Fresh batch out of the oven this morning. #coffee #morning",
    "Three tips for a calmer Monday. Which one do you try first? #wellness",
    "Behind the scenes: meet the team that makes it happen. #team",
    "New season, new menu. Come and taste it this week! #launch #coffee",
    "We asked you what you wanted. Here is what you said. #community",
    "Five minutes, one breath, a better day. #mindfulness #morning",
    "Our sustainability report is out: less waste, more care. #sustainability",
    "Weekend plans? We have a few ideas. #weekend",
    "Thank you for 5 years of mornings together. #community #thankyou",
    "Quick poll: espresso or filter? Tell us below. #coffee",
)
NETWORK_WITH_IMPRESSIONS = {"x", "linkedin", "instagram", "facebook", "threads", "sandbox"}


class DemoHistory(BaseModel):
    brand_id: int
    seeded: bool
    accounts: int = 0
    posts: int = 0
    post_snapshots: int = 0
    account_snapshots: int = 0
    seconds: float = 0.0


def seed_history(
    session: Session, login: DemoLogin, *, days: int = 90, now: datetime | None = None
) -> list[DemoHistory]:
    """Give both demo brands ``days`` of published posts, snapshots and rollups (once).

    Each brand gets a live Sandbox account (collection keeps going after the demo) and
    five accounts on other networks kept as "demo history" (disconnected, so nothing
    tries to reach the real networks). Counts follow ``emulators.metrics_model``, the same
    curve the emulators and Sandbox answer with, and each brand has a favourite slot so
    best-times shows own history. Rows go in with bulk inserts.
    """
    now = now or utcnow()
    return [
        _seed_brand_history(session, login, brand_id, days=days, now=now)
        for brand_id in login.brand_ids
    ]


def _seed_brand_history(
    session: Session, login: DemoLogin, brand_id: int, *, days: int, now: datetime
) -> DemoHistory:
    started = time_module.perf_counter()
    seeded = session.exec(
        select(PostMetricLatest.target_id).where(PostMetricLatest.brand_id == brand_id).limit(1)
    ).first()
    if seeded is not None:
        return DemoHistory(brand_id=brand_id, seeded=False)
    brand = session.get(Brand, brand_id)
    assert brand is not None
    zone = ZoneInfo(brand.timezone)
    rng = random.Random(f"demo-history:{brand.name}")
    slug = "".join(ch for ch in brand.name.lower() if ch.isalnum())[:20]
    accounts = _demo_accounts(session, login, brand, slug)
    campaigns = []
    for name, color in (("Spring launch", "#E5484D"), ("Community month", "#30A46C")):
        campaign = Campaign(
            organization_id=brand.organization_id,
            brand_id=brand_id,
            name=name,
            color=color,
            starts_at=now - timedelta(days=60 if "launch" in name else 30),
            ends_at=now - timedelta(days=30 if "launch" in name else 0),
        )
        session.add(campaign)
        campaigns.append(campaign)
    session.flush()
    favourite = (rng.choice((1, 2, 3)), rng.choice((8, 9, 12)))  # weekday, local hour
    start = now - timedelta(days=days)
    planned: list[tuple[SocialAccount, datetime, str, int | None]] = []
    for account in accounts:
        day = start.astimezone(zone).date()
        while day <= now.astimezone(zone).date():
            if rng.random() < 0.8:
                hour = (
                    favourite[1]
                    if day.weekday() == favourite[0] and rng.random() < 0.9
                    else rng.choice((7, 8, 10, 11, 13, 15, 17, 19, 21))
                )
                local = datetime.combine(day, dt_time(hour, rng.randrange(60)), zone)
                at = local.astimezone(UTC)
                if start <= at <= now - timedelta(minutes=30):
                    in_campaign = next(
                        (
                            c.id
                            for c in campaigns
                            if c.starts_at and c.ends_at and c.starts_at <= at <= c.ends_at
                        ),
                        None,
                    )
                    planned.append((account, at, rng.choice(DEMO_POSTS), in_campaign))
            day += timedelta(days=1)
    posts = [
        Post(
            organization_id=brand.organization_id,
            brand_id=brand_id,
            author_user_id=login.user_id,
            campaign_id=campaign_id,
            status=PostStatus.PUBLISHED,
            text=text,
            scheduled_at=at,
            published_at=at,
            source="demo",
            created_at=at - timedelta(days=1),
            updated_at=at,
        )
        for _account, at, text, campaign_id in planned
    ]
    session.add_all(posts)
    session.flush()
    targets = [
        PostTarget(
            organization_id=brand.organization_id,
            post_id=post.id or 0,
            social_account_id=account.id or 0,
            status=TargetStatus.PUBLISHED,
            scheduled_at=at,
            published_at=at,
            external_id=f"demo-{post.id}",
            attempt_count=1,
            created_at=at - timedelta(days=1),
            updated_at=at,
        )
        for post, (account, at, _text, _c) in zip(posts, planned, strict=True)
    ]
    session.add_all(targets)
    session.flush()
    snapshots, latest, schedules = [], [], []
    daily: dict[tuple[int, date], dict[str, Any]] = {}

    def day_row(account: SocialAccount, day: date) -> dict[str, Any]:
        return daily.setdefault(
            (account.id or 0, day),
            {
                "organization_id": brand.organization_id,
                "brand_id": brand_id,
                "social_account_id": account.id,
                "platform": str(account.platform),
                "day": day,
                "impressions": 0,
                "engagements": 0,
                "likes": 0,
                "comments": 0,
                "shares": 0,
                "clicks": 0,
                "posts_published": 0,
                "followers": None,
            },
        )

    for target, (account, at, _text, _c) in zip(targets, planned, strict=True):
        network = str(account.platform)
        audience = metrics_model.followers(account.external_id, at)
        day_row(account, at.astimezone(zone).date())["posts_published"] += 1
        previous = {"impressions": 0, "engagements": 0, "likes": 0, "comments": 0}
        previous |= {"shares": 0, "clicks": 0}
        step = 0
        last: dict[str, Any] | None = None
        for step, offset in enumerate(CADENCE):  # noqa: B007 - step is read after the loop
            collected = at + offset
            if collected > now:
                break
            counts = metrics_model.post_counts(target.external_id or "", network, audience, offset)
            if (local := at.astimezone(zone)).weekday() == favourite[0] and (
                local.hour == favourite[1]
            ):  # the brand's audience is most responsive then: best-times should find it
                counts = replace(
                    counts,
                    likes=counts.likes * 8 // 5,
                    comments=counts.comments * 8 // 5,
                    shares=counts.shares * 8 // 5,
                    clicks=counts.clicks * 8 // 5,
                    saves=counts.saves * 8 // 5,
                )
            impressions = counts.impressions if network in NETWORK_WITH_IMPRESSIONS else None
            clicks = counts.clicks if network in NETWORK_WITH_IMPRESSIONS else None
            engagements = (
                counts.likes + counts.comments + counts.shares + (clicks or 0) + counts.saves
            )
            values = {
                "impressions": impressions or 0,
                "engagements": engagements,
                "likes": counts.likes,
                "comments": counts.comments,
                "shares": counts.shares,
                "clicks": clicks or 0,
            }
            last = {
                "organization_id": brand.organization_id,
                "target_id": target.id,
                "social_account_id": account.id,
                "collected_at": collected,
                "impressions": impressions,
                "likes": counts.likes,
                "comments": counts.comments,
                "shares": counts.shares,
                "clicks": clicks,
                "saves": counts.saves,
                "engagements": engagements,
                "extra": {},
            }
            snapshots.append(last)
            row = day_row(account, collected.astimezone(zone).date())
            for name, value in values.items():
                row[name] += value - previous[name]
            previous = values
        else:
            step = len(CADENCE)
        if last is not None:
            latest.append(
                {
                    key: last[key]
                    for key in (
                        "organization_id",
                        "target_id",
                        "social_account_id",
                        "collected_at",
                        "impressions",
                        "likes",
                        "comments",
                        "shares",
                        "clicks",
                        "saves",
                        "engagements",
                    )
                }
                | {
                    "brand_id": brand_id,
                    "post_id": target.post_id,
                    "platform": network,
                    "published_at": at,
                }
            )
        # Seeded posts exist on no network (not even the Sandbox file): their history is
        # complete as written, so collection never asks for them.
        schedules.append(
            {
                "target_id": target.id,
                "organization_id": brand.organization_id,
                "social_account_id": account.id,
                "published_at": at,
                "collect_step": step,
                "next_collect_at": at + CADENCE[min(step, len(CADENCE) - 1)],
                "failures": 0,
                "last_collected_at": last["collected_at"] if last else None,
                "finished": True,
            }
        )
    audience_rows = []
    for account in accounts:
        day = start.astimezone(zone).date()
        while day <= now.astimezone(zone).date():
            at = min(datetime.combine(day, dt_time(23, 0), zone).astimezone(UTC), now)
            followers = metrics_model.followers(account.external_id, at)
            audience_rows.append(
                {
                    "organization_id": brand.organization_id,
                    "social_account_id": account.id,
                    "collected_at": at,
                    "followers": followers,
                    "following": metrics_model.following(account.external_id),
                    "posts_count": None,
                }
            )
            day_row(account, day)["followers"] = followers
            day += timedelta(days=1)
    for table, rows in (
        (PostMetricSnapshot, snapshots),
        (PostMetricLatest, latest),
        (PostMetricSchedule, schedules),
        (AccountMetricSnapshot, audience_rows),
        (MetricDaily, list(daily.values())),
    ):
        for chunk in range(0, len(rows), 5000):
            session.execute(insert(table), rows[chunk : chunk + 5000])
    session.flush()
    return DemoHistory(
        brand_id=brand_id,
        seeded=True,
        accounts=len(accounts),
        posts=len(posts),
        post_snapshots=len(snapshots),
        account_snapshots=len(audience_rows),
        seconds=round(time_module.perf_counter() - started, 3),
    )


def _demo_accounts(
    session: Session, login: DemoLogin, brand: Brand, slug: str
) -> list[SocialAccount]:
    """The brand's live Sandbox account and its demo-history accounts (created once)."""
    wanted = [(Platform.SANDBOX, slug, AccountStatus.CONNECTED)] + [
        (network, f"{slug}_{network.value}", AccountStatus.DISCONNECTED)
        for network in DEMO_HISTORY_NETWORKS
    ]
    out = []
    for network, handle, status in wanted:
        external_id = f"sandbox:{handle}" if network == Platform.SANDBOX else f"demo:{handle}"
        account = session.exec(
            select(SocialAccount).where(
                SocialAccount.brand_id == brand.id,
                SocialAccount.platform == network,
                SocialAccount.external_id == external_id,
            )
        ).first()
        if account is None:
            label = "Sandbox" if status == AccountStatus.CONNECTED else "demo history"
            account = SocialAccount(
                organization_id=brand.organization_id,
                brand_id=brand.id or 0,
                platform=network,
                external_id=external_id,
                handle=handle,
                display_name=f"{brand.name} ({label})",
                credentials_encrypted=encrypt_json({"kind": "sandbox"})
                if network == Platform.SANDBOX
                else "",
                status=status,
                connected_by_user_id=login.user_id,
            )
            session.add(account)
            session.flush()
        out.append(account)
    return out
