"""The evergreen library: posts worth publishing again, recycled on a rule.

A rule says every how many days a published post comes back, how many times at most, and a
cooldown (no copy closer than that to the previous one). Each copy is a new post
(``recycled_from_post_id`` → the library post, ``source="evergreen"``) scheduled at the next
free posting slot of its accounts (or right away when they have none), and its text rotates
through the original and the variations so no copy repeats the one before it: networks
refuse identical consecutive posts as duplicates.

``recycle_due`` may run in several schedulers at once: each rule is claimed with a
conditional UPDATE on the values it was read with, so only one caller makes each copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import update
from sqlmodel import Session, col, select

from socialmuse.models import Brand, EvergreenRule, Post, PostTarget, SocialAccount, utcnow
from socialmuse.models.enums import AccountStatus, Platform, PostStatus
from socialmuse.platforms.base import PostContent
from socialmuse.platforms.registry import NetworkNotAvailable, adapter_for
from socialmuse.services import audit, guardrails
from socialmuse.services.accounts import PLATFORM_LABELS
from socialmuse.services.approval_policy import needs_approval
from socialmuse.services.brands import load_brand
from socialmuse.services.calendar import copy_post, excerpt, load_post
from socialmuse.services.errors import PermissionDenied, ValidationError
from socialmuse.services.permissions import Action, Actor, can
from socialmuse.services.slots import free_slot_for

MAX_VARIATIONS = 20
RECYCLABLE = frozenset({PostStatus.PUBLISHED, PostStatus.PARTIALLY_PUBLISHED})
_USABLE = (AccountStatus.CONNECTED, AccountStatus.RATE_LIMITED)


class EvergreenPublic(BaseModel):
    post_id: int
    brand_id: int
    excerpt: str
    interval_days: int
    max_recycles: int
    cooldown_days: int
    variations: list[str]
    recycled_count: int
    last_recycled_at: datetime | None
    next_recycle_at: datetime | None
    active: bool


def _public(rule: EvergreenRule, post: Post) -> EvergreenPublic:
    return EvergreenPublic(
        post_id=rule.post_id,
        brand_id=post.brand_id,
        excerpt=excerpt(post.text, 80),
        interval_days=rule.interval_days,
        max_recycles=rule.max_recycles,
        cooldown_days=rule.cooldown_days,
        variations=list(rule.variations),
        recycled_count=rule.recycled_count,
        last_recycled_at=rule.last_recycled_at,
        next_recycle_at=rule.next_recycle_at,
        active=rule.active,
    )


def _bounded(value: int, low: int, high: int, *, field: str, what: str) -> int:
    if not low <= value <= high:
        raise ValidationError(f"{what} must be between {low} and {high}.", field=field)
    return value


def _clean_variations(session: Session, post: Post, variations: Sequence[str]) -> list[str]:
    """Distinct, non-empty, different from the original, valid on every target network."""
    original = " ".join(post.text.split())
    cleaned: list[str] = []
    for raw in variations:
        text = (raw or "").strip()
        flat = " ".join(text.split())
        if not flat or flat == original or flat in (" ".join(c.split()) for c in cleaned):
            continue
        cleaned.append(text)
    if not cleaned:
        raise ValidationError(
            "Add at least one variation that differs from the post's text: networks refuse a "
            "copy identical to the previous post as a duplicate.",
            field="variations",
        )
    if len(cleaned) > MAX_VARIATIONS:
        raise ValidationError(f"Keep at most {MAX_VARIATIONS} variations.", field="variations")
    from socialmuse.services.media import post_media

    media = post_media(session, post.id or 0)
    accounts = session.exec(
        select(SocialAccount)
        .join(PostTarget, col(PostTarget.social_account_id) == col(SocialAccount.id))
        .where(PostTarget.post_id == post.id)
    ).all()
    problems: list[str] = []
    for number, text in enumerate(cleaned, start=1):
        content = PostContent(
            text=text,
            media=media,
            thread=tuple(post.thread_parts),
            first_comment=post.first_comment,
        )
        for account in accounts:
            platform = Platform(account.platform)
            try:
                found = adapter_for(platform).validate(content)
            except NetworkNotAvailable:
                continue
            problems += [
                f"Variation {number}, {PLATFORM_LABELS[platform]} (@{account.handle}): {p.message}"
                for p in found
            ]
    brand = session.get(Brand, post.brand_id)
    if brand is not None:
        for number, text in enumerate(cleaned, start=1):
            problems += [f"Variation {number}: {p.message}" for p in guardrails.check(brand, text)]
    if problems:
        raise ValidationError(" ".join(problems), field="variations")
    return cleaned


def set_evergreen(
    session: Session,
    *,
    actor: Actor,
    post_id: int,
    interval_days: int = 30,
    max_recycles: int = 5,
    cooldown_days: int = 14,
    variations: Sequence[str] = (),
) -> EvergreenPublic:
    """Mark a post evergreen (or change its rule); the count of copies made so far stays."""
    post = load_post(session, actor=actor, post_id=post_id, action=Action.POST_CREATE)
    if post.recycled_from_post_id is not None:
        raise ValidationError(
            "This post is itself a recycled copy; mark the original post evergreen instead."
        )
    brand = session.get(Brand, post.brand_id)
    assert brand is not None
    if needs_approval(brand, actor) and not can(
        actor, Action.POST_APPROVE, organization_id=brand.organization_id, brand_id=brand.id
    ):
        raise PermissionDenied(
            "Recycled copies go out without another review, so on this brand only an approver "
            "can make a post evergreen."
        )
    interval_days = _bounded(
        interval_days, 1, 365, field="interval_days", what="The interval in days"
    )
    max_recycles = _bounded(max_recycles, 1, 100, field="max_recycles", what="The number of copies")
    cooldown_days = _bounded(
        cooldown_days, 0, 365, field="cooldown_days", what="The cooldown in days"
    )
    cleaned = _clean_variations(session, post, variations)
    now = utcnow()
    rule = session.get(EvergreenRule, post.id)
    created = rule is None
    if rule is None:
        rule = EvergreenRule(post_id=post.id or 0, organization_id=post.organization_id)
    rule.interval_days, rule.max_recycles, rule.cooldown_days = (
        interval_days,
        max_recycles,
        cooldown_days,
    )
    rule.variations = cleaned
    rule.active = rule.recycled_count < max_recycles
    base = rule.last_recycled_at or post.published_at or post.scheduled_at or now
    rule.next_recycle_at = (
        max(base + timedelta(days=interval_days), base + timedelta(days=cooldown_days))
        if rule.active
        else None
    )
    rule.updated_at = now
    post.is_evergreen = True
    post.updated_at = now
    session.add(rule)
    session.add(post)
    session.flush()
    audit.record_for(
        session,
        actor,
        "post.evergreen_set" if created else "post.evergreen_changed",
        target_type="post",
        target_id=post.id,
        details={
            "interval_days": interval_days,
            "max_recycles": max_recycles,
            "cooldown_days": cooldown_days,
            "variations": len(cleaned),
        },
    )
    return _public(rule, post)


def clear_evergreen(session: Session, *, actor: Actor, post_id: int) -> None:
    """Take a post out of the evergreen library; copies already made stay as they are."""
    post = load_post(session, actor=actor, post_id=post_id, action=Action.POST_CREATE)
    rule = session.get(EvergreenRule, post.id)
    if rule is not None:
        session.delete(rule)
    post.is_evergreen = False
    post.updated_at = utcnow()
    session.add(post)
    session.flush()
    audit.record_for(
        session, actor, "post.evergreen_cleared", target_type="post", target_id=post.id
    )


def get_evergreen(session: Session, *, actor: Actor, post_id: int) -> EvergreenPublic | None:
    """The post's rule, or None when it is not evergreen."""
    post = load_post(session, actor=actor, post_id=post_id, action=Action.BRAND_VIEW)
    rule = session.get(EvergreenRule, post.id)
    return _public(rule, post) if rule is not None else None


def list_evergreen(session: Session, *, actor: Actor, brand_id: int) -> list[EvergreenPublic]:
    """A brand's evergreen library, next to come back first."""
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    rows = session.exec(
        select(EvergreenRule, Post)
        .join(Post, col(Post.id) == col(EvergreenRule.post_id))
        .where(Post.organization_id == actor.organization_id, Post.brand_id == brand_id)
        .order_by(col(EvergreenRule.next_recycle_at), col(Post.id))
    ).all()
    return [_public(rule, post) for rule, post in rows]


def variation_for(post: Post, rule: EvergreenRule, copy_number: int) -> str:
    """Copy ``copy_number`` (1-based) uses the next text after the original in the rotation.

    The rotation is original, variation 1, …, variation n, original, … so every copy's text
    differs from the previous post's (variations are distinct and differ from the original).
    """
    texts = [post.text, *rule.variations]
    return texts[copy_number % len(texts)]


def _claim(session: Session, rule: EvergreenRule, now: datetime, next_at: datetime | None) -> bool:
    """Advance the rule iff nobody else did since we read it (the double-copy guard)."""
    count = rule.recycled_count + 1
    result = session.execute(
        update(EvergreenRule)
        .where(
            col(EvergreenRule.post_id) == rule.post_id,
            col(EvergreenRule.active).is_(True),
            col(EvergreenRule.recycled_count) == rule.recycled_count,
            col(EvergreenRule.next_recycle_at) == rule.next_recycle_at,
        )
        .values(
            recycled_count=count,
            last_recycled_at=now,
            next_recycle_at=next_at if count < rule.max_recycles else None,
            active=count < rule.max_recycles,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _postpone(session: Session, rule: EvergreenRule, next_at: datetime, now: datetime) -> None:
    session.execute(
        update(EvergreenRule)
        .where(
            col(EvergreenRule.post_id) == rule.post_id,
            col(EvergreenRule.next_recycle_at) == rule.next_recycle_at,
        )
        .values(next_recycle_at=next_at, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def _deactivate(session: Session, rule: EvergreenRule, now: datetime) -> None:
    session.execute(
        update(EvergreenRule)
        .where(col(EvergreenRule.post_id) == rule.post_id)
        .values(active=False, next_recycle_at=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def recycle_due(session: Session, now: datetime | None = None) -> list[int]:
    """Make the copies that are due; returns the new posts' ids (the caller commits).

    A library post that is not published yet is postponed by its interval; one whose
    accounts are all disconnected is deactivated (nothing could be sent).
    """
    now = now or utcnow()
    due = session.exec(
        select(EvergreenRule)
        .where(
            col(EvergreenRule.active).is_(True),
            col(EvergreenRule.next_recycle_at).is_not(None),
            col(EvergreenRule.next_recycle_at) <= now,
            col(EvergreenRule.recycled_count) < col(EvergreenRule.max_recycles),
        )
        .order_by(col(EvergreenRule.next_recycle_at))
        .limit(100)
    ).all()
    made: list[int] = []
    for rule in due:
        session.expunge(rule)  # read values only; the conditional UPDATE is the write
        post = session.get(Post, rule.post_id)
        brand = session.get(Brand, post.brand_id) if post else None
        if post is None or brand is None or brand.archived_at is not None:
            _deactivate(session, rule, now)
            continue
        interval = timedelta(days=rule.interval_days)
        if PostStatus(post.status) not in RECYCLABLE:
            _postpone(session, rule, now + interval, now)
            continue
        accounts = list(
            session.exec(
                select(SocialAccount)
                .join(PostTarget, col(PostTarget.social_account_id) == col(SocialAccount.id))
                .where(
                    PostTarget.post_id == post.id,
                    col(SocialAccount.status).in_([s.value for s in _USABLE]),
                )
                .order_by(col(PostTarget.id))
            ).all()
        )
        if not accounts:
            _deactivate(session, rule, now)
            continue
        try:
            at = free_slot_for(session, accounts, brand.timezone, after=now)
        except ValidationError:
            at = now  # no slots: the copy goes out on the rule's own rhythm
        due_at = rule.next_recycle_at or now
        next_at = max(due_at + interval, at + timedelta(days=rule.cooldown_days))
        if not _claim(session, rule, now, next_at):
            continue  # another scheduler made this copy
        copy = copy_post(
            session,
            post,
            status=PostStatus.SCHEDULED,
            text=variation_for(post, rule, rule.recycled_count + 1),
            scheduled_at=at,
            author_user_id=post.author_user_id,
            origin="evergreen",
            recycled_from_post_id=post.id,
            keep_overrides=False,
            account_ids=[a.id or 0 for a in accounts],
        )
        audit.record(
            session,
            action="post.evergreen_recycled",
            organization_id=post.organization_id,
            target_type="post",
            target_id=copy.id,
            details={
                "from_post_id": post.id,
                "copy_number": rule.recycled_count + 1,
                "scheduled_at": at.isoformat(),
            },
        )
        made.append(copy.id or 0)
    return made
