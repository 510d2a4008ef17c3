"""The composer's own upload (type from the bytes, alt text) and reopening a saved post."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlmodel import Session

from socialmuse.models.enums import PostStatus
from socialmuse.services import accounts, compose_media, post_editing
from socialmuse.services.errors import NotFound, ValidationError
from tests.factories import brand, owner


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_upload_keeps_alt_text_and_makes_a_thumbnail(session: Session) -> None:
    boss = owner(session)
    b = brand(session, boss)
    info = compose_media.upload(
        session, actor=boss.actor, brand_id=b, data=_png(), filename="red.txt", alt_text=" A red "
    )
    assert (info.content_type, info.kind, info.alt_text) == ("image/png", "image", "A red")
    assert info.filename == "red.txt"
    assert info.thumbnail and info.thumbnail.startswith(("/", "http"))
    changed = compose_media.set_alt_text(
        session, actor=boss.actor, media_id=info.id, alt_text="A red square"
    )
    assert changed.alt_text == "A red square"
    described = compose_media.describe(session, actor=boss.actor, brand_id=b, media_ids=[info.id])
    assert [d.alt_text for d in described] == ["A red square"]


def test_upload_refuses_what_is_not_media(session: Session) -> None:
    boss = owner(session)
    b = brand(session, boss)
    with pytest.raises(ValidationError) as err:
        compose_media.upload(
            session,
            actor=boss.actor,
            brand_id=b,
            data=b"just some text, not a picture",
            filename="x.png",
        )
    assert err.value.field == "media" and "not a supported file" in err.value.message
    with pytest.raises(NotFound):
        compose_media.set_alt_text(session, actor=boss.actor, media_id=0, alt_text="x")
    with pytest.raises(ValidationError) as long_alt:
        compose_media.upload(
            session,
            actor=boss.actor,
            brand_id=b,
            data=_png(),
            filename="a.png",
            alt_text="x" * 1501,
        )
    assert long_alt.value.field == "alt_text"


def test_draft_of_gives_back_what_was_saved_in_the_brand_zone(session: Session) -> None:
    boss = owner(session)
    b = brand(session, boss, tz="America/New_York")
    one = accounts.connect_sandbox(session, actor=boss.actor, brand_id=b, handle="one")
    two = accounts.connect_sandbox(session, actor=boss.actor, brand_id=b, handle="two")
    pic = compose_media.upload(session, actor=boss.actor, brand_id=b, data=_png(), filename="p.png")
    at = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT09:15")
    draft = post_editing.PostDraft(
        brand_id=b,
        text="Hello",
        account_ids=[one.id, two.id],
        variants={two.id: post_editing.VariantIn(text="Hi two", media_ids=[])},
        media_ids=[pic.id],
        thread=["part two"],
        first_comment="first!",
        tags=["Launch"],
        at=at,
    )
    saved = post_editing.save_post(session, actor=boss.actor, draft=draft)
    reopened = post_editing.draft_of(session, actor=boss.actor, post_id=saved.id)
    assert reopened.status == PostStatus.DRAFT and reopened.editable
    assert reopened.draft == draft
