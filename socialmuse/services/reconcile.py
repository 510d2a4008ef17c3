"""Healing: asking the network about unconfirmed targets, and sweeping up after crashes.

A target whose outcome is unknown (a timeout after sending, a worker killed mid-publish) is
never published again until ``reconcile_target`` has asked the network whether the post
exists: found → published; absent → queued again with the same idempotency key.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from socialmuse.db import session_scope
from socialmuse.models import Post, PostTarget, PublishAttempt, SocialAccount, utcnow
from socialmuse.models.enums import AttemptOutcome, Platform
from socialmuse.models.enums import TargetStatus as TS
from socialmuse.platforms.base import PlatformError
from socialmuse.platforms.registry import adapter_for
from socialmuse.services.accounts import context_for
from socialmuse.services.posts import content_of
from socialmuse.services.publishing import QUEUE_LEASE, backoff, rollup

RECONCILE_LEASE = timedelta(seconds=60)


def reconcile_target(target_id: int) -> str:
    """For an unconfirmed target: found → published; absent → queued again (same key).

    Returns "published", "requeued", "pending" (the network could not be asked) or
    "skipped" (not unconfirmed any more).
    """
    with session_scope() as session:
        target = session.get(PostTarget, target_id)
        if target is None or target.status != TS.UNCONFIRMED:
            return "skipped"
        post = session.get(Post, target.post_id)
        account = session.get(SocialAccount, target.social_account_id)
        assert post is not None and account is not None
        platform, context = Platform(account.platform), context_for(account)
        content, key = content_of(session, post, target), target.idempotency_key
    try:
        found = adapter_for(platform).find_published(context, content, idempotency_key=key)
    except PlatformError as exc:
        with session_scope() as session:
            target = session.get(PostTarget, target_id)
            if target is not None and target.status == TS.UNCONFIRMED:
                target.next_attempt_at = utcnow() + backoff(target.attempt_count)
                target.last_error_message = f"Could not check whether the post exists: {exc}"
                session.add(target)
        return "pending"
    with session_scope() as session:
        target = session.get(PostTarget, target_id)
        if target is None or target.status != TS.UNCONFIRMED:
            return "skipped"
        now = utcnow()
        if found is not None:
            target.status, target.published_at = TS.PUBLISHED, now
            target.external_id, target.permalink = found.external_id, found.permalink
            target.last_error_code = target.last_error_message = None
            outcome = "published"
        else:
            target.status, target.lease_expires_at = TS.QUEUED, now + QUEUE_LEASE
            outcome = "requeued"
        target.next_attempt_at, target.updated_at = None, now
        session.add(target)
        session.flush()
        rollup(session, target.post_id)
    return outcome


def sweep(session: Session, *, now: datetime | None = None) -> tuple[list[int], list[int]]:
    """Heal crashes: (queued targets to enqueue again, unconfirmed targets to reconcile)."""
    now = now or utcnow()
    stale_queue = list(
        session.exec(
            select(PostTarget.id).where(
                PostTarget.status == TS.QUEUED, col(PostTarget.lease_expires_at) < now
            )
        ).all()
    )
    if stale_queue:
        session.execute(
            update(PostTarget)
            .where(col(PostTarget.id).in_(stale_queue))
            .values(lease_expires_at=now + QUEUE_LEASE)
        )
    for target in session.exec(
        select(PostTarget).where(
            PostTarget.status == TS.PUBLISHING, col(PostTarget.lease_expires_at) < now
        )
    ).all():
        target.status, target.next_attempt_at = TS.UNCONFIRMED, now
        target.last_error_message = "The worker stopped while publishing; checking the network."
        session.add(target)
        attempt = session.exec(
            select(PublishAttempt).where(
                PublishAttempt.target_id == target.id,
                PublishAttempt.outcome == AttemptOutcome.IN_PROGRESS,
            )
        ).first()
        if attempt is not None:
            attempt.outcome, attempt.finished_at = AttemptOutcome.UNKNOWN, now
            attempt.error_message = "worker lost during the attempt"
            session.add(attempt)
    session.flush()
    to_reconcile = list(
        session.exec(
            select(PostTarget.id).where(
                PostTarget.status == TS.UNCONFIRMED,
                or_(
                    col(PostTarget.next_attempt_at).is_(None),
                    col(PostTarget.next_attempt_at) <= now,
                ),
            )
        ).all()
    )
    if to_reconcile:  # one reconcile message per lease, not one per tick while queues lag
        session.execute(
            update(PostTarget)
            .where(col(PostTarget.id).in_(to_reconcile), col(PostTarget.status) == TS.UNCONFIRMED)
            .values(next_attempt_at=now + RECONCILE_LEASE)
        )
    return [i for i in stale_queue if i], [i for i in to_reconcile if i]
