"""Media files attached to posts, stored on local disk under DATA_DIR/media (Stage C adds S3).

Files are content-addressed (SHA-256) per organization, so attaching the same picture twice
stores it once. Types come from the bytes (``validation.sniff_content_type``), never from
the file name.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from pathlib import Path

from sqlmodel import Session, col, select

from socialmuse.models import MediaAsset, PostMedia
from socialmuse.models.enums import MediaKind
from socialmuse.platforms.base import MediaFile
from socialmuse.services.permissions import Actor
from socialmuse.services.validation import media_file_from_path
from socialmuse.settings import get_settings

_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
}


def media_root() -> Path:
    return get_settings().data_dir / "media"


def _kind(content_type: str) -> MediaKind:
    if content_type == "image/gif":
        return MediaKind.GIF
    if content_type.startswith("video/"):
        return MediaKind.VIDEO
    if content_type.startswith("image/"):
        return MediaKind.IMAGE
    return MediaKind.DOCUMENT


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def store_file(session: Session, *, actor: Actor, brand_id: int, file: MediaFile) -> MediaAsset:
    """Copy a checked file into storage and record it (the caller has validated it)."""
    from socialmuse.services.brands import load_brand
    from socialmuse.services.permissions import Action

    load_brand(session, actor=actor, brand_id=brand_id, action=Action.POST_CREATE)
    sha = _digest(file.path)
    existing = session.exec(
        select(MediaAsset).where(
            MediaAsset.organization_id == actor.organization_id,
            MediaAsset.sha256 == sha,
            MediaAsset.alt_text == file.alt_text,
        )
    ).first()
    if existing is not None:
        return existing
    key = f"{actor.organization_id}/{sha}{_EXTENSIONS.get(file.content_type, '')}"
    target = media_root() / key
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        partial = target.with_suffix(target.suffix + ".part")
        shutil.copyfile(file.path, partial)
        partial.replace(target)
    asset = MediaAsset(
        organization_id=actor.organization_id,
        brand_id=brand_id,
        uploaded_by_user_id=actor.user_id or None,
        kind=_kind(file.content_type),
        filename=file.path.name[:255],
        content_type=file.content_type,
        size_bytes=file.size_bytes,
        sha256=sha,
        storage_backend="local",
        storage_key=key,
        alt_text=file.alt_text,
    )
    session.add(asset)
    session.flush()
    return asset


def files_from_paths(paths: Sequence[Path]) -> tuple[MediaFile, ...]:
    return tuple(media_file_from_path(Path(p)) for p in paths)


def attach(session: Session, *, post_id: int, assets: Sequence[MediaAsset]) -> None:
    for position, asset in enumerate(assets):
        session.add(PostMedia(post_id=post_id, media_id=asset.id or 0, position=position))


def post_media(session: Session, post_id: int) -> tuple[MediaFile, ...]:
    """The post's media as adapters need them, in order."""
    rows = session.exec(
        select(MediaAsset)
        .join(PostMedia, col(PostMedia.media_id) == col(MediaAsset.id))
        .where(PostMedia.post_id == post_id)
        .order_by(col(PostMedia.position))
    ).all()
    return _as_files(rows)


def asset_files(session: Session, asset_ids: Sequence[int]) -> tuple[MediaFile, ...]:
    """Library assets by id, in the given order (a per-network media override)."""
    found = {
        a.id: a
        for a in session.exec(select(MediaAsset).where(col(MediaAsset.id).in_(list(asset_ids))))
    }
    return _as_files([found[i] for i in asset_ids if i in found])


def _as_files(rows: Sequence[MediaAsset]) -> tuple[MediaFile, ...]:
    return tuple(
        MediaFile(
            path=media_root() / a.storage_key,
            content_type=a.content_type,
            size_bytes=a.size_bytes,
            alt_text=a.alt_text,
            width=a.width,
            height=a.height,
            duration_ms=a.duration_ms,
        )
        for a in rows
    )
