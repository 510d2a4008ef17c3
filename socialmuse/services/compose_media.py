"""Files attached in the composer: upload with alt text, describe for previews, edit alt text.

A thin layer over ``services.media`` (which stores the bytes) for the composer's own upload
box; the media library (folders, tags, search) offers the same files through its picker.
Previews need to show the picture itself, so ``describe`` returns a small inline thumbnail
(a data URI made with Pillow) rather than a URL that would need its own signed route.
"""

from __future__ import annotations

import base64
import io
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel
from sqlmodel import Session, col, select

from socialmuse.models import MediaAsset
from socialmuse.services import audit, media
from socialmuse.services.brands import load_brand
from socialmuse.services.errors import NotFound, ValidationError
from socialmuse.services.permissions import Action, Actor
from socialmuse.services.validation import UNKNOWN_TYPE, media_file_from_path

MAX_ALT_TEXT = 1_500
MAX_UPLOAD_BYTES = 512 * 1024 * 1024
THUMBNAIL_PX = 320


class MediaInfo(BaseModel):
    id: int
    filename: str
    content_type: str
    kind: str
    size_bytes: int
    alt_text: str
    thumbnail: str


def _thumbnail(asset: MediaAsset) -> str:
    """A small JPEG/PNG data URI of an image; '' for videos or unreadable files."""
    if not asset.content_type.startswith("image/"):
        return ""
    try:
        from PIL import Image

        with Image.open(media.media_root() / asset.storage_key) as image:
            image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            has_alpha = image.mode in ("RGBA", "LA", "P")
            frame = image.convert("RGBA" if has_alpha else "RGB")
            out = io.BytesIO()
            fmt = "PNG" if has_alpha else "JPEG"
            frame.save(out, format=fmt)
    except (OSError, ValueError):
        return ""
    mime = "image/png" if fmt == "PNG" else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(out.getvalue()).decode()}"


def _info(asset: MediaAsset) -> MediaInfo:
    return MediaInfo(
        id=asset.id or 0,
        filename=asset.filename,
        content_type=asset.content_type,
        kind=str(asset.kind.value if hasattr(asset.kind, "value") else asset.kind),
        size_bytes=asset.size_bytes,
        alt_text=asset.alt_text,
        thumbnail=_thumbnail(asset),
    )


def _clean_alt(alt_text: str) -> str:
    alt = " ".join(alt_text.split())
    if len(alt) > MAX_ALT_TEXT:
        raise ValidationError(
            f"Alt text is limited to {MAX_ALT_TEXT:,} characters.", field="alt_text"
        )
    return alt


def _safe_name(filename: str) -> str:
    name = re.sub(r"[^\w.\- ]+", "_", Path(filename).name).strip(" .") or "upload"
    return name[:200]


def upload(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    data: bytes,
    filename: str,
    alt_text: str = "",
) -> MediaInfo:
    """Store an uploaded file for the brand; its type comes from its bytes, not its name."""
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.POST_CREATE)
    alt = _clean_alt(alt_text)
    if not data:
        raise ValidationError(f"{filename or 'The file'} is empty.", field="media")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"{filename} is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.", field="media"
        )
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / _safe_name(filename)
        path.write_bytes(data)
        file = media_file_from_path(path, alt_text=alt)
        if file.content_type == UNKNOWN_TYPE:
            raise ValidationError(
                f"{filename} is not a picture or video SocialMuse can post: attach a JPEG, "
                "PNG, GIF or WEBP image, or an MP4 or MOV video.",
                field="media",
            )
        asset = media.store_file(session, actor=actor, brand_id=brand_id, file=file)
    audit.record_for(
        session,
        actor,
        "media.uploaded",
        target_type="media",
        target_id=asset.id,
        details={"filename": asset.filename},
    )
    return _info(asset)


def _load(session: Session, actor: Actor, media_id: int, action: Action) -> MediaAsset:
    asset = session.get(MediaAsset, media_id)
    if asset is None or asset.organization_id != actor.organization_id:
        raise NotFound(f"There is no media file with id {media_id}.")
    if asset.brand_id is not None:
        load_brand(session, actor=actor, brand_id=asset.brand_id, action=action)
    return asset


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
    asset = _load(session, actor, media_id, Action.POST_CREATE)
    asset.alt_text = _clean_alt(alt_text)
    session.add(asset)
    session.flush()
    audit.record_for(
        session, actor, "media.alt_text_changed", target_type="media", target_id=asset.id
    )
    return _info(asset)
