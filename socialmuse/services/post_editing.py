"""A post's editorial life before it is sent: saving drafts, scheduling, publishing now.

The composer, the calendar, CSV import, approvals and the API all go through these functions,
so the same checks (every network's rules, brand guardrails, the approval policy, the brand's
timezone) apply whichever door a post comes in by. Delivery itself is ``services.publishing``.

A save always leaves the post as a draft whose unsent targets are drafts too: the person
schedules it (or submits it for approval) as a separate, explicit step, so an edit can never
silently publish text nobody reviewed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, Field
from sqlmodel import Session, col, delete, select

from socialmuse.models import (
    Brand,
    Campaign,
    MediaAsset,
    Post,
    PostMedia,
    PostTarget,
    SocialAccount,
    utcnow,
)
from socialmuse.models.enums import AccountStatus, Platform, PostStatus, TargetStatus
from socialmuse.platforms.registry import NetworkNotAvailable, adapter_for
from socialmuse.services import audit, tags
from socialmuse.services.accounts import PLATFORM_LABELS, load_account
from socialmuse.services.approval_policy import needs_approval
from socialmuse.services.brands import load_brand
from socialmuse.services.errors import NotFound, ValidationError
from socialmuse.services.permissions import Action, Actor
from socialmuse.services.posts import PostDetail, content_of, detail
from socialmuse.services.scheduling import PAST_GRACE, parse_when

MAX_TEXT = 20_000
MAX_THREAD_PARTS = 25

# Targets in these states have (or may have) reached the network: the post is history now.
SENT = frozenset({TargetStatus.PUBLISHING, TargetStatus.PUBLISHED, TargetStatus.UNCONFIRMED})
# Posts a person may still change.
EDITABLE = frozenset(
    {
        PostStatus.DRAFT,
        PostStatus.IN_REVIEW,
        PostStatus.CHANGES_REQUESTED,
        PostStatus.APPROVED,
        PostStatus.SCHEDULED,
        PostStatus.FAILED,
        PostStatus.CANCELLED,
    }
)
SCHEDULABLE = frozenset(
    {PostStatus.DRAFT, PostStatus.APPROVED, PostStatus.SCHEDULED, PostStatus.FAILED}
)


class VariantIn(BaseModel):
    """One account's override; ``None`` means "same as the post"."""

    text: str | None = None
    media_ids: list[int] | None = None


class PostDraft(BaseModel):
    """Everything the composer (or an import) says about a post."""

    brand_id: int
    text: str = ""
    account_ids: list[int] = Field(default_factory=list)
    variants: dict[int, VariantIn] = Field(default_factory=dict)
    media_ids: list[int] = Field(default_factory=list)
    thread: list[str] = Field(default_factory=list)
    first_comment: str | None = None
    campaign_id: int | None = None
    tags: list[str] = Field(default_factory=list)
    # The intended time, in the brand's timezone (or ISO with an offset); a draft may have one.
    at: str | None = None


def load_post(session: Session, *, actor: Actor, post_id: int, action: Action) -> Post:
    """The post, if it is in the actor's organization and brand scope, for ``action``."""
    post = session.get(Post, post_id)
    if post is None or post.organization_id != actor.organization_id:
        raise NotFound(f"There is no post with id {post_id}.")
    load_brand(session, actor=actor, brand_id=post.brand_id, action=action)
    return post


class EditablePost(BaseModel):
    """A saved post as the composer reopens it: the draft it was saved from, and its state."""

    draft: PostDraft
    status: PostStatus
    editable: bool


def draft_of(session: Session, *, actor: Actor, post_id: int) -> EditablePost:
    """The post as a ``PostDraft`` (time as wall time in the brand's zone), for editing."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    post = load_post(session, actor=actor, post_id=post_id, action=Action.POST_CREATE)
    brand = session.get(Brand, post.brand_id)
    assert brand is not None
    targets = session.exec(
        select(PostTarget).where(PostTarget.post_id == post.id).order_by(col(PostTarget.id))
    ).all()
    media = session.exec(
        select(PostMedia.media_id)
        .where(PostMedia.post_id == post.id)
        .order_by(col(PostMedia.position))
    ).all()
    at = None
    if post.scheduled_at is not None:
        when = post.scheduled_at
        when = when.replace(tzinfo=UTC) if when.tzinfo is None else when
        at = when.astimezone(ZoneInfo(brand.timezone)).strftime("%Y-%m-%dT%H:%M")
    draft = PostDraft(
        brand_id=post.brand_id,
        text=post.text,
        account_ids=[t.social_account_id for t in targets],
        variants={
            t.social_account_id: VariantIn(text=t.text_override, media_ids=t.media_override)
            for t in targets
            if t.text_override is not None or t.media_override is not None
        },
        media_ids=list(media),
        thread=list(post.thread_parts),
        first_comment=post.first_comment,
        campaign_id=post.campaign_id,
        tags=tags.post_tag_names(session, post.id or 0),
        at=at,
    )
    sent = any(TargetStatus(t.status) in SENT for t in targets)
    status = PostStatus(post.status)
    return EditablePost(draft=draft, status=status, editable=status in EDITABLE and not sent)


def save_post(
    session: Session, *, actor: Actor, draft: PostDraft, post_id: int | None = None
) -> PostDetail:
    """Create or update a draft; nothing is sent.

    The checks that need a time wait for scheduling, but what can be wrong already (foreign
    accounts or media, banned words, oversized text) is refused now, with the field at fault.
    """
    brand = load_brand(session, actor=actor, brand_id=draft.brand_id, action=Action.POST_CREATE)
    if brand.archived_at is not None:
        raise ValidationError("This brand is archived; restore it to post.", field="brand_id")
    _check_sizes(draft)
    accounts = _accounts(session, actor, draft.brand_id, draft.account_ids, strict=False)
    assets = _assets(session, actor, draft.brand_id, draft.media_ids)
    for variant in draft.variants.values():
        if variant.media_ids is not None:
            _assets(session, actor, draft.brand_id, variant.media_ids)
    campaign_id = _campaign(session, actor, draft.brand_id, draft.campaign_id)
    _check_guardrails(brand, _all_texts(draft, accounts))
    intended = _intended_time(draft.at, brand)

    if post_id is None:
        post = Post(
            organization_id=actor.organization_id,
            brand_id=draft.brand_id,
            author_user_id=actor.user_id or None,
        )
        event = "post.created"
    else:
        post = load_post(session, actor=actor, post_id=post_id, action=Action.POST_CREATE)
        if post.brand_id != draft.brand_id:
            raise ValidationError("A post cannot move to another brand.", field="brand_id")
        _check_editable(session, post)
        event = "post.updated"
    post.text = draft.text
    post.thread_parts = [p for p in draft.thread if p.strip()]
    post.first_comment = (draft.first_comment or "").strip() or None
    post.campaign_id = campaign_id
    post.scheduled_at = intended
    post.status = PostStatus.DRAFT
    post.approval_step = 0
    post.updated_at = utcnow()
    session.add(post)
    session.flush()
    pid = post.id or 0

    session.execute(delete(PostMedia).where(col(PostMedia.post_id) == pid))
    for position, asset in enumerate(assets):
        session.add(PostMedia(post_id=pid, media_id=asset.id or 0, position=position))
    tags.set_post_tags(
        session, post_id=pid, tags=tags.ensure_tags(session, actor=actor, names=draft.tags)
    )
    _sync_targets(session, actor, post, accounts, draft.variants)
    session.flush()
    audit.record_for(
        session,
        actor,
        event,
        target_type="post",
        target_id=pid,
        details={"accounts": [a.id for a in accounts]},
    )
    return detail(session, post)


def schedule_post(
    session: Session,
    *,
    actor: Actor,
    post_id: int,
    at: str | None = None,
    when_utc: datetime | None = None,
    now: bool = False,
) -> PostDetail:
    """Schedule a saved post for a time (typed in the brand's zone, or an instant) or now.

    With no time given, the post's intended time is used. Every account's network rules and
    the brand's guardrails are checked first; a brand whose policy needs approval refuses a
    post that has not been approved.
    """
    post = load_post(session, actor=actor, post_id=post_id, action=Action.POST_CREATE)
    brand = session.get(Brand, post.brand_id)
    assert brand is not None
    if PostStatus(post.status) not in SCHEDULABLE:
        raise ValidationError(_not_schedulable(PostStatus(post.status)), field="status")
    if post.status != PostStatus.APPROVED and needs_approval(brand, actor):
        raise ValidationError(
            "Posts for this brand need approval before they are scheduled: submit it for "
            "review instead.",
            field="status",
        )
    when = _when(post, brand, at=at, when_utc=when_utc, now=now)
    check_publishable(session, actor=actor, post=post, brand=brand)
    targets = _unsent_targets(session, post)
    stamp = utcnow()
    for target in targets:
        target.status = TargetStatus.SCHEDULED
        target.scheduled_at = when
        target.next_attempt_at = None
        target.updated_at = stamp
        session.add(target)
    post.status = PostStatus.SCHEDULED
    post.scheduled_at = when
    post.updated_at = stamp
    session.add(post)
    session.flush()
    audit.record_for(
        session,
        actor,
        "post.scheduled",
        target_type="post",
        target_id=post.id,
        details={
            "accounts": [t.social_account_id for t in targets],
            "scheduled_at": when.isoformat(),
        },
    )
    return detail(session, post)


def check_publishable(session: Session, *, actor: Actor, post: Post, brand: Brand) -> None:
    """Everything that must hold for the post to go out.

    Connected accounts of this brand, every network's rules on each account's own variant,
    and the brand's guardrails. Scheduling runs it, and so does submitting for review, so
    approvers only ever see posts that can be sent.
    """
    targets = _unsent_targets(session, post)
    if not targets:
        raise ValidationError("Choose at least one account to post to.", field="account_ids")
    accounts = _accounts(
        session, actor, post.brand_id, [t.social_account_id for t in targets], strict=True
    )
    by_id = {a.id: a for a in accounts}
    problems: list[str] = []
    for target in targets:
        account = by_id[target.social_account_id]
        platform = Platform(account.platform)
        content = content_of(session, post, target)
        try:
            found = adapter_for(platform).validate(content)
        except NetworkNotAvailable as exc:
            raise ValidationError(str(exc), field="account_ids") from None
        problems += [f"{PLATFORM_LABELS[platform]} (@{account.handle}): {p.message}" for p in found]
        _check_guardrails(brand, [content.text, *content.thread, content.first_comment or ""])
    if problems:
        raise ValidationError(" ".join(problems), field="text")


def publish_now(session: Session, *, actor: Actor, post_id: int) -> PostDetail:
    """Schedule for this instant: the scheduler picks it up within its next tick."""
    return schedule_post(session, actor=actor, post_id=post_id, now=True)


def unschedule_post(session: Session, *, actor: Actor, post_id: int) -> PostDetail:
    """Take a scheduled post back to draft (targets already sent stay as they are)."""
    post = load_post(session, actor=actor, post_id=post_id, action=Action.POST_CREATE)
    if post.status != PostStatus.SCHEDULED:
        raise ValidationError("Only a scheduled post can be unscheduled.", field="status")
    _check_editable(session, post)
    stamp = utcnow()
    for target in _unsent_targets(session, post):
        target.status = TargetStatus.DRAFT
        target.next_attempt_at = None
        target.updated_at = stamp
        session.add(target)
    post.status = PostStatus.DRAFT
    post.updated_at = stamp
    session.add(post)
    session.flush()
    audit.record_for(session, actor, "post.unscheduled", target_type="post", target_id=post.id)
    return detail(session, post)


# --- checks ---------------------------------------------------------------------------------


def _check_sizes(draft: PostDraft) -> None:
    texts = [draft.text, *draft.thread, draft.first_comment or ""]
    texts += [v.text for v in draft.variants.values() if v.text is not None]
    if any(len(t) > MAX_TEXT for t in texts):
        raise ValidationError(f"Text is limited to {MAX_TEXT:,} characters.", field="text")
    if len(draft.thread) > MAX_THREAD_PARTS:
        raise ValidationError(f"A thread has at most {MAX_THREAD_PARTS} parts.", field="thread")


def _all_texts(draft: PostDraft, accounts: Sequence[SocialAccount]) -> list[str]:
    chosen = {a.id for a in accounts}
    variants = [v.text for k, v in draft.variants.items() if k in chosen and v.text is not None]
    return [draft.text, *draft.thread, draft.first_comment or "", *variants]


def _check_guardrails(brand: Brand, texts: Sequence[str]) -> None:
    from socialmuse.services import guardrails

    problems: list[str] = []
    for text in texts:
        if text.strip():
            problems += [p.message for p in guardrails.check(brand, text)]
    if problems:
        raise ValidationError(" ".join(dict.fromkeys(problems)), field="text")


def _check_editable(session: Session, post: Post) -> None:
    if PostStatus(post.status) not in EDITABLE:
        raise ValidationError(
            "This post has already gone out; duplicate it to post it again.", field="status"
        )
    sent = session.exec(
        select(PostTarget.id).where(
            PostTarget.post_id == post.id, col(PostTarget.status).in_(list(SENT))
        )
    ).first()
    if sent is not None:
        raise ValidationError(
            "Part of this post has already gone out; duplicate it to post it again.",
            field="status",
        )


def _not_schedulable(status: PostStatus) -> str:
    if status == PostStatus.IN_REVIEW:
        return "This post is waiting for approval; it is scheduled once approved."
    if status == PostStatus.CHANGES_REQUESTED:
        return "Changes were requested on this post: edit it and submit it for review again."
    return f"A {status.replace('_', ' ')} post cannot be scheduled; duplicate it instead."


def _intended_time(at: str | None, brand: Brand) -> datetime | None:
    if at is None or not at.strip():
        return None
    return parse_when(at, timezone=brand.timezone)


def _when(
    post: Post, brand: Brand, *, at: str | None, when_utc: datetime | None, now: bool
) -> datetime:
    given = sum(x is not None and x is not False for x in (at, when_utc, now or None))
    if given > 1:
        raise ValidationError("Choose when: one time, or now.", field="at")
    if now:
        return utcnow()
    if at is not None:
        return parse_when(at, timezone=brand.timezone)
    when = when_utc or post.scheduled_at
    if when is None:
        raise ValidationError("Choose a date and time to schedule the post.", field="at")
    if when < utcnow() - PAST_GRACE:
        raise ValidationError(
            f"{when:%Y-%m-%d %H:%M} UTC is in the past; choose a time from now on.", field="at"
        )
    return when


# --- lookups --------------------------------------------------------------------------------


def _accounts(
    session: Session, actor: Actor, brand_id: int, account_ids: Sequence[int], *, strict: bool
) -> list[SocialAccount]:
    """The chosen accounts; ``strict`` (scheduling) also needs them connected."""
    accounts = []
    for account_id in dict.fromkeys(account_ids):
        account = load_account(
            session, actor=actor, account_id=account_id, action=Action.POST_CREATE
        )
        if account.brand_id != brand_id:
            raise ValidationError(
                f"Account {account_id} belongs to another brand.", field="account_ids"
            )
        label = f"@{account.handle} on {PLATFORM_LABELS[Platform(account.platform)]}"
        if account.status == AccountStatus.DISCONNECTED:
            raise ValidationError(f"{label} is disconnected.", field="account_ids")
        if strict and account.status == AccountStatus.RECONNECT_NEEDED:
            raise ValidationError(
                f"{label} needs to be reconnected before it can post.", field="account_ids"
            )
        accounts.append(account)
    return accounts


def _assets(
    session: Session, actor: Actor, brand_id: int, media_ids: Sequence[int]
) -> list[MediaAsset]:
    ids = list(dict.fromkeys(media_ids))
    if not ids:
        return []
    found = {
        a.id: a
        for a in session.exec(
            select(MediaAsset).where(
                col(MediaAsset.id).in_(ids), MediaAsset.organization_id == actor.organization_id
            )
        )
    }
    assets = []
    for media_id in ids:
        asset = found.get(media_id)
        if asset is None or (asset.brand_id is not None and asset.brand_id != brand_id):
            raise ValidationError(f"There is no media file with id {media_id}.", field="media")
        if asset.archived_at is not None:
            raise ValidationError(
                f"{asset.filename} is archived; restore it or choose another file.", field="media"
            )
        assets.append(asset)
    return assets


def _campaign(session: Session, actor: Actor, brand_id: int, campaign_id: int | None) -> int | None:
    if campaign_id is None:
        return None
    campaign = session.get(Campaign, campaign_id)
    if (
        campaign is None
        or campaign.organization_id != actor.organization_id
        or (campaign.brand_id is not None and campaign.brand_id != brand_id)
    ):
        raise ValidationError(f"There is no campaign with id {campaign_id}.", field="campaign_id")
    if campaign.archived_at is not None:
        raise ValidationError(f"The campaign {campaign.name} is archived.", field="campaign_id")
    return campaign_id


def _unsent_targets(session: Session, post: Post) -> list[PostTarget]:
    return list(
        session.exec(
            select(PostTarget)
            .where(PostTarget.post_id == post.id, col(PostTarget.status).not_in(list(SENT)))
            .order_by(col(PostTarget.id))
        ).all()
    )


def _sync_targets(
    session: Session,
    actor: Actor,
    post: Post,
    accounts: Sequence[SocialAccount],
    variants: dict[int, VariantIn],
) -> None:
    """One target per chosen account, each a draft again with its overrides."""
    existing = {
        t.social_account_id: t
        for t in session.exec(select(PostTarget).where(PostTarget.post_id == post.id))
    }
    chosen = {a.id or 0 for a in accounts}
    for account_id, target in existing.items():
        if account_id not in chosen:
            session.delete(target)
    stamp = utcnow()
    for account in accounts:
        account_id = account.id or 0
        target = existing.get(account_id) or PostTarget(
            organization_id=actor.organization_id,
            post_id=post.id or 0,
            social_account_id=account_id,
        )
        variant = variants.get(account_id, VariantIn())
        target.text_override = variant.text
        target.media_override = list(variant.media_ids) if variant.media_ids is not None else None
        target.status = TargetStatus.DRAFT
        target.scheduled_at = post.scheduled_at
        target.next_attempt_at = None
        target.last_error_code = None
        target.last_error_message = None
        target.updated_at = stamp
        session.add(target)
