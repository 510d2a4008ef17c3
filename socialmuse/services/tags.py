"""Tags: free labels shared across an organization's posts (filters, hashtag-free grouping)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel
from sqlmodel import Session, col, delete, select

from socialmuse.models import PostTag, Tag
from socialmuse.services.errors import ValidationError
from socialmuse.services.permissions import Action, Actor, authorize

MAX_TAG_LENGTH = 64


class TagPublic(BaseModel):
    id: int
    name: str
    color: str


def clean_tag_name(name: str) -> str:
    """One spelling per tag: trimmed, inner whitespace collapsed, a leading '#' dropped."""
    cleaned = " ".join(name.split()).lstrip("#").strip()
    if not cleaned:
        raise ValidationError("A tag needs a name.", field="tags")
    if len(cleaned) > MAX_TAG_LENGTH:
        raise ValidationError(
            f"The tag “{cleaned[:20]}…” is longer than {MAX_TAG_LENGTH} characters.", field="tags"
        )
    return cleaned


def list_tags(session: Session, *, actor: Actor) -> list[TagPublic]:
    authorize(actor, Action.BRAND_VIEW, organization_id=actor.organization_id)
    rows = session.exec(
        select(Tag).where(Tag.organization_id == actor.organization_id).order_by(col(Tag.name))
    ).all()
    return [TagPublic(id=t.id or 0, name=t.name, color=t.color) for t in rows]


def ensure_tags(session: Session, *, actor: Actor, names: Sequence[str]) -> list[Tag]:
    """The organization's tags with these names, created when missing (case-insensitive)."""
    authorize(actor, Action.POST_CREATE, organization_id=actor.organization_id)
    wanted: dict[str, str] = {}
    for name in names:
        cleaned = clean_tag_name(name)
        wanted.setdefault(cleaned.casefold(), cleaned)
    if not wanted:
        return []
    existing = {
        t.name.casefold(): t
        for t in session.exec(select(Tag).where(Tag.organization_id == actor.organization_id))
    }
    tags = []
    for key, name in wanted.items():
        tag = existing.get(key)
        if tag is None:
            tag = Tag(organization_id=actor.organization_id, name=name)
            session.add(tag)
            session.flush()
        tags.append(tag)
    return tags


def set_post_tags(session: Session, *, post_id: int, tags: Sequence[Tag]) -> None:
    """Replace a post's tags (the caller has already checked it may edit the post)."""
    session.execute(delete(PostTag).where(col(PostTag.post_id) == post_id))
    for tag in tags:
        session.add(PostTag(post_id=post_id, tag_id=tag.id or 0))
    session.flush()


def post_tag_names(session: Session, post_id: int) -> list[str]:
    rows = session.exec(
        select(Tag.name)
        .join(PostTag, col(PostTag.tag_id) == col(Tag.id))
        .where(PostTag.post_id == post_id)
        .order_by(col(Tag.name))
    ).all()
    return list(rows)


def _load_tag_for_change(session: Session, actor: Actor, tag_id: int) -> Tag:
    """Tags are shared by every brand: changing one needs brand-management rights everywhere."""
    from socialmuse.services.errors import NotFound, PermissionDenied

    tag = session.get(Tag, tag_id)
    if tag is None or tag.organization_id != actor.organization_id:
        raise NotFound("That tag does not exist.", field="tag_id")
    authorize(actor, Action.BRAND_MANAGE, organization_id=actor.organization_id)
    if actor.brand_ids is not None:
        raise PermissionDenied(
            "Tags are shared by every brand; someone with access to all brands can change them."
        )
    return tag


def update_tag(
    session: Session, *, actor: Actor, tag_id: int, name: str, color: str | None = None
) -> TagPublic:
    """Rename and/or recolour a tag; every post carrying it follows."""
    from socialmuse.services import audit
    from socialmuse.services.campaigns import check_color

    tag = _load_tag_for_change(session, actor, tag_id)
    cleaned = clean_tag_name(name)
    clash = session.exec(
        select(Tag).where(Tag.organization_id == actor.organization_id, Tag.id != tag.id)
    ).all()
    if any(t.name.casefold() == cleaned.casefold() for t in clash):
        raise ValidationError(f"There is already a tag named “{cleaned}”.", field="name")
    before = tag.name
    tag.name = cleaned
    tag.color = check_color(color, default=tag.color)
    session.add(tag)
    session.flush()
    audit.record_for(
        session,
        actor,
        "tag.updated",
        target_type="tag",
        target_id=tag.id,
        details={"from": before, "to": cleaned, "color": tag.color},
    )
    return TagPublic(id=tag.id or 0, name=tag.name, color=tag.color)


def delete_tag(session: Session, *, actor: Actor, tag_id: int) -> None:
    """Remove a tag from every post and forget it."""
    from socialmuse.services import audit

    tag = _load_tag_for_change(session, actor, tag_id)
    session.exec(delete(PostTag).where(col(PostTag.tag_id) == tag.id))
    session.delete(tag)
    session.flush()
    audit.record_for(
        session,
        actor,
        "tag.deleted",
        target_type="tag",
        target_id=tag_id,
        details={"name": tag.name},
    )
