"""Competitor tracking: public accounts a brand watches, snapshotted daily, compared side by side.

A competitor is looked up by handle through one of the brand's own connected accounts on
that network (Bluesky, Mastodon and X need an authenticated caller for profile reads): the
adapter's ``fetch_public_profile`` returns followers, post count and the engagement of the
last week's posts. Snapshots are append-only like every other metric; a failed daily read
is retried with backoff and leaves the earlier ones alone.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from socialmuse.db import session_scope
from socialmuse.models import SocialAccount, utcnow
from socialmuse.models.enums import AccountStatus, Platform
from socialmuse.models.metrics import (
    AccountMetricSnapshot,
    Competitor,
    CompetitorSnapshot,
    MetricDaily,
    PostMetricLatest,
)
from socialmuse.platforms.base import AccountContext, PlatformError, PublicProfile, Rejected
from socialmuse.platforms.registry import adapter_for
from socialmuse.services import audit
from socialmuse.services.accounts import PLATFORM_LABELS, context_for
from socialmuse.services.brands import Action, load_brand
from socialmuse.services.errors import NotFound, ValidationError
from socialmuse.services.metrics_collection import Outcome, retry_delay
from socialmuse.services.permissions import Actor

log = logging.getLogger(__name__)

TRACKABLE = (Platform.BLUESKY, Platform.MASTODON, Platform.X)
EVERY = timedelta(days=1)
LEASE = timedelta(minutes=10)
MAX_PER_BRAND = 20


class CompetitorPublic(BaseModel):
    id: int
    brand_id: int
    platform: str
    network: str
    handle: str
    display_name: str
    followers: int | None
    last_collected_at: datetime | None
    last_error: str | None


class ComparisonRow(BaseModel):
    """One account in the side-by-side table: the brand's own or a competitor's."""

    kind: str  # "own" | "competitor"
    id: int
    platform: str
    network: str
    handle: str
    display_name: str
    followers: int | None
    follower_change: int | None
    follower_change_pct: float | None
    posts_per_week: float | None
    engagements_per_post: float | None


class Comparison(BaseModel):
    brand_id: int
    days: int
    rows: list[ComparisonRow]
    reason: str | None = None


def _lookup_account(session: Session, brand_id: int, platform: Platform) -> SocialAccount:
    account = session.exec(
        select(SocialAccount)
        .where(
            SocialAccount.brand_id == brand_id,
            SocialAccount.platform == platform,
            SocialAccount.status == AccountStatus.CONNECTED,
        )
        .order_by(col(SocialAccount.id))
    ).first()
    if account is None:
        raise ValidationError(
            f"Connect a {PLATFORM_LABELS[platform]} account to this brand first: "
            f"{PLATFORM_LABELS[platform]} only shows profiles to signed-in apps.",
            field="platform",
        )
    return account


def _fetch(platform: Platform, context: AccountContext, handle: str) -> PublicProfile:
    fetch = getattr(adapter_for(platform), "fetch_public_profile", None)
    if fetch is None:
        raise ValidationError(
            f"{PLATFORM_LABELS[platform]} profiles cannot be looked up.", field="platform"
        )
    profile: PublicProfile = fetch(context, handle)
    return profile


def _to_public(session: Session, competitor: Competitor) -> CompetitorPublic:
    last = session.exec(
        select(CompetitorSnapshot)
        .where(CompetitorSnapshot.competitor_id == competitor.id)
        .order_by(col(CompetitorSnapshot.collected_at).desc())
    ).first()
    return CompetitorPublic(
        id=competitor.id or 0,
        brand_id=competitor.brand_id,
        platform=competitor.platform,
        network=PLATFORM_LABELS[Platform(competitor.platform)],
        handle=competitor.handle,
        display_name=competitor.display_name,
        followers=last.followers if last else None,
        last_collected_at=last.collected_at if last else None,
        last_error=competitor.last_error,
    )


def _snapshot(
    session: Session, competitor: Competitor, profile: PublicProfile, now: datetime
) -> CompetitorSnapshot:
    snapshot = CompetitorSnapshot(
        organization_id=competitor.organization_id,
        competitor_id=competitor.id or 0,
        collected_at=now,
        followers=profile.followers,
        following=profile.following,
        posts_count=profile.posts,
        recent_posts=profile.recent_posts,
        recent_engagements=profile.recent_engagements,
    )
    session.add(snapshot)
    return snapshot


def add_competitor(
    session: Session, *, actor: Actor, brand_id: int, platform: str, handle: str
) -> CompetitorPublic:
    """Look the handle up on the network and start tracking it (first snapshot included)."""
    brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_MANAGE)
    try:
        network = Platform(platform)
    except ValueError:
        network = None
    if network not in TRACKABLE:
        raise ValidationError(
            "Competitors can be tracked on Bluesky, Mastodon and X.", field="platform"
        )
    assert network is not None
    handle = handle.strip().lstrip("@")
    if not handle:
        raise ValidationError("Type the competitor's handle.", field="handle")
    active = session.exec(
        select(func.count())
        .select_from(Competitor)
        .where(Competitor.brand_id == brand_id, col(Competitor.archived_at).is_(None))
    ).one()
    if active >= MAX_PER_BRAND:
        raise ValidationError(
            f"A brand can track up to {MAX_PER_BRAND} competitors; remove one first.",
            field="handle",
        )
    account = _lookup_account(session, brand_id, network)
    try:
        profile = _fetch(network, context_for(account), handle)
    except Rejected as exc:
        if exc.code == "not_found":
            raise ValidationError(exc.message, field="handle") from None
        raise ValidationError(
            f"{PLATFORM_LABELS[network]} refused the lookup: {exc.message}", field="handle"
        ) from None
    except PlatformError as exc:
        raise ValidationError(
            f"Could not reach {PLATFORM_LABELS[network]} to look @{handle} up: {exc.message} "
            "Try again in a few minutes.",
            field="handle",
        ) from None
    existing = session.exec(
        select(Competitor).where(
            Competitor.brand_id == brand_id,
            Competitor.platform == network,
            Competitor.external_id == profile.external_id,
        )
    ).first()
    now = utcnow()
    if existing is not None and existing.archived_at is None:
        raise ValidationError(f"@{profile.handle} is already tracked.", field="handle")
    competitor = existing or Competitor(
        organization_id=brand.organization_id,
        brand_id=brand_id,
        platform=network.value,
        handle=profile.handle,
        external_id=profile.external_id,
        instance_url=account.instance_url,
        added_by_user_id=actor.user_id,
    )
    competitor.archived_at, competitor.last_error = None, None
    competitor.display_name = profile.display_name[:255]
    competitor.next_collect_at = now + EVERY
    session.add(competitor)
    session.flush()
    _snapshot(session, competitor, profile, now)
    audit.record_for(
        session,
        actor,
        "competitor.added",
        target_type="competitor",
        target_id=competitor.id,
        details={"platform": network.value, "handle": profile.handle},
    )
    session.flush()
    return _to_public(session, competitor)


def _load(session: Session, actor: Actor, competitor_id: int, action: Action) -> Competitor:
    competitor = session.get(Competitor, competitor_id)
    if competitor is None or competitor.organization_id != actor.organization_id:
        raise NotFound("That competitor does not exist.")
    try:
        load_brand(session, actor=actor, brand_id=competitor.brand_id, action=action)
    except NotFound:
        raise NotFound("That competitor does not exist.") from None
    return competitor


def remove_competitor(session: Session, *, actor: Actor, competitor_id: int) -> CompetitorPublic:
    """Stop tracking; the snapshots stay (re-adding the handle picks the history up)."""
    competitor = _load(session, actor, competitor_id, Action.BRAND_MANAGE)
    competitor.archived_at, competitor.next_collect_at = utcnow(), None
    session.add(competitor)
    audit.record_for(
        session,
        actor,
        "competitor.removed",
        target_type="competitor",
        target_id=competitor.id,
        details={"platform": competitor.platform, "handle": competitor.handle},
    )
    session.flush()
    return _to_public(session, competitor)


def list_competitors(session: Session, *, actor: Actor, brand_id: int) -> list[CompetitorPublic]:
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    rows = session.exec(
        select(Competitor)
        .where(
            Competitor.organization_id == actor.organization_id,
            Competitor.brand_id == brand_id,
            col(Competitor.archived_at).is_(None),
        )
        .order_by(col(Competitor.platform), col(Competitor.handle))
    ).all()
    return [_to_public(session, c) for c in rows]


def _pct(change: int | None, start: int | None) -> float | None:
    if change is None or not start:
        return None
    return round(100.0 * change / start, 2)


def compare(session: Session, *, actor: Actor, brand_id: int, days: int = 30) -> Comparison:
    """The brand's accounts and its competitors side by side over the last ``days`` days."""
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    days = max(1, min(days, 365))
    since = utcnow() - timedelta(days=days)
    rows: list[ComparisonRow] = []
    accounts = session.exec(
        select(SocialAccount).where(
            SocialAccount.organization_id == actor.organization_id,
            SocialAccount.brand_id == brand_id,
            SocialAccount.status != AccountStatus.DISCONNECTED,
        )
    ).all()
    for account in accounts:
        snaps = session.exec(
            select(AccountMetricSnapshot.followers)
            .where(
                AccountMetricSnapshot.social_account_id == account.id,
                col(AccountMetricSnapshot.collected_at) >= since,
            )
            .order_by(col(AccountMetricSnapshot.collected_at))
        ).all()
        posts = session.exec(
            select(func.coalesce(func.sum(MetricDaily.posts_published), 0)).where(
                MetricDaily.social_account_id == account.id, col(MetricDaily.day) >= since.date()
            )
        ).one()
        per_post = session.exec(
            select(func.avg(PostMetricLatest.engagements)).where(
                PostMetricLatest.social_account_id == account.id,
                col(PostMetricLatest.published_at) >= since,
            )
        ).one()
        change = snaps[-1] - snaps[0] if snaps else None
        rows.append(
            ComparisonRow(
                kind="own",
                id=account.id or 0,
                platform=account.platform,
                network=PLATFORM_LABELS[Platform(account.platform)],
                handle=account.handle,
                display_name=account.display_name or account.handle,
                followers=snaps[-1] if snaps else None,
                follower_change=change,
                follower_change_pct=_pct(change, snaps[0] if snaps else None),
                posts_per_week=round(7.0 * int(posts) / days, 2),
                engagements_per_post=round(float(per_post), 1) if per_post is not None else None,
            )
        )
    competitors = session.exec(
        select(Competitor).where(
            Competitor.organization_id == actor.organization_id,
            Competitor.brand_id == brand_id,
            col(Competitor.archived_at).is_(None),
        )
    ).all()
    for competitor in competitors:
        snaps_c = session.exec(
            select(CompetitorSnapshot)
            .where(
                CompetitorSnapshot.competitor_id == competitor.id,
                col(CompetitorSnapshot.collected_at) >= since,
            )
            .order_by(col(CompetitorSnapshot.collected_at))
        ).all()
        first, last = (snaps_c[0], snaps_c[-1]) if snaps_c else (None, None)
        change = last.followers - first.followers if first and last else None
        span = (last.collected_at - first.collected_at).days if first and last else 0
        if first and last and span >= 1 and first.posts_count is not None and last.posts_count:
            per_week: float | None = 7.0 * (last.posts_count - first.posts_count) / span
        else:
            per_week = float(last.recent_posts) if last else None
        rows.append(
            ComparisonRow(
                kind="competitor",
                id=competitor.id or 0,
                platform=competitor.platform,
                network=PLATFORM_LABELS[Platform(competitor.platform)],
                handle=competitor.handle,
                display_name=competitor.display_name or competitor.handle,
                followers=last.followers if last else None,
                follower_change=change,
                follower_change_pct=_pct(change, first.followers if first else None),
                posts_per_week=round(per_week, 2) if per_week is not None else None,
                engagements_per_post=round(last.recent_engagements / last.recent_posts, 1)
                if last and last.recent_posts
                else None,
            )
        )
    reason = None
    if not competitors:
        reason = "No competitors tracked yet: add a public Bluesky, Mastodon or X account."
    return Comparison(brand_id=brand_id, days=days, rows=rows, reason=reason)


def claim_due_competitors(
    session: Session, *, now: datetime | None = None, limit: int = 200
) -> list[int]:
    """Lease competitors due for their daily read (moving next_collect_at past the lease)."""
    now = now or utcnow()
    due = (
        select(Competitor.id)
        .where(col(Competitor.archived_at).is_(None), col(Competitor.next_collect_at) <= now)
        .order_by(col(Competitor.next_collect_at))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(session.exec(due).all())
    if not ids:
        return []
    claimed = session.execute(
        update(Competitor)
        .where(col(Competitor.id).in_(ids), col(Competitor.next_collect_at) <= now)
        .values(next_collect_at=now + LEASE)
        .returning(col(Competitor.id))
    )
    return [row[0] for row in claimed]


def collect_competitor(competitor_id: int, *, now: datetime | None = None) -> Outcome:
    """Read one claimed competitor's public numbers and append a snapshot (the actor's body)."""
    with session_scope() as session:
        competitor = session.get(Competitor, competitor_id)
        if competitor is None or competitor.archived_at is not None:
            return Outcome("ended", "No longer tracked.")
        platform, handle = Platform(competitor.platform), competitor.handle
        try:
            context = context_for(_lookup_account(session, competitor.brand_id, platform))
        except ValidationError as exc:
            context, problem = None, exc.message
    result: PublicProfile | PlatformError
    if context is None:
        result = PlatformError(problem, code="no_account")
    else:
        try:
            result = _fetch(platform, context, handle)
        except PlatformError as exc:
            result = exc
        except Exception as exc:
            log.exception("adapter %s crashed looking up a competitor", platform)
            result = PlatformError(f"unexpected error: {type(exc).__name__}", code="internal")
    now = now or utcnow()
    with session_scope() as session:
        competitor = session.get(Competitor, competitor_id)
        if competitor is None:
            return Outcome("ended", "No longer tracked.")
        if isinstance(result, PublicProfile):
            _snapshot(session, competitor, result, now)
            competitor.next_collect_at, competitor.last_error = now + EVERY, None
            session.add(competitor)
            return Outcome("stored")
        failures = 1 + int(competitor.last_error is not None)
        competitor.last_error = result.message
        competitor.next_collect_at = now + min(retry_delay(failures * 3), EVERY)
        session.add(competitor)
        return Outcome("retry", result.message, competitor.next_collect_at)
