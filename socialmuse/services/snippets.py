"""Reusable text for the composer: templates, signatures and hashtag groups.

A snippet belongs to one brand (only people working on that brand see it) or to the whole
organization (``brand_id`` None, shared by every brand; creating one needs someone who works
on every brand, so a brand-scoped teammate cannot push text into brands they do not see).
Names are unique per organization and kind, so "Launch" always means one template.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import regex
from pydantic import BaseModel
from sqlmodel import Session, col, or_, select

from socialmuse.models import Snippet, utcnow
from socialmuse.services import audit
from socialmuse.services.brands import load_brand
from socialmuse.services.errors import NotFound, PermissionDenied, ValidationError
from socialmuse.services.permissions import Action, Actor, authorize, can

MAX_NAME = 120
MAX_BODY = 5_000


class SnippetKind(StrEnum):
    TEMPLATE = "template"
    SIGNATURE = "signature"
    HASHTAG_GROUP = "hashtag_group"


KIND_LABELS: dict[SnippetKind, str] = {
    SnippetKind.TEMPLATE: "Template",
    SnippetKind.SIGNATURE: "Signature",
    SnippetKind.HASHTAG_GROUP: "Hashtag group",
}

_HASHTAG_RE = regex.compile(r"^#?[\p{L}\p{N}_]+$")


class SnippetPublic(BaseModel):
    id: int
    kind: SnippetKind
    kind_label: str
    name: str
    body: str
    brand_id: int | None
    updated_at: datetime


def _public(snippet: Snippet) -> SnippetPublic:
    kind = SnippetKind(snippet.kind)
    return SnippetPublic(
        id=snippet.id or 0,
        kind=kind,
        kind_label=KIND_LABELS[kind],
        name=snippet.name,
        body=snippet.body,
        brand_id=snippet.brand_id,
        updated_at=snippet.updated_at,
    )


def _kind(kind: str) -> SnippetKind:
    try:
        return SnippetKind(kind)
    except ValueError:
        choices = ", ".join(k.value for k in SnippetKind)
        raise ValidationError(f"Choose a kind of snippet: {choices}.", field="kind") from None


def _name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationError("Give the snippet a name.", field="name")
    if len(cleaned) > MAX_NAME:
        raise ValidationError(f"Names are limited to {MAX_NAME} characters.", field="name")
    return cleaned


def _body(kind: SnippetKind, body: str) -> str:
    if kind == SnippetKind.HASHTAG_GROUP:
        words = [w for w in regex.split(r"[\s,;]+", body) if w]
        bad = [w for w in words if not _HASHTAG_RE.match(w)]
        if bad:
            raise ValidationError(
                f"{', '.join(bad)}: a hashtag is letters, digits and underscores only.",
                field="body",
            )
        body = " ".join(dict.fromkeys(w if w.startswith("#") else f"#{w}" for w in words))
    else:
        body = body.strip("\n")
    if not body.strip():
        raise ValidationError("Write the snippet's text.", field="body")
    if len(body) > MAX_BODY:
        raise ValidationError(f"Snippets are limited to {MAX_BODY:,} characters.", field="body")
    return body


def _check_unique(
    session: Session, actor: Actor, kind: SnippetKind, name: str, exclude: int | None
) -> None:
    clash = session.exec(
        select(Snippet.id).where(
            Snippet.organization_id == actor.organization_id,
            Snippet.kind == kind.value,
            col(Snippet.name) == name,
            col(Snippet.id) != (exclude or 0),
        )
    ).first()
    if clash is not None:
        label = KIND_LABELS[kind].lower()
        raise ValidationError(f"There is already a {label} named {name!r}.", field="name")


def _authorize_scope(session: Session, actor: Actor, brand_id: int | None) -> None:
    if brand_id is not None:
        load_brand(session, actor=actor, brand_id=brand_id, action=Action.POST_CREATE)
        return
    authorize(actor, Action.POST_CREATE, organization_id=actor.organization_id)
    if actor.brand_ids is not None:
        raise PermissionDenied(
            "Snippets shared by every brand are managed by someone who works on all brands; "
            "make this one for your brand instead."
        )


def _load(session: Session, actor: Actor, snippet_id: int) -> Snippet:
    snippet = session.get(Snippet, snippet_id)
    if snippet is None or snippet.organization_id != actor.organization_id:
        raise NotFound(f"There is no snippet with id {snippet_id}.")
    visible = snippet.brand_id is None or can(
        actor, Action.BRAND_VIEW, organization_id=actor.organization_id, brand_id=snippet.brand_id
    )
    if not visible:
        raise NotFound(f"There is no snippet with id {snippet_id}.")
    _authorize_scope(session, actor, snippet.brand_id)
    return snippet


def list_snippets(
    session: Session, *, actor: Actor, brand_id: int | None = None, kind: str | None = None
) -> list[SnippetPublic]:
    """Snippets shared by every brand plus those of ``brand_id``, by kind then name.

    With no brand given: those of every brand the actor works on.
    """
    authorize(actor, Action.BRAND_VIEW, organization_id=actor.organization_id)
    query = select(Snippet).where(Snippet.organization_id == actor.organization_id)
    if brand_id is not None:
        load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
        query = query.where(or_(col(Snippet.brand_id).is_(None), Snippet.brand_id == brand_id))
    elif actor.brand_ids is not None:
        query = query.where(
            or_(col(Snippet.brand_id).is_(None), col(Snippet.brand_id).in_(actor.brand_ids))
        )
    if kind is not None:
        query = query.where(Snippet.kind == _kind(kind).value)
    rows = session.exec(query.order_by(col(Snippet.kind), col(Snippet.name))).all()
    return [_public(s) for s in rows]


def create_snippet(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    name: str,
    body: str,
    brand_id: int | None = None,
) -> SnippetPublic:
    """A new template, signature or hashtag group for one brand or for all."""
    _authorize_scope(session, actor, brand_id)
    snippet_kind = _kind(kind)
    clean = _name(name)
    text = _body(snippet_kind, body)
    _check_unique(session, actor, snippet_kind, clean, None)
    snippet = Snippet(
        organization_id=actor.organization_id,
        brand_id=brand_id,
        kind=snippet_kind.value,
        name=clean,
        body=text,
        created_by_user_id=actor.user_id or None,
    )
    session.add(snippet)
    session.flush()
    audit.record_for(
        session,
        actor,
        "snippet.created",
        target_type="snippet",
        target_id=snippet.id,
        details={"kind": snippet_kind.value, "name": clean},
    )
    return _public(snippet)


def update_snippet(
    session: Session, *, actor: Actor, snippet_id: int, name: str, body: str
) -> SnippetPublic:
    """Rename or rewrite a snippet (its kind and brand stay)."""
    snippet = _load(session, actor, snippet_id)
    kind = SnippetKind(snippet.kind)
    clean = _name(name)
    text = _body(kind, body)
    _check_unique(session, actor, kind, clean, snippet.id)
    snippet.name, snippet.body, snippet.updated_at = clean, text, utcnow()
    session.add(snippet)
    session.flush()
    audit.record_for(session, actor, "snippet.updated", target_type="snippet", target_id=snippet.id)
    return _public(snippet)


def delete_snippet(session: Session, *, actor: Actor, snippet_id: int) -> None:
    """Remove a snippet; posts that used it keep their text."""
    snippet = _load(session, actor, snippet_id)
    session.delete(snippet)
    session.flush()
    audit.record_for(
        session,
        actor,
        "snippet.deleted",
        target_type="snippet",
        target_id=snippet_id,
        details={"name": snippet.name},
    )
