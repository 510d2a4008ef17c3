"""The calendar: a brand's posts in a time window, moving one, duplicating one.

Everything here is in UTC; the doors turn instants into the brand's wall time with zoneinfo.
Rescheduling takes a wall time typed (or dropped) in the brand's zone and goes through
``scheduling.parse_when``, so a time in the past or in a DST gap is refused in plain words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from socialmuse.models import (
    Campaign,
    Post,
    PostMedia,
    PostTag,
    PostTarget,
    SocialAccount,
    Tag,
    utcnow,
)
from socialmuse.models.enums import Platform, PostStatus, TargetStatus
from socialmuse.services import audit, search
from socialmuse.services.accounts import PLATFORM_LABELS
from socialmuse.services.brands import load_brand
from socialmuse.services.errors import NotFound, ValidationError
from socialmuse.services.permissions import Action, Actor
from socialmuse.services.scheduling import parse_when

EXCERPT_LENGTH = 140
MAX_ENTRIES = 1000

# Deliveries a move may carry to the new time: nothing has been sent for them yet.
MOVABLE_TARGETS = frozenset({TargetStatus.DRAFT, TargetStatus.SCHEDULED, TargetStatus.FAILED})
# Deliveries on their way to the network right now: moving the post would race them.
IN_FLIGHT_TARGETS = frozenset(
    {TargetStatus.QUEUED, TargetStatus.PUBLISHING, TargetStatus.UNCONFIRMED}
)
# Post states that wait for a person (no delivery is scheduled while the post is in them).
EDITORIAL = frozenset(
    {
        PostStatus.DRAFT,
        PostStatus.IN_REVIEW,
        PostStatus.CHANGES_REQUESTED,
        PostStatus.APPROVED,
    }
)


class CalendarTarget(BaseModel):
    account_id: int
    platform: Platform
    platform_label: str
    handle: str
    status: TargetStatus
    scheduled_at: datetime | None
    published_at: datetime | None


class CalendarTag(BaseModel):
    id: int
    name: str
    color: str


class CalendarEntry(BaseModel):
    """One post as the calendar draws it; ``at`` is where it sits (scheduled, else published)."""

    id: int
    brand_id: int
    status: PostStatus
    text: str
    excerpt: str
    at: datetime | None
    scheduled_at: datetime | None
    published_at: datetime | None
    is_evergreen: bool
    recycled_from_post_id: int | None
    source: str
    campaign_id: int | None
    campaign_name: str | None
    campaign_color: str | None
    tags: list[CalendarTag]
    targets: list[CalendarTarget]


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """The first words of a post on one line, cut at a word boundary with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= length:
        return flat
    cut = flat[: length - 1].rsplit(" ", 1)[0] or flat[: length - 1]
    return cut + "…"


def load_post(session: Session, *, actor: Actor, post_id: int, action: Action) -> Post:
    """A post of the actor's organization and brand scope; anything else is not found."""
    post = session.get(Post, post_id)
    if post is None or post.organization_id != actor.organization_id:
        raise NotFound(f"There is no post with id {post_id}.")
    load_brand(session, actor=actor, brand_id=post.brand_id, action=action)
    return post


def list_calendar(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    start_utc: datetime,
    end_utc: datetime,
    account_ids: Sequence[int] | None = None,
    campaign_id: int | None = None,
    tag_ids: Sequence[int] | None = None,
    statuses: Sequence[PostStatus | str] | None = None,
    query: str | None = None,
    include_unscheduled: bool = False,
) -> list[CalendarEntry]:
    """A brand's posts placed in ``[start_utc, end_utc)``, soonest first, with their filters.

    Filters combine with AND; within ``account_ids``, ``tag_ids`` and ``statuses`` any one
    value matches. ``include_unscheduled`` adds drafts that have no time yet (list view).
    """
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    if end_utc <= start_utc:
        raise ValidationError("The end of the period must be after its start.", field="end")
    at = func.coalesce(col(Post.scheduled_at), col(Post.published_at))
    placed = (at >= start_utc) & (at < end_utc)
    window = or_(placed, col(Post.scheduled_at).is_(None) & col(Post.published_at).is_(None))
    stmt = select(Post).where(
        Post.organization_id == actor.organization_id,
        Post.brand_id == brand_id,
        window if include_unscheduled else placed,
    )
    if account_ids:
        stmt = stmt.where(
            col(Post.id).in_(
                select(PostTarget.post_id).where(
                    PostTarget.organization_id == actor.organization_id,
                    col(PostTarget.social_account_id).in_(list(account_ids)),
                )
            )
        )
    if campaign_id is not None:
        stmt = stmt.where(Post.campaign_id == campaign_id)
    if tag_ids:
        stmt = stmt.where(
            col(Post.id).in_(select(PostTag.post_id).where(col(PostTag.tag_id).in_(list(tag_ids))))
        )
    if statuses:
        stmt = stmt.where(col(Post.status).in_([PostStatus(s).value for s in statuses]))
    matches = search.post_matches(session, query)
    if matches is not None:
        stmt = stmt.where(matches)
    posts = session.exec(stmt.order_by(at, col(Post.id)).limit(MAX_ENTRIES)).all()
    return entries_for(session, list(posts))


def entries_for(session: Session, posts: list[Post]) -> list[CalendarEntry]:
    """Calendar entries for already-authorized posts (targets, campaign and tags in 3 queries)."""
    ids = [p.id for p in posts if p.id is not None]
    if not ids:
        return []
    targets: dict[int, list[CalendarTarget]] = {i: [] for i in ids}
    for target, account in session.exec(
        select(PostTarget, SocialAccount)
        .join(SocialAccount, col(SocialAccount.id) == col(PostTarget.social_account_id))
        .where(col(PostTarget.post_id).in_(ids))
        .order_by(col(PostTarget.id))
    ).all():
        platform = Platform(account.platform)
        targets[target.post_id].append(
            CalendarTarget(
                account_id=account.id or 0,
                platform=platform,
                platform_label=PLATFORM_LABELS[platform],
                handle=account.handle,
                status=TargetStatus(target.status),
                scheduled_at=target.scheduled_at,
                published_at=target.published_at,
            )
        )
    tags: dict[int, list[CalendarTag]] = {i: [] for i in ids}
    for post_id, tag in session.exec(
        select(PostTag.post_id, Tag)
        .join(Tag, col(Tag.id) == col(PostTag.tag_id))
        .where(col(PostTag.post_id).in_(ids))
        .order_by(col(Tag.name))
    ).all():
        tags[post_id].append(CalendarTag(id=tag.id or 0, name=tag.name, color=tag.color))
    campaign_ids = {p.campaign_id for p in posts if p.campaign_id is not None}
    campaigns = (
        {c.id: c for c in session.exec(select(Campaign).where(col(Campaign.id).in_(campaign_ids)))}
        if campaign_ids
        else {}
    )
    entries = []
    for post in posts:
        campaign = campaigns.get(post.campaign_id) if post.campaign_id else None
        entries.append(
            CalendarEntry(
                id=post.id or 0,
                brand_id=post.brand_id,
                status=PostStatus(post.status),
                text=post.text,
                excerpt=excerpt(post.text),
                at=post.scheduled_at or post.published_at,
                scheduled_at=post.scheduled_at,
                published_at=post.published_at,
                is_evergreen=post.is_evergreen,
                recycled_from_post_id=post.recycled_from_post_id,
                source=post.source,
                campaign_id=post.campaign_id,
                campaign_name=campaign.name if campaign else None,
                campaign_color=campaign.color if campaign else None,
                tags=tags[post.id or 0],
                targets=targets[post.id or 0],
            )
        )
    return entries


def get_entry(session: Session, *, actor: Actor, post_id: int) -> CalendarEntry:
    """One post as the calendar shows it."""
    post = load_post(session, actor=actor, post_id=post_id, action=Action.BRAND_VIEW)
    return entries_for(session, [post])[0]


def reschedule_post(session: Session, *, actor: Actor, post_id: int, at: str) -> CalendarEntry:
    """Move a post to ``at`` (wall time in the brand's zone, or ISO with an offset).

    Deliveries not sent yet move with it (a failed one is tried again at the new time);
    published ones stay where they happened. A post that is fully published, cancelled or
    being sent right now is refused, as is a time in the past or in a DST gap.
    """
    post = load_post(session, actor=actor, post_id=post_id, action=Action.POST_CREATE)
    brand = load_brand(session, actor=actor, brand_id=post.brand_id, action=Action.POST_CREATE)
    status = PostStatus(post.status)
    if status == PostStatus.PUBLISHED:
        raise ValidationError("This post is already published; duplicate it to post it again.")
    if status == PostStatus.CANCELLED:
        raise ValidationError("This post was cancelled; duplicate it to schedule it again.")
    targets = list(session.exec(select(PostTarget).where(PostTarget.post_id == post.id)).all())
    if any(TargetStatus(t.status) in IN_FLIGHT_TARGETS for t in targets):
        raise ValidationError(
            "This post is being published right now; wait until it finishes to move it."
        )
    movable = [t for t in targets if TargetStatus(t.status) in MOVABLE_TARGETS]
    if targets and not movable:
        raise ValidationError("Every delivery of this post has already gone out.")
    when = parse_when(at, timezone=brand.timezone)
    before = post.scheduled_at
    if before == when and all(t.scheduled_at == when for t in movable):
        return entries_for(session, [post])[0]  # dropped where it already was
    now = utcnow()
    editorial = status in EDITORIAL
    for target in movable:
        target.scheduled_at = when
        target.next_attempt_at = None
        if not editorial:
            target.status = TargetStatus.SCHEDULED
            target.last_error_code = None
        target.updated_at = now
        session.add(target)
    post.scheduled_at = when
    if not editorial and status == PostStatus.FAILED:
        post.status = PostStatus.SCHEDULED
    post.updated_at = now
    session.add(post)
    session.flush()
    audit.record_for(
        session,
        actor,
        "post.rescheduled",
        target_type="post",
        target_id=post.id,
        details={
            "from": before.isoformat() if before else None,
            "to": when.isoformat(),
            "targets": [t.id for t in movable],
        },
    )
    return entries_for(session, [post])[0]


def copy_post(
    session: Session,
    source: Post,
    *,
    status: PostStatus,
    text: str,
    scheduled_at: datetime | None,
    author_user_id: int | None,
    origin: str,
    recycled_from_post_id: int | None = None,
    keep_overrides: bool = True,
    account_ids: Sequence[int] | None = None,
) -> Post:
    """A new post with ``source``'s targets, media, tags, campaign and thread (no history).

    Targets start as drafts, or scheduled when ``status`` is SCHEDULED. ``account_ids``
    limits the copy to those accounts (default: every account of the source).
    """
    copy = Post(
        organization_id=source.organization_id,
        brand_id=source.brand_id,
        author_user_id=author_user_id,
        campaign_id=source.campaign_id,
        status=status,
        text=text,
        thread_parts=list(source.thread_parts),
        first_comment=source.first_comment,
        scheduled_at=scheduled_at,
        source=origin,
        recycled_from_post_id=recycled_from_post_id,
    )
    session.add(copy)
    session.flush()
    target_status = TargetStatus.SCHEDULED if status == PostStatus.SCHEDULED else TargetStatus.DRAFT
    for target in session.exec(
        select(PostTarget).where(PostTarget.post_id == source.id).order_by(col(PostTarget.id))
    ).all():
        if account_ids is not None and target.social_account_id not in account_ids:
            continue
        session.add(
            PostTarget(
                organization_id=source.organization_id,
                post_id=copy.id or 0,
                social_account_id=target.social_account_id,
                status=target_status,
                scheduled_at=scheduled_at,
                text_override=target.text_override if keep_overrides else None,
                media_override=list(target.media_override or []) if keep_overrides else None,
                options=dict(target.options),
            )
        )
    for media in session.exec(select(PostMedia).where(PostMedia.post_id == source.id)).all():
        session.add(
            PostMedia(post_id=copy.id or 0, media_id=media.media_id, position=media.position)
        )
    for tag in session.exec(select(PostTag).where(PostTag.post_id == source.id)).all():
        session.add(PostTag(post_id=copy.id or 0, tag_id=tag.tag_id))
    session.flush()
    return copy


def duplicate_post(session: Session, *, actor: Actor, post_id: int) -> int:
    """A new draft copy of a post; it keeps the original's time when that is still ahead.

    The copy is a draft whatever the original's state, so it goes through the brand's
    approval rules again before anything is sent.
    """
    source = load_post(session, actor=actor, post_id=post_id, action=Action.POST_CREATE)
    brand = load_brand(session, actor=actor, brand_id=source.brand_id, action=Action.POST_CREATE)
    if brand.archived_at is not None:
        raise ValidationError("This brand is archived; restore it to post.")
    ahead = source.scheduled_at is not None and source.scheduled_at > utcnow()
    copy = copy_post(
        session,
        source,
        status=PostStatus.DRAFT,
        text=source.text,
        scheduled_at=source.scheduled_at if ahead else None,
        author_user_id=actor.user_id or None,
        origin="duplicate",
    )
    audit.record_for(
        session,
        actor,
        "post.duplicated",
        target_type="post",
        target_id=copy.id,
        details={"from_post_id": source.id},
    )
    return copy.id or 0
