"""Collecting metrics from the networks: when, from whom, and what happens when they fail.

Every published target is read on a decaying cadence (``CADENCE``: 1 h, 6 h, 24 h, 3 d,
7 d, then weekly until 90 days) and every account once a day. Each read appends a snapshot
and, in the same transaction, maintains the rollups the dashboard reads (PostMetricLatest,
MetricDaily) and checks milestones.

Concurrency: a due step is claimed with a conditional UPDATE (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL), like ``publishing.claim_due_targets``; finishing moves ``collect_step`` on only
if it still holds the claimed value, and the snapshot is written only when that update
matched. So even a worker that outlived its lease cannot store a step twice.

Failures (rate limit, 5xx, timeout, deprecated endpoint, expired auth) are recorded on the
schedule and retried later with backoff; they never touch earlier snapshots. After
``MAX_FAILURES`` in a row a step is skipped (the next one is still tried); a post the
network no longer has ends its schedule.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from socialmuse.db import session_scope
from socialmuse.models import Brand, Post, PostTarget, SocialAccount, utcnow
from socialmuse.models.enums import AccountStatus, Platform, TargetStatus
from socialmuse.models.metrics import (
    AccountMetricSchedule,
    AccountMetricSnapshot,
    MetricDaily,
    PostMetricLatest,
    PostMetricSchedule,
    PostMetricSnapshot,
)
from socialmuse.platforms.base import (
    AccountContext,
    AccountMetrics,
    AuthExpired,
    PlatformError,
    PostMetrics,
    RateLimited,
    Rejected,
)
from socialmuse.platforms.registry import NetworkNotAvailable, adapter_for
from socialmuse.services import milestones
from socialmuse.services.accounts import PLATFORM_LABELS, context_for
from socialmuse.services.secrets import encrypt_json

log = logging.getLogger(__name__)

HOUR, DAY = timedelta(hours=1), timedelta(days=1)
# When each read happens, counted from publication.
CADENCE: tuple[timedelta, ...] = (
    HOUR,
    6 * HOUR,
    DAY,
    3 * DAY,
    7 * DAY,
    *(timedelta(weeks=w) for w in range(2, 13)),
    90 * DAY,
)
HORIZON = CADENCE[-1]
ACCOUNT_EVERY = DAY
LEASE = timedelta(minutes=10)
MAX_FAILURES = 6
RETRY_BASE = timedelta(minutes=15)
RETRY_CAP = timedelta(hours=24)


def engagements_of(metrics: PostMetrics) -> int:
    """Everything a person did with the post (likes, comments, shares, clicks, saves)."""
    return (
        metrics.likes
        + metrics.comments
        + metrics.shares
        + (metrics.clicks or 0)
        + (metrics.saves or 0)
    )


def retry_delay(failures: int) -> timedelta:
    """15 min, 30 min, 1 h, … capped at a day: a flaky endpoint is not hammered."""
    return min(RETRY_CAP, RETRY_BASE * (2 ** max(failures - 1, 0)))


def local_day(at: datetime, timezone: str) -> date:
    return at.astimezone(ZoneInfo(timezone)).date()


# ---------------------------------------------------------------- registration


def register_published(session: Session, *, now: datetime | None = None, limit: int = 1000) -> int:
    """Start a collection schedule for targets published since the last pass.

    Each registration also counts the post on its account's day (``posts_published``).
    Targets published longer ago than the horizon are not collected.
    """
    now = now or utcnow()
    rows = session.exec(
        select(PostTarget, SocialAccount, Brand)
        .join(SocialAccount, col(SocialAccount.id) == col(PostTarget.social_account_id))
        .join(Brand, col(Brand.id) == col(SocialAccount.brand_id))
        .outerjoin(PostMetricSchedule, col(PostMetricSchedule.target_id) == col(PostTarget.id))
        .where(
            PostTarget.status == TargetStatus.PUBLISHED,
            col(PostTarget.published_at).is_not(None),
            col(PostTarget.published_at) > now - HORIZON,
            col(PostTarget.external_id).is_not(None),
            col(PostMetricSchedule.target_id).is_(None),
        )
        .limit(limit)
    ).all()
    for target, account, brand in rows:
        published = target.published_at or now
        session.add(
            PostMetricSchedule(
                target_id=target.id or 0,
                organization_id=target.organization_id,
                social_account_id=account.id or 0,
                published_at=published,
                next_collect_at=published + CADENCE[0],
            )
        )
        upsert_daily(
            session,
            account=account,
            day=local_day(published, brand.timezone),
            increments={"posts_published": 1},
        )
    accounts = session.exec(
        select(SocialAccount)
        .outerjoin(
            AccountMetricSchedule,
            col(AccountMetricSchedule.social_account_id) == col(SocialAccount.id),
        )
        .where(
            SocialAccount.status != AccountStatus.DISCONNECTED,
            col(AccountMetricSchedule.social_account_id).is_(None),
        )
        .limit(limit)
    ).all()
    for account in accounts:
        session.add(
            AccountMetricSchedule(
                social_account_id=account.id or 0,
                organization_id=account.organization_id,
                next_collect_at=now,
            )
        )
    session.flush()
    return len(rows)


# ---------------------------------------------------------------- claiming


@dataclass(frozen=True)
class Claim:
    target_id: int
    step: int


def claim_due_posts(
    session: Session, *, now: datetime | None = None, limit: int = 500
) -> list[Claim]:
    """Lease due target steps; returns what this caller now owns (nobody else can)."""
    now = now or utcnow()
    free = or_(
        col(PostMetricSchedule.lease_expires_at).is_(None),
        col(PostMetricSchedule.lease_expires_at) <= now,
    )
    due = (
        select(PostMetricSchedule.target_id)
        .where(
            col(PostMetricSchedule.finished).is_(False),
            col(PostMetricSchedule.next_collect_at) <= now,
            free,
        )
        .order_by(col(PostMetricSchedule.next_collect_at))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(session.exec(due).all())
    if not ids:
        return []
    claimed = session.execute(
        update(PostMetricSchedule)
        .where(col(PostMetricSchedule.target_id).in_(ids), free)
        .values(lease_expires_at=now + LEASE)
        .returning(col(PostMetricSchedule.target_id), col(PostMetricSchedule.collect_step))
    )
    return [Claim(target_id=row[0], step=row[1]) for row in claimed]


def claim_due_accounts(
    session: Session, *, now: datetime | None = None, limit: int = 500
) -> list[int]:
    """Lease accounts due for their daily audience read."""
    now = now or utcnow()
    free = or_(
        col(AccountMetricSchedule.lease_expires_at).is_(None),
        col(AccountMetricSchedule.lease_expires_at) <= now,
    )
    due = (
        select(AccountMetricSchedule.social_account_id)
        .join(SocialAccount, col(SocialAccount.id) == col(AccountMetricSchedule.social_account_id))
        .where(
            col(AccountMetricSchedule.next_collect_at) <= now,
            SocialAccount.status != AccountStatus.DISCONNECTED,
            free,
        )
        .order_by(col(AccountMetricSchedule.next_collect_at))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True, of=AccountMetricSchedule)
    ids = list(session.exec(due).all())
    if not ids:
        return []
    claimed = session.execute(
        update(AccountMetricSchedule)
        .where(col(AccountMetricSchedule.social_account_id).in_(ids), free)
        .values(lease_expires_at=now + LEASE)
        .returning(col(AccountMetricSchedule.social_account_id))
    )
    return [row[0] for row in claimed]


# ---------------------------------------------------------------- rollups


def upsert_daily(
    session: Session,
    *,
    account: SocialAccount,
    day: date,
    increments: dict[str, int] | None = None,
    followers: int | None = None,
) -> None:
    """Add to (or create) the account's row for ``day``; ``followers`` replaces the end value.

    One statement (INSERT … ON CONFLICT DO UPDATE) so two workers never lose an increment.
    """
    increments = increments or {}
    table = MetricDaily.__table__  # type: ignore[attr-defined]
    values: dict[str, Any] = {
        "organization_id": account.organization_id,
        "brand_id": account.brand_id,
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
        "followers": followers,
    } | increments
    dialect = session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(table).values(**values)
    changes: dict[str, Any] = {name: table.c[name] + insert.excluded[name] for name in increments}
    if followers is not None:
        changes["followers"] = insert.excluded.followers
    if not changes:
        changes["day"] = insert.excluded.day
    session.execute(
        insert.on_conflict_do_update(index_elements=["social_account_id", "day"], set_=changes)
    )


def store_post_metrics(
    session: Session,
    *,
    target: PostTarget,
    account: SocialAccount,
    brand: Brand,
    metrics: PostMetrics,
    now: datetime,
    check_milestones: bool = True,
) -> PostMetricSnapshot:
    """Append a snapshot, move the target's latest counts and its account's day forward."""
    engagements = engagements_of(metrics)
    snapshot = PostMetricSnapshot(
        organization_id=target.organization_id,
        target_id=target.id or 0,
        social_account_id=account.id or 0,
        collected_at=now,
        impressions=metrics.impressions,
        likes=metrics.likes,
        comments=metrics.comments,
        shares=metrics.shares,
        clicks=metrics.clicks,
        saves=metrics.saves,
        engagements=engagements,
        extra={"video_views": metrics.video_views} if metrics.video_views is not None else {},
    )
    session.add(snapshot)
    latest = session.get(PostMetricLatest, target.id)
    before = (0, 0, 0, 0, 0, 0)
    if latest is not None:
        before = (
            latest.impressions or 0,
            latest.engagements,
            latest.likes,
            latest.comments,
            latest.shares,
            latest.clicks or 0,
        )
    if latest is None:
        post = session.get(Post, target.post_id)
        latest = PostMetricLatest(
            target_id=target.id or 0,
            organization_id=target.organization_id,
            brand_id=post.brand_id if post else account.brand_id,
            post_id=target.post_id,
            social_account_id=account.id or 0,
            platform=str(account.platform),
            published_at=target.published_at or now,
            collected_at=now,
        )
    latest.collected_at = now
    latest.impressions, latest.engagements = metrics.impressions, engagements
    latest.likes, latest.comments, latest.shares = metrics.likes, metrics.comments, metrics.shares
    latest.clicks, latest.saves = metrics.clicks, metrics.saves
    session.add(latest)
    after = (
        metrics.impressions or 0,
        engagements,
        metrics.likes,
        metrics.comments,
        metrics.shares,
        metrics.clicks or 0,
    )
    names = ("impressions", "engagements", "likes", "comments", "shares", "clicks")
    upsert_daily(
        session,
        account=account,
        day=local_day(now, brand.timezone),
        increments={n: a - b for n, a, b in zip(names, after, before, strict=True)},
    )
    session.flush()
    if check_milestones:
        milestones.check_post(session, target_id=target.id or 0, engagements=engagements)
    return snapshot


def store_account_metrics(
    session: Session,
    *,
    account: SocialAccount,
    brand: Brand,
    metrics: AccountMetrics,
    now: datetime,
    check_milestones: bool = True,
) -> AccountMetricSnapshot:
    """Append an audience snapshot and set the day's end-of-day followers."""
    snapshot = AccountMetricSnapshot(
        organization_id=account.organization_id,
        social_account_id=account.id or 0,
        collected_at=now,
        followers=metrics.followers,
        following=metrics.following,
        posts_count=metrics.posts,
    )
    session.add(snapshot)
    upsert_daily(
        session, account=account, day=local_day(now, brand.timezone), followers=metrics.followers
    )
    session.flush()
    if check_milestones:
        milestones.check_account(session, account_id=account.id or 0, followers=metrics.followers)
    return snapshot


# ---------------------------------------------------------------- collecting


@dataclass(frozen=True)
class Outcome:
    """What one collection did: ``stored``, ``retry`` (with when), ``skipped`` or ``ended``."""

    status: str
    detail: str = ""
    retry_at: datetime | None = None


def _call(platform: Platform, account: AccountContext, fetch: str, *args: str) -> Any:
    """Ask the adapter; refresh once on expired auth; any crash becomes a PlatformError."""
    try:
        adapter = adapter_for(platform)
    except NetworkNotAvailable as exc:
        return PlatformError(str(exc), code="network_unavailable")
    try:
        return getattr(adapter, fetch)(account, *args)
    except AuthExpired:
        try:
            connected = adapter.refresh(account)
            account.update_credentials(**connected.credentials)
            return getattr(adapter, fetch)(account, *args)
        except PlatformError as exc:
            return exc
    except PlatformError as exc:
        return exc
    except Exception as exc:
        log.exception("adapter %s crashed reading metrics", platform)
        return PlatformError(
            f"unexpected error: {type(exc).__name__}: {exc}", code="internal_error"
        )


def _plain(platform: Platform, exc: PlatformError) -> str:
    said = (
        f' {PLATFORM_LABELS[platform]} said: "{exc.platform_message}"'
        if exc.platform_message
        else ""
    )
    return f"{exc.message}{said}"


def _retry_at(exc: PlatformError, failures: int, now: datetime) -> datetime:
    if isinstance(exc, RateLimited):
        return max(exc.retry_at, now + timedelta(minutes=1))
    if isinstance(exc, AuthExpired):
        return now + 6 * HOUR  # someone has to reconnect the account first
    return now + retry_delay(failures)


def _load(session: Session, target_id: int) -> tuple[PostTarget, SocialAccount, Brand] | None:
    target = session.get(PostTarget, target_id)
    if target is None or target.external_id is None:
        return None
    account = session.get(SocialAccount, target.social_account_id)
    if account is None:
        return None
    brand = session.get(Brand, account.brand_id)
    return (target, account, brand) if brand else None


def collect_post(target_id: int, step: int, *, now: datetime | None = None) -> Outcome:
    """Read one claimed step of one target and record the result (the actor's body)."""
    with session_scope() as session:
        loaded = _load(session, target_id)
        if loaded is None:
            _end(session, target_id, step, "The post is gone.")
            return Outcome("ended", "The post is gone.")
        target, account, _brand = loaded
        if account.status == AccountStatus.DISCONNECTED:
            _end(session, target_id, step, "The account was disconnected.")
            return Outcome("ended", "The account was disconnected.")
        platform, context = Platform(account.platform), context_for(account)
        external_id = target.external_id or ""
    result = _call(platform, context, "fetch_post_metrics", external_id)
    with session_scope() as session:
        return record_post_result(
            session, target_id, step, result, context=context, now=now or utcnow()
        )


def _end(session: Session, target_id: int, step: int, why: str) -> None:
    session.execute(
        update(PostMetricSchedule)
        .where(
            col(PostMetricSchedule.target_id) == target_id,
            col(PostMetricSchedule.collect_step) == step,
        )
        .values(finished=True, lease_expires_at=None, last_error_message=why)
    )


def record_post_result(
    session: Session,
    target_id: int,
    step: int,
    result: PostMetrics | PlatformError,
    *,
    context: AccountContext | None = None,
    now: datetime,
) -> Outcome:
    """Store a read (once per step, whoever gets here first) or schedule a retry."""
    loaded = _load(session, target_id)
    schedule = session.get(PostMetricSchedule, target_id, populate_existing=True)
    if loaded is None or schedule is None:
        return Outcome("ended", "The post is gone.")
    target, account, brand = loaded
    _save_credentials(session, account, context)
    mine = and_(
        col(PostMetricSchedule.target_id) == target_id,
        col(PostMetricSchedule.collect_step) == step,
        col(PostMetricSchedule.finished).is_(False),
    )
    if isinstance(result, PostMetrics):
        nxt = step + 1
        finished = nxt >= len(CADENCE)
        next_at = schedule.published_at + CADENCE[min(nxt, len(CADENCE) - 1)]
        moved = session.execute(
            update(PostMetricSchedule)
            .where(mine)
            .values(
                collect_step=nxt,
                next_collect_at=max(next_at, now + timedelta(minutes=1)),
                finished=finished,
                lease_expires_at=None,
                failures=0,
                last_collected_at=now,
                last_error_code=None,
                last_error_message=None,
            )
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            return Outcome("skipped", "Another worker already stored this step.")
        store_post_metrics(
            session, target=target, account=account, brand=brand, metrics=result, now=now
        )
        return Outcome("stored")
    platform = Platform(account.platform)
    message = _plain(platform, result)
    if isinstance(result, Rejected) and (result.code == "not_found" or result.http_status == 404):
        session.execute(
            update(PostMetricSchedule)
            .where(mine)
            .values(
                finished=True,
                lease_expires_at=None,
                last_error_code=result.code,
                last_error_message=message,
            )
        )
        return Outcome("ended", message)
    failures = schedule.failures + 1
    if isinstance(result, AuthExpired):
        _needs_reconnect(account, message, now)
        session.add(account)
    if failures >= MAX_FAILURES:
        nxt = step + 1
        finished = nxt >= len(CADENCE)
        next_at = schedule.published_at + CADENCE[min(nxt, len(CADENCE) - 1)]
        values: dict[str, Any] = {
            "collect_step": nxt,
            "finished": finished,
            "failures": 0,
            "next_collect_at": max(next_at, now + retry_delay(1)),
        }
        status = "skipped"
    else:
        values = {"failures": failures, "next_collect_at": _retry_at(result, failures, now)}
        status = "retry"
    session.execute(
        update(PostMetricSchedule)
        .where(mine)
        .values(
            lease_expires_at=None, last_error_code=result.code, last_error_message=message, **values
        )
    )
    return Outcome(status, message, values["next_collect_at"])


def _save_credentials(
    session: Session, account: SocialAccount, context: AccountContext | None
) -> None:
    if context is not None and context.credentials_changed:
        account.credentials_encrypted = encrypt_json(context.credentials)
        session.add(account)


def _needs_reconnect(account: SocialAccount, message: str, now: datetime) -> None:
    account.status, account.last_error, account.updated_at = (
        AccountStatus.RECONNECT_NEEDED,
        message,
        now,
    )


def collect_account(account_id: int, *, now: datetime | None = None) -> Outcome:
    """Read one claimed account's audience and record the result (the actor's body)."""
    with session_scope() as session:
        account = session.get(SocialAccount, account_id)
        if account is None or account.status == AccountStatus.DISCONNECTED:
            return Outcome("ended", "The account is disconnected.")
        platform, context = Platform(account.platform), context_for(account)
    result = _call(platform, context, "fetch_account_metrics")
    with session_scope() as session:
        return record_account_result(
            session, account_id, result, context=context, now=now or utcnow()
        )


def record_account_result(
    session: Session,
    account_id: int,
    result: AccountMetrics | PlatformError,
    *,
    context: AccountContext | None = None,
    now: datetime,
) -> Outcome:
    account = session.get(SocialAccount, account_id)
    schedule = session.get(AccountMetricSchedule, account_id, populate_existing=True)
    if account is None or schedule is None:
        return Outcome("ended", "The account is gone.")
    brand = session.get(Brand, account.brand_id)
    assert brand is not None
    _save_credentials(session, account, context)
    if isinstance(result, AccountMetrics):
        schedule.next_collect_at = now + ACCOUNT_EVERY
        schedule.failures, schedule.last_collected_at = 0, now
        schedule.last_error_code = schedule.last_error_message = None
        schedule.lease_expires_at = None
        session.add(schedule)
        store_account_metrics(session, account=account, brand=brand, metrics=result, now=now)
        return Outcome("stored")
    message = _plain(Platform(account.platform), result)
    schedule.failures += 1
    schedule.next_collect_at = min(_retry_at(result, schedule.failures, now), now + ACCOUNT_EVERY)
    schedule.last_error_code, schedule.last_error_message = result.code, message
    schedule.lease_expires_at = None
    session.add(schedule)
    if isinstance(result, AuthExpired):
        _needs_reconnect(account, message, now)
        session.add(account)
    session.flush()
    return Outcome("retry", message, schedule.next_collect_at)


@dataclass
class Pass:
    """What one inline pass did (the benchmark's ingestion figure and the CLI's report)."""

    registered: int = 0
    stored: int = 0
    retried: int = 0
    skipped: int = 0
    ended: int = 0

    def count(self, outcome: Outcome) -> None:
        name = {"stored": "stored", "retry": "retried", "skipped": "skipped"}.get(
            outcome.status, "ended"
        )
        setattr(self, name, getattr(self, name) + 1)


def collect_due_inline(*, now: datetime | None = None, limit: int = 500) -> Pass:
    """Register, claim and collect everything due in this process (no queue needed)."""
    report = Pass()
    with session_scope() as session:
        report.registered = register_published(session, now=now)
    with session_scope() as session:
        claims = claim_due_posts(session, now=now, limit=limit)
        accounts = claim_due_accounts(session, now=now, limit=limit)
    for claim in claims:
        report.count(collect_post(claim.target_id, claim.step, now=now))
    for account_id in accounts:
        report.count(collect_account(account_id, now=now))
    return report


def due_counts(session: Session, *, now: datetime | None = None) -> dict[str, int]:
    """How much collection is waiting (health pages, tests)."""
    now = now or utcnow()
    posts = session.exec(
        select(func.count())
        .select_from(PostMetricSchedule)
        .where(
            col(PostMetricSchedule.finished).is_(False),
            col(PostMetricSchedule.next_collect_at) <= now,
        )
    ).one()
    accounts = session.exec(
        select(func.count())
        .select_from(AccountMetricSchedule)
        .where(col(AccountMetricSchedule.next_collect_at) <= now)
    ).one()
    return {"posts": int(posts), "accounts": int(accounts)}
