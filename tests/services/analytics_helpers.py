"""Builders for analytics tests: published posts with known counts, account audiences."""

from __future__ import annotations

import itertools
from datetime import datetime

from sqlmodel import Session

from socialmuse.models import Brand, Post, PostTarget, SocialAccount
from socialmuse.models.enums import Platform, PostStatus, TargetStatus
from socialmuse.platforms.base import AccountMetrics, PostMetrics
from socialmuse.services import metrics_collection
from tests.factories import Person

_ids = itertools.count(1)


def account(
    session: Session,
    person: Person,
    brand_id: int,
    platform: Platform = Platform.SANDBOX,
    handle: str | None = None,
) -> SocialAccount:
    n = next(_ids)
    row = SocialAccount(
        organization_id=person.actor.organization_id,
        brand_id=brand_id,
        platform=platform,
        external_id=f"ext-{n}",
        handle=handle or f"acct{n}",
        display_name=f"Account {n}",
    )
    session.add(row)
    session.commit()
    return row


def published(
    session: Session,
    acct: SocialAccount,
    at: datetime,
    *,
    text: str = "hello",
    campaign_id: int | None = None,
    metrics: PostMetrics | None = None,
    collected_at: datetime | None = None,
    count: bool = True,
) -> PostTarget:
    """A post published to ``acct`` at ``at``; with ``metrics``, one snapshot stored.

    ``count=False`` leaves the day's post count to ``register_published`` (collection tests).
    """
    post = Post(
        organization_id=acct.organization_id,
        brand_id=acct.brand_id,
        status=PostStatus.PUBLISHED,
        text=text,
        scheduled_at=at,
        published_at=at,
        campaign_id=campaign_id,
    )
    session.add(post)
    session.flush()
    target = PostTarget(
        organization_id=acct.organization_id,
        post_id=post.id or 0,
        social_account_id=acct.id or 0,
        status=TargetStatus.PUBLISHED,
        scheduled_at=at,
        published_at=at,
        external_id=f"post-{next(_ids)}",
    )
    session.add(target)
    session.flush()
    brand = session.get(Brand, acct.brand_id)
    assert brand is not None
    if count:
        metrics_collection.upsert_daily(
            session,
            account=acct,
            day=metrics_collection.local_day(at, brand.timezone),
            increments={"posts_published": 1},
        )
    if metrics is not None:
        metrics_collection.store_post_metrics(
            session,
            target=target,
            account=acct,
            brand=brand,
            metrics=metrics,
            now=collected_at or at,
        )
    session.commit()
    return target


def audience(session: Session, acct: SocialAccount, at: datetime, followers: int) -> None:
    brand = session.get(Brand, acct.brand_id)
    assert brand is not None
    metrics_collection.store_account_metrics(
        session,
        account=acct,
        brand=brand,
        metrics=AccountMetrics(followers=followers, following=10, posts=1),
        now=at,
    )
    session.commit()
