"""Media bytes: storing them (content-addressed), reading them back for publishing, and links.

Bytes are stored once per organization under ``{org}/{sha256}{ext}`` in the configured
backend (``services.storage``: local disk by default, or S3). Types come from the bytes
(``media_probe.sniff``), never the file name. Adapters read files from a path, so media held
in S3 are fetched into a local cache (``DATA_DIR/media-cache``) before publishing.

Links: the browser and networks that fetch media themselves (Instagram, Threads) get a URL.
S3 with a public base URL or presigned GETs serves itself; otherwise
``GET /api/v1/media/{token}`` streams the bytes, the token being an HMAC-signed, expiring
reference to one stored object (keyed from SECRET_KEY, so it cannot be forged or extended).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from socialmuse.models import MediaAsset, PostMedia
from socialmuse.models.enums import MediaKind
from socialmuse.platforms.base import MediaFile
from socialmuse.services import storage
from socialmuse.services.media_probe import PDF, THUMB_TYPE, probe
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
    PDF: ".pdf",
}

ACCEPTED_TYPES = frozenset(_EXTENSIONS)
"""Every type the library stores."""

MEDIA_ROUTE = "/api/v1/media"
# How long links stay valid: pages re-sign on every load; networks fetch within minutes.
BROWSER_LINK_S = 6 * 3600
NETWORK_LINK_S = 24 * 3600
_TOKEN_PURPOSE = "socialmuse-media-url"


def media_root() -> Path:
    return get_settings().data_dir / "media"


def cache_root() -> Path:
    """Local copies of media held in a remote backend, for adapters that read files."""
    return get_settings().data_dir / "media-cache"


def kind_of(content_type: str) -> MediaKind:
    if content_type == "image/gif":
        return MediaKind.GIF
    if content_type.startswith("video/"):
        return MediaKind.VIDEO
    if content_type.startswith("image/"):
        return MediaKind.IMAGE
    return MediaKind.DOCUMENT


def storage_key(organization_id: int, sha: str, content_type: str) -> str:
    return f"{organization_id}/{sha}{_EXTENSIONS.get(content_type, '')}"


def thumbnail_key(organization_id: int, sha: str) -> str:
    return f"{organization_id}/thumbs/{sha}.jpg"


def new_asset(
    *,
    organization_id: int,
    brand_id: int | None,
    user_id: int | None,
    filename: str,
    data: bytes,
    content_type: str,
    alt_text: str = "",
    folder: str = "",
    tags: Sequence[str] = (),
    strict: bool = True,
) -> MediaAsset:
    """Store checked bytes (and their thumbnail) and build the row; the caller adds it.

    Probing happens first, so an unreadable picture is refused before anything is written
    (``strict``; ``store_file`` keeps what the network rules accepted and gives it a poster).
    Bytes already stored for the organization are not written again.
    """
    facts = probe(data, content_type, filename, strict=strict)
    sha = hashlib.sha256(data).hexdigest()
    backend = storage.default_storage()
    key = storage_key(organization_id, sha, content_type)
    if not backend.exists(key):
        backend.put(key, data, content_type=content_type)
    thumb = thumbnail_key(organization_id, sha)
    if not backend.exists(thumb):
        backend.put(thumb, facts.thumbnail, content_type=THUMB_TYPE)
    return MediaAsset(
        organization_id=organization_id,
        brand_id=brand_id,
        uploaded_by_user_id=user_id or None,
        kind=kind_of(content_type),
        filename=filename[:255],
        content_type=content_type,
        size_bytes=len(data),
        sha256=sha,
        width=facts.width,
        height=facts.height,
        duration_ms=facts.duration_ms,
        storage_backend=backend.name,
        storage_key=key,
        thumbnail_key=thumb,
        alt_text=alt_text,
        folder=folder,
        tags=list(tags),
    )


def store_file(session: Session, *, actor: Actor, brand_id: int, file: MediaFile) -> MediaAsset:
    """Copy a checked file into storage and record it (the caller has validated it).

    The same bytes with the same description reuse the organization's existing asset.
    """
    from socialmuse.services.brands import load_brand
    from socialmuse.services.permissions import Action

    load_brand(session, actor=actor, brand_id=brand_id, action=Action.POST_CREATE)
    data = file.path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    existing = session.exec(
        select(MediaAsset).where(
            MediaAsset.organization_id == actor.organization_id,
            MediaAsset.sha256 == sha,
            MediaAsset.alt_text == file.alt_text,
            col(MediaAsset.archived_at).is_(None),
        )
    ).first()
    if existing is not None:
        return existing
    asset = new_asset(
        organization_id=actor.organization_id,
        brand_id=brand_id,
        user_id=actor.user_id,
        filename=file.path.name,
        data=data,
        content_type=file.content_type,
        alt_text=file.alt_text,
        strict=False,
    )
    session.add(asset)
    session.flush()
    return asset


def files_from_paths(paths: Sequence[Path]) -> tuple[MediaFile, ...]:
    return tuple(media_file_from_path(Path(p)) for p in paths)


def attach(session: Session, *, post_id: int, assets: Sequence[MediaAsset]) -> None:
    for position, asset in enumerate(assets):
        session.add(PostMedia(post_id=post_id, media_id=asset.id or 0, position=position))


_fetch_lock = threading.Lock()


def local_path(backend_name: str, key: str) -> Path:
    """A file on this machine holding the object: the file itself, or a cached copy.

    Cached copies are written atomically and never change (keys are content hashes), so a
    copy fetched once serves every later publish.
    """
    backend = storage.storage_for(backend_name)
    if isinstance(backend, storage.LocalStorage):
        return backend.path(key)
    target = cache_root() / backend.name / storage.check_key(key)
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(storage.partial_name(target.name))
    with _fetch_lock, backend.open(key) as source, partial.open("wb") as out:
        while chunk := source.read(storage.CHUNK):
            out.write(chunk)
    partial.replace(target)
    return target


def media_file(asset: MediaAsset) -> MediaFile:
    """The asset as adapters need it: a readable local path plus its facts."""
    return MediaFile(
        path=local_path(asset.storage_backend, asset.storage_key),
        content_type=asset.content_type,
        size_bytes=asset.size_bytes,
        alt_text=asset.alt_text,
        width=asset.width,
        height=asset.height,
        duration_ms=asset.duration_ms,
    )


def post_media(session: Session, post_id: int) -> tuple[MediaFile, ...]:
    """The post's media as adapters need them, in order."""
    rows = session.exec(
        select(MediaAsset)
        .join(PostMedia, col(PostMedia.media_id) == col(MediaAsset.id))
        .where(PostMedia.post_id == post_id)
        .order_by(col(PostMedia.position))
    ).all()
    return tuple(media_file(a) for a in rows)


def asset_files(session: Session, asset_ids: Sequence[int]) -> tuple[MediaFile, ...]:
    """Library assets by id, in the given order (a per-network media override).

    Callers have already scoped the ids to the organization (they come from its own rows).
    """
    if not asset_ids:
        return ()
    found = {
        a.id: a
        for a in session.exec(select(MediaAsset).where(col(MediaAsset.id).in_(list(asset_ids))))
    }
    return tuple(media_file(found[i]) for i in asset_ids if i in found)


# Signed links ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MediaRef:
    """What a valid token points at."""

    backend: str
    key: str
    content_type: str
    expires_at: int


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _keys() -> list[bytes]:
    settings = get_settings()
    old = [k.strip() for k in settings.old_secret_keys.split(",") if k.strip()]
    return [
        hashlib.sha256(f"{_TOKEN_PURPOSE}:{k}".encode()).digest()
        for k in [settings.secret_key, *old]
    ]


def _sign(payload: str, key: bytes) -> str:
    return _b64(hmac.new(key, payload.encode(), hashlib.sha256).digest())


def sign_token(
    backend: str, key: str, content_type: str, *, expires_s: int, now: float | None = None
) -> str:
    """A URL-safe token naming one stored object until ``now + expires_s``."""
    expires_at = int((time.time() if now is None else now) + expires_s)
    body = json.dumps(
        {"b": backend, "k": storage.check_key(key), "t": content_type, "e": expires_at},
        separators=(",", ":"),
    )
    payload = _b64(body.encode())
    return f"{payload}.{_sign(payload, _keys()[0])}"


def open_token(token: str, *, now: float | None = None) -> MediaRef:
    """The object a token names; ValueError when forged, altered or expired."""
    payload, _, signature = token.partition(".")
    if not payload or not signature:
        raise ValueError("not a media token")
    if not any(hmac.compare_digest(_sign(payload, k), signature) for k in _keys()):
        raise ValueError("media token signature does not match")
    try:
        data = json.loads(_unb64(payload))
        ref = MediaRef(
            backend=str(data["b"]),
            key=storage.check_key(str(data["k"])),
            content_type=str(data["t"]),
            expires_at=int(data["e"]),
        )
    except (KeyError, TypeError, ValueError, json.JSONDecodeError):
        raise ValueError("media token is malformed") from None
    if ref.expires_at < (time.time() if now is None else now):
        raise ValueError("media token has expired")
    return ref


def link(
    backend: str, key: str, content_type: str, *, expires_s: int, absolute: bool = False
) -> str:
    """A URL serving the object: the backend's own (S3) or the signed API route."""
    public = storage.storage_for(backend).public_url(key, expires_s=expires_s)
    if public:
        return public
    path = f"{MEDIA_ROUTE}/{sign_token(backend, key, content_type, expires_s=expires_s)}"
    return f"{get_settings().base_url}{path}" if absolute else path


def asset_url(asset: MediaAsset, *, absolute: bool = False, expires_s: int = BROWSER_LINK_S) -> str:
    """The original file, for the browser (relative) or for someone else (absolute)."""
    return link(
        asset.storage_backend,
        asset.storage_key,
        asset.content_type,
        expires_s=expires_s,
        absolute=absolute,
    )


def thumbnail_url(asset: MediaAsset, *, absolute: bool = False) -> str:
    """The small JPEG the library and picker show (the original when there is none)."""
    if not asset.thumbnail_key:
        return asset_url(asset, absolute=absolute)
    return link(
        asset.storage_backend,
        asset.thumbnail_key,
        THUMB_TYPE,
        expires_s=BROWSER_LINK_S,
        absolute=absolute,
    )


def _stored_ref(path: Path) -> tuple[str, str]:
    """(backend, key) of a path ``local_path`` handed out; ValueError for any other file."""
    resolved = path.resolve()
    local_root = media_root().resolve()
    if resolved.is_relative_to(local_root):
        return "local", resolved.relative_to(local_root).as_posix()
    remote_root = cache_root().resolve()
    if resolved.is_relative_to(remote_root):
        backend, _, key = resolved.relative_to(remote_root).as_posix().partition("/")
        return backend, key
    raise ValueError(f"{path.name} is not in SocialMuse's media storage")


def public_media_url(media: MediaFile) -> str:
    """An absolute URL a network's servers can fetch (Instagram's and Threads' ``media_url``)."""
    backend, key = _stored_ref(media.path)
    return link(backend, key, media.content_type, expires_s=NETWORK_LINK_S, absolute=True)
