"""Publishing without duplicates or losses (architecture.md, "A post's life").

scheduled ──claim──► queued ──begin──► publishing ──► published
                       ▲  (sweep: queue lease)   ├──► failed       (rejected, auth, give up)
                       │                         ├──► scheduled    (rate limit, transient)
                       └──── reconcile: absent ──┴──► unconfirmed  (outcome unknown, lease)

Claiming is one conditional UPDATE (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so any number
of schedulers may run. A worker moves a target to ``publishing`` only from ``queued``, so a
message delivered twice is a no-op. Nothing whose outcome is unknown is sent again until
``reconcile_target`` has asked the network whether the post exists.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from socialmuse.db import session_scope
from socialmuse.models import Post, PostTarget, PublishAttempt, SocialAccount, utcnow
from socialmuse.models.enums import AccountStatus, AttemptOutcome, Platform, PostStatus
from socialmuse.models.enums import TargetStatus as TS
from socialmuse.platforms.base import (
    AccountContext,
    AuthExpired,
    OutcomeUnknown,
    PlatformError,
    PostContent,
    Published,
    RateLimited,
    Rejected,
    Transient,
)
from socialmuse.platforms.registry import adapter_for
from socialmuse.services.accounts import PLATFORM_LABELS, context_for
from socialmuse.services.posts import content_of
from socialmuse.services.secrets import encrypt_json

log = logging.getLogger(__name__)

QUEUE_LEASE = timedelta(minutes=2)
PUBLISH_LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(minutes=30)


def backoff(attempt: int) -> timedelta:
    """Exponential backoff with full jitter, so retries of a burst do not arrive together."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** max(attempt - 1, 0)))
    return timedelta(seconds=random.uniform(ceiling.total_seconds() / 2, ceiling.total_seconds()))


def claim_due_targets(
    session: Session, *, now: datetime | None = None, limit: int = 500
) -> list[int]:
    """Move due targets from scheduled to queued; returns the ids this caller now owns."""
    now = now or utcnow()
    due = (
        select(PostTarget.id)
        .join(SocialAccount, col(SocialAccount.id) == col(PostTarget.social_account_id))
        .where(
            PostTarget.status == TS.SCHEDULED,
            col(PostTarget.scheduled_at) <= now,
            or_(col(PostTarget.next_attempt_at).is_(None), col(PostTarget.next_attempt_at) <= now),
            or_(
                col(SocialAccount.rate_limited_until).is_(None),
                col(SocialAccount.rate_limited_until) <= now,
            ),
        )
        .order_by(func.coalesce(col(PostTarget.next_attempt_at), col(PostTarget.scheduled_at)))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True, of=PostTarget)
    ids = list(session.exec(due).all())
    if not ids:
        return []
    claimed = session.execute(
        update(PostTarget)
        .where(col(PostTarget.id).in_(ids), col(PostTarget.status) == TS.SCHEDULED)
        .values(status=TS.QUEUED, lease_expires_at=now + QUEUE_LEASE, updated_at=now)
        .returning(col(PostTarget.id))
    )
    return [row[0] for row in claimed]


@dataclass
class Work:
    """One attempt in flight: everything the adapter call needs, nothing tied to a session."""

    target_id: int
    attempt_id: int
    account_id: int
    platform: Platform
    account: AccountContext
    content: PostContent
    idempotency_key: str


def begin_attempt(session: Session, target_id: int, *, worker: str) -> Work | None:
    """Queued → publishing with a new attempt row; None when someone else has it."""
    now = utcnow()
    moved = session.execute(
        update(PostTarget)
        .where(col(PostTarget.id) == target_id, col(PostTarget.status) == TS.QUEUED)
        .values(
            status=TS.PUBLISHING,
            lease_expires_at=now + PUBLISH_LEASE,
            attempt_count=PostTarget.attempt_count + 1,
            updated_at=now,
        )
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        return None
    target = session.get(PostTarget, target_id, populate_existing=True)
    assert target is not None
    post = session.get(Post, target.post_id)
    account = session.get(SocialAccount, target.social_account_id)
    assert post is not None and account is not None
    attempt = PublishAttempt(
        organization_id=target.organization_id,
        target_id=target_id,
        number=target.attempt_count,
        idempotency_key=target.idempotency_key,
        worker=worker[:128],
    )
    session.add(attempt)
    if post.status == PostStatus.SCHEDULED:
        post.status = PostStatus.PUBLISHING
        session.add(post)
    session.flush()
    return Work(
        target_id=target_id,
        attempt_id=attempt.id or 0,
        account_id=account.id or 0,
        platform=Platform(account.platform),
        account=context_for(account),
        content=content_of(session, post, target),
        idempotency_key=target.idempotency_key,
    )


def publish_target(target_id: int, *, worker: str = "inline") -> TS | None:
    """The whole protocol for one target; what the actor runs. None: not ours to publish."""
    with session_scope() as session:
        work = begin_attempt(session, target_id, worker=worker)
    if work is None:
        return None
    result = _call(work)
    with session_scope() as session:
        return finish_attempt(session, work, result)


def _call(work: Work) -> Published | PlatformError:
    adapter = adapter_for(work.platform)
    try:
        return adapter.publish(work.account, work.content, idempotency_key=work.idempotency_key)
    except AuthExpired:
        try:  # refresh once, then one more try with the same key
            connected = adapter.refresh(work.account)
            work.account.update_credentials(**connected.credentials)
            return adapter.publish(work.account, work.content, idempotency_key=work.idempotency_key)
        except PlatformError as exc:
            return (
                exc
                if not isinstance(exc, AuthExpired)
                else AuthExpired(
                    exc.message,
                    code=exc.code,
                    http_status=exc.http_status,
                    platform_message=exc.platform_message,
                )
            )
    except PlatformError as exc:
        return exc
    except Exception as exc:  # a bug after the request may have gone out: never blind-retry
        log.exception("adapter %s crashed publishing target %s", work.platform, work.target_id)
        return OutcomeUnknown(
            f"unexpected error while publishing: {type(exc).__name__}: {exc}", code="internal_error"
        )


def _plain(work: Work, exc: PlatformError) -> str:
    network = PLATFORM_LABELS[work.platform]
    said = f' {network} said: "{exc.platform_message}"' if exc.platform_message else ""
    return f"{exc.message}{said}"


def finish_attempt(session: Session, work: Work, result: Published | PlatformError) -> TS:
    """Record the outcome on the attempt, the target, the account and the post."""
    now = utcnow()
    target = session.get(PostTarget, work.target_id, populate_existing=True)
    attempt = session.get(PublishAttempt, work.attempt_id)
    account = session.get(SocialAccount, work.account_id)
    assert target is not None and attempt is not None and account is not None
    attempt.finished_at = now
    if work.account.credentials_changed:
        account.credentials_encrypted = encrypt_json(work.account.credentials)
    if target.status != TS.PUBLISHING and not isinstance(result, Published):
        # We outlived our lease and someone (sweep, reconcile) has decided since: the
        # attempt is recorded, the target's newer state stands.
        _record_only(attempt, work, result)
        session.add_all([attempt, account])
        session.flush()
        return TS(target.status)
    if isinstance(result, Published):
        attempt.outcome = AttemptOutcome.SUCCESS
        target.status, target.published_at = TS.PUBLISHED, now
        target.external_id, target.permalink = result.external_id, result.permalink
        target.last_error_code = target.last_error_message = None
        if account.status == AccountStatus.RATE_LIMITED:
            account.status, account.rate_limited_until = AccountStatus.CONNECTED, None
    else:
        attempt.http_status, attempt.error_code = result.http_status, result.code
        attempt.error_message = _plain(work, result)
        target.last_error_code, target.last_error_message = result.code, attempt.error_message
        _classify(target, attempt, account, result, now)
    target.lease_expires_at = None
    target.updated_at = account.updated_at = now
    session.add_all([target, attempt, account])
    session.flush()
    rollup(session, target.post_id)
    return TS(target.status)


def _record_only(attempt: PublishAttempt, work: Work, exc: PlatformError) -> None:
    attempt.http_status, attempt.error_code = exc.http_status, exc.code
    attempt.error_message = _plain(work, exc)
    attempt.outcome = {
        RateLimited: AttemptOutcome.RATE_LIMITED,
        AuthExpired: AttemptOutcome.AUTH_EXPIRED,
        Rejected: AttemptOutcome.REJECTED,
        Transient: AttemptOutcome.TRANSIENT,
    }.get(type(exc), AttemptOutcome.UNKNOWN)


def _classify(
    target: PostTarget,
    attempt: PublishAttempt,
    account: SocialAccount,
    exc: PlatformError,
    now: datetime,
) -> None:
    if isinstance(exc, RateLimited):
        attempt.outcome, attempt.retry_at = AttemptOutcome.RATE_LIMITED, exc.retry_at
        target.status, target.next_attempt_at = TS.SCHEDULED, exc.retry_at
        account.status, account.rate_limited_until = AccountStatus.RATE_LIMITED, exc.retry_at
    elif isinstance(exc, AuthExpired):
        attempt.outcome, target.status = AttemptOutcome.AUTH_EXPIRED, TS.FAILED
        account.status, account.last_error = AccountStatus.RECONNECT_NEEDED, attempt.error_message
    elif isinstance(exc, Rejected):
        attempt.outcome, target.status = AttemptOutcome.REJECTED, TS.FAILED
    elif isinstance(exc, Transient) and target.attempt_count < MAX_ATTEMPTS:
        attempt.outcome, target.status = AttemptOutcome.TRANSIENT, TS.SCHEDULED
        attempt.retry_at = target.next_attempt_at = now + backoff(target.attempt_count)
    elif isinstance(exc, Transient):
        attempt.outcome, target.status = AttemptOutcome.TRANSIENT, TS.FAILED
        target.last_error_message = f"Gave up after {target.attempt_count} attempts: " + (
            attempt.error_message or ""
        )
    else:  # OutcomeUnknown and anything unclassified: ask the network before trying again
        attempt.outcome, target.status = AttemptOutcome.UNKNOWN, TS.UNCONFIRMED
        target.next_attempt_at = now


def rollup(session: Session, post_id: int) -> None:
    """A post's status summarises its targets; one failing never hides another's success."""
    statuses = set(
        session.exec(select(PostTarget.status).where(PostTarget.post_id == post_id)).all()
    )
    post = session.get(Post, post_id)
    if post is None or not statuses:
        return
    final = {TS.PUBLISHED, TS.FAILED, TS.CANCELLED}
    if statuses <= final:
        if statuses == {TS.PUBLISHED}:
            post.status, post.published_at = PostStatus.PUBLISHED, utcnow()
        elif TS.PUBLISHED in statuses:
            post.status = PostStatus.PARTIALLY_PUBLISHED
        elif statuses == {TS.CANCELLED}:
            post.status = PostStatus.CANCELLED
        else:
            post.status = PostStatus.FAILED
    elif statuses & {TS.QUEUED, TS.PUBLISHING, TS.UNCONFIRMED} or TS.PUBLISHED in statuses:
        post.status = PostStatus.PUBLISHING
    else:
        post.status = PostStatus.SCHEDULED
    post.updated_at = utcnow()
    session.add(post)
