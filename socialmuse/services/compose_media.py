"""Files attached in the composer, as the previews need them: type, alt text, thumbnail URL.

Uploading and describing go through the media library (``services.media_library``), so the
composer's own upload box accepts and refuses exactly what the library does (type from the
bytes, size limits per kind) and every file it stores shows up in the library. The
thumbnail is the library's signed URL for the small JPEG (empty for files without one).
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel
from sqlmodel import Session, col, select

from socialmuse.models import MediaAsset
from socialmuse.services import media, media_library
from socialmuse.services.brands import load_brand
from socialmuse.services.errors import ValidationError
from socialmuse.services.permissions import Action, Actor


class MediaInfo(BaseModel):
    id: int
    filename: str
    content_type: str
    kind: str
    size_bytes: int
    alt_text: str
    thumbnail: str


def _info(asset: MediaAsset) -> MediaInfo:
    kind = asset.kind.value if hasattr(asset.kind, "value") else str(asset.kind)
    thumb = asset.thumbnail_key is not None or asset.content_type.startswith("image/")
    return MediaInfo(
        id=asset.id or 0,
        filename=asset.filename,
        content_type=asset.content_type,
        kind=kind,
        size_bytes=asset.size_bytes,
        alt_text=asset.alt_text,
        thumbnail=media.thumbnail_url(asset) if thumb else "",
    )


def _field_media(exc: ValidationError) -> ValidationError:
    """The library names its upload field ``file``; in the composer it is ``media``."""
    field = "media" if exc.field in (None, "file") else exc.field
    return ValidationError(exc.message, field=field)


def upload(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    data: bytes,
    filename: str,
    alt_text: str = "",
) -> MediaInfo:
    """Store an upload in the brand's library (or reuse the same bytes) and describe it."""
    try:
        stored = media_library.upload(
            session,
            actor=actor,
            brand_id=brand_id,
            filename=filename,
            data=data,
            alt_text=alt_text,
        )
    except ValidationError as exc:
        raise _field_media(exc) from None
    if alt_text.strip() and stored.alt_text != alt_text.strip():
        # The same bytes were already in the library: this upload's description wins.
        media_library.update_asset(session, actor=actor, asset_id=stored.id, alt_text=alt_text)
    asset = session.get(MediaAsset, stored.id)
    assert asset is not None
    return _info(asset)


def describe(
    session: Session, *, actor: Actor, brand_id: int, media_ids: Sequence[int]
) -> list[MediaInfo]:
    """The brand's media files by id, in the order given (unknown ids are left out)."""
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    ids = list(dict.fromkeys(media_ids))
    if not ids:
        return []
    found = {
        a.id: a
        for a in session.exec(
            select(MediaAsset).where(
                col(MediaAsset.id).in_(ids),
                MediaAsset.organization_id == actor.organization_id,
            )
        )
        if a.brand_id in (None, brand_id)
    }
    return [_info(found[i]) for i in ids if i in found]


def set_alt_text(session: Session, *, actor: Actor, media_id: int, alt_text: str) -> MediaInfo:
    """Describe a picture for people using screen readers (sent to every network)."""
    try:
        media_library.update_asset(session, actor=actor, asset_id=media_id, alt_text=alt_text)
    except ValidationError as exc:
        raise ValidationError(exc.message, field="alt_text") from None
    asset = session.get(MediaAsset, media_id)
    assert asset is not None
    return _info(asset)
