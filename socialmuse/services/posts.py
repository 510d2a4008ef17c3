"""Posts and their targets: creating them (validated for every network first) and reading them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel
from sqlmodel import Session, col, select

from socialmuse.models import Post, PostTarget, PublishAttempt, SocialAccount, utcnow
from socialmuse.models.enums import AccountStatus, Platform, PostStatus, TargetStatus
from socialmuse.platforms.base import PostContent
from socialmuse.platforms.registry import NetworkNotAvailable, adapter_for
from socialmuse.services import audit
from socialmuse.services.accounts import PLATFORM_LABELS, load_account
from socialmuse.services.brands import load_brand
from socialmuse.services.errors import NotFound, ValidationError
from socialmuse.services.permissions import Action, Actor
from socialmuse.services.scheduling import parse_when


class AttemptPublic(BaseModel):
    number: int
    outcome: str
    started_at: datetime
    finished_at: datetime | None
    http_status: int | None
    error_code: str | None
    error_message: str | None
    retry_at: datetime | None


class TargetPublic(BaseModel):
    id: int
    account_id: int
    platform: Platform
    platform_label: str
    handle: str
    status: TargetStatus
    scheduled_at: datetime | None
    next_attempt_at: datetime | None
    external_id: str | None
    permalink: str | None
    published_at: datetime | None
    last_error: str | None
    attempts: list[AttemptPublic]


class PostDetail(BaseModel):
    id: int
    brand_id: int
    status: PostStatus
    text: str
    scheduled_at: datetime | None
    created_at: datetime
    targets: list[TargetPublic]


def content_of(session: Session, post: Post, target: PostTarget) -> PostContent:
    """The variant a target publishes: its own override, else the post's text; its media."""
    from socialmuse.services.media import asset_files, post_media

    text = target.text_override if target.text_override is not None else post.text
    media = (
        asset_files(session, target.media_override)
        if target.media_override is not None
        else post_media(session, post.id or 0)
    )
    return PostContent(
        text=text,
        media=media,
        thread=tuple(post.thread_parts),
        first_comment=post.first_comment,
    )


def create_post(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    account_ids: Sequence[int],
    text: str,
    at: str | None = None,
    now: bool = False,
    thread: Sequence[str] = (),
    first_comment: str | None = None,
    media_paths: Sequence[Path] = (),
) -> PostDetail:
    """Schedule one text to several accounts; every network's rules are checked first."""
    brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.POST_CREATE)
    if brand.archived_at is not None:
        raise ValidationError("This brand is archived; restore it to post.", field="brand_id")
    if not account_ids:
        raise ValidationError("Choose at least one account to post to.", field="account_ids")
    if now == (at is not None):
        raise ValidationError("Choose when: a time or now, not both.", field="at")
    when = utcnow() if now else parse_when(at or "", timezone=brand.timezone)
    accounts = _usable_accounts(session, actor, brand_id, account_ids)
    from socialmuse.services import media

    files = media.files_from_paths(media_paths)
    content = PostContent(text=text, media=files, thread=tuple(thread), first_comment=first_comment)
    problems = []
    for account in accounts:
        platform = Platform(account.platform)
        try:
            found = adapter_for(platform).validate(content)
        except NetworkNotAvailable as exc:
            raise ValidationError(str(exc), field="account_ids") from None
        problems += [f"{PLATFORM_LABELS[platform]} (@{account.handle}): {p.message}" for p in found]
    if problems:
        raise ValidationError(" ".join(problems), field="text")
    post = Post(
        organization_id=actor.organization_id,
        brand_id=brand_id,
        author_user_id=actor.user_id or None,
        status=PostStatus.SCHEDULED,
        text=text,
        thread_parts=list(thread),
        first_comment=first_comment,
        scheduled_at=when,
    )
    session.add(post)
    session.flush()
    assets = [media.store_file(session, actor=actor, brand_id=brand_id, file=f) for f in files]
    media.attach(session, post_id=post.id or 0, assets=assets)
    for account in accounts:
        session.add(
            PostTarget(
                organization_id=actor.organization_id,
                post_id=post.id or 0,
                social_account_id=account.id or 0,
                status=TargetStatus.SCHEDULED,
                scheduled_at=when,
            )
        )
    session.flush()
    audit.record_for(
        session,
        actor,
        "post.scheduled",
        target_type="post",
        target_id=post.id,
        details={"accounts": [a.id for a in accounts], "scheduled_at": when.isoformat()},
    )
    return get_post(session, actor=actor, post_id=post.id or 0)


def _usable_accounts(
    session: Session, actor: Actor, brand_id: int, account_ids: Sequence[int]
) -> list[SocialAccount]:
    accounts = []
    for account_id in dict.fromkeys(account_ids):
        account = load_account(
            session, actor=actor, account_id=account_id, action=Action.POST_CREATE
        )
        if account.brand_id != brand_id:
            raise ValidationError(
                f"Account {account_id} belongs to another brand.", field="account_ids"
            )
        if account.status in (AccountStatus.DISCONNECTED, AccountStatus.RECONNECT_NEEDED):
            raise ValidationError(
                f"@{account.handle} on {PLATFORM_LABELS[Platform(account.platform)]} needs to "
                "be reconnected before it can post.",
                field="account_ids",
            )
        accounts.append(account)
    return accounts


def get_post(session: Session, *, actor: Actor, post_id: int) -> PostDetail:
    post = session.get(Post, post_id)
    if post is None or post.organization_id != actor.organization_id:
        raise NotFound(f"There is no post with id {post_id}.")
    load_brand(session, actor=actor, brand_id=post.brand_id, action=Action.BRAND_VIEW)
    return detail(session, post)


def detail(session: Session, post: Post) -> PostDetail:
    rows = session.exec(
        select(PostTarget, SocialAccount)
        .join(SocialAccount, col(SocialAccount.id) == col(PostTarget.social_account_id))
        .where(PostTarget.post_id == post.id)
        .order_by(col(PostTarget.id))
    ).all()
    targets = []
    for target, account in rows:
        attempts = session.exec(
            select(PublishAttempt)
            .where(PublishAttempt.target_id == target.id)
            .order_by(col(PublishAttempt.number))
        ).all()
        platform = Platform(account.platform)
        targets.append(
            TargetPublic(
                id=target.id or 0,
                account_id=account.id or 0,
                platform=platform,
                platform_label=PLATFORM_LABELS[platform],
                handle=account.handle,
                status=TargetStatus(target.status),
                scheduled_at=target.scheduled_at,
                next_attempt_at=target.next_attempt_at,
                external_id=target.external_id,
                permalink=target.permalink,
                published_at=target.published_at,
                last_error=target.last_error_message,
                attempts=[
                    AttemptPublic(
                        number=a.number,
                        outcome=a.outcome,
                        started_at=a.started_at,
                        finished_at=a.finished_at,
                        http_status=a.http_status,
                        error_code=a.error_code,
                        error_message=a.error_message,
                        retry_at=a.retry_at,
                    )
                    for a in attempts
                ],
            )
        )
    return PostDetail(
        id=post.id or 0,
        brand_id=post.brand_id,
        status=PostStatus(post.status),
        text=post.text,
        scheduled_at=post.scheduled_at,
        created_at=post.created_at,
        targets=targets,
    )


class PostSummary(BaseModel):
    id: int
    status: PostStatus
    text: str
    scheduled_at: datetime | None
    target_count: int
    published_count: int
    failed_count: int


def list_posts(
    session: Session, *, actor: Actor, brand_id: int, limit: int = 50, offset: int = 0
) -> list[PostSummary]:
    """A brand's posts, soonest-scheduled last (newest first), one page from the database."""
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    rows = session.exec(
        select(Post)
        .where(Post.organization_id == actor.organization_id, Post.brand_id == brand_id)
        .order_by(col(Post.scheduled_at).desc(), col(Post.id).desc())
        .offset(offset)
        .limit(min(limit, 200))
    ).all()
    summaries = []
    for post in rows:
        statuses = list(
            session.exec(select(PostTarget.status).where(PostTarget.post_id == post.id)).all()
        )
        summaries.append(
            PostSummary(
                id=post.id or 0,
                status=PostStatus(post.status),
                text=post.text,
                scheduled_at=post.scheduled_at,
                target_count=len(statuses),
                published_count=statuses.count(TargetStatus.PUBLISHED),
                failed_count=statuses.count(TargetStatus.FAILED),
            )
        )
    return summaries


def retry_target(session: Session, *, actor: Actor, target_id: int) -> PostDetail:
    """Send a failed target again now (same idempotency key: no duplicate if it had landed)."""
    target = session.get(PostTarget, target_id)
    if target is None or target.organization_id != actor.organization_id:
        raise NotFound(f"There is no target with id {target_id}.")
    post = session.get(Post, target.post_id)
    assert post is not None
    load_brand(session, actor=actor, brand_id=post.brand_id, action=Action.POST_CREATE)
    if target.status != TargetStatus.FAILED:
        raise ValidationError("Only a failed delivery can be retried.")
    account = load_account(
        session, actor=actor, account_id=target.social_account_id, action=Action.POST_CREATE
    )
    if account.status in (AccountStatus.DISCONNECTED, AccountStatus.RECONNECT_NEEDED):
        raise ValidationError(f"Reconnect @{account.handle} first, then retry.")
    now = utcnow()
    target.status, target.scheduled_at, target.next_attempt_at = TargetStatus.SCHEDULED, now, None
    target.updated_at = now
    session.add(target)
    post.status = PostStatus.SCHEDULED
    session.add(post)
    audit.record_for(
        session,
        actor,
        "post.target_retried",
        target_type="post",
        target_id=post.id,
        details={"target_id": target_id},
    )
    session.flush()
    return detail(session, post)
