"""The media library: upload, describe, organise, find, and retire a brand's media.

Every function takes an ``actor`` and works inside one brand of the actor's organization
(their brand scope applies). Uploads are judged by their bytes: the type is sniffed, the size
is held to what at least one network accepts for that kind (``LIMITS``, derived from
``platforms/rules``), and pictures must decode. The same bytes uploaded again to a brand
return the asset already there (``duplicate=True``); across brands of one organization the
bytes are still stored once.

"Used in N posts" counts posts attaching the asset (``PostMedia``) and posts whose
per-account variant picks it (``PostTarget.media_override``). An asset still needed by a post
that has yet to go out cannot be archived or deleted; the refusal names those posts.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Text, cast, func, or_
from sqlmodel import Session, col, select

from socialmuse.models import MediaAsset, MediaFolder, Post, PostMedia, PostTarget, utcnow
from socialmuse.models.enums import MediaKind, Platform, PostStatus, TargetStatus
from socialmuse.platforms.base import MediaFile
from socialmuse.platforms.rules.networks import GIF, MB, RULES
from socialmuse.services import audit, media, storage
from socialmuse.services.brands import load_brand
from socialmuse.services.errors import DomainError, NotFound, ValidationError
from socialmuse.services.media_probe import TYPE_LABELS, human_size, sniff
from socialmuse.services.permissions import Action, Actor, can

logger = logging.getLogger(__name__)

_REAL_NETWORKS = [r.media for p, r in RULES.items() if p is not Platform.SANDBOX]
# The biggest file of each kind that at least one network accepts: anything larger could
# never be published, so the library refuses it at the door.
LIMITS: dict[MediaKind, int] = {
    MediaKind.IMAGE: max(m.max_image_bytes for m in _REAL_NETWORKS),
    MediaKind.GIF: max(
        m.max_gif_bytes or (m.max_image_bytes if GIF in m.image_types else 0)
        for m in _REAL_NETWORKS
    ),
    MediaKind.VIDEO: max(m.max_video_bytes for m in _REAL_NETWORKS),
    # LinkedIn document posts: PDF up to 100 MB (platform-contracts.md, LinkedIn documents).
    MediaKind.DOCUMENT: 100 * MB,
}
KIND_NAMES = {
    MediaKind.IMAGE: "images",
    MediaKind.GIF: "GIFs",
    MediaKind.VIDEO: "videos",
    MediaKind.DOCUMENT: "PDF documents",
}
ACCEPTED = media.ACCEPTED_TYPES
MAX_ALT_TEXT = 1500
MAX_TAGS = 20
MAX_TAG_LENGTH = 40
MAX_FOLDER_LENGTH = 120
PAGE_LIMIT = 200
# Posts in these states have yet to go out: their media must stay available.
_PENDING_POSTS = (
    PostStatus.IN_REVIEW,
    PostStatus.CHANGES_REQUESTED,
    PostStatus.APPROVED,
    PostStatus.SCHEDULED,
    PostStatus.PUBLISHING,
)
_PENDING_TARGETS = (TargetStatus.SCHEDULED, TargetStatus.QUEUED, TargetStatus.PUBLISHING)


class MediaAssetPublic(BaseModel):
    """One asset as doors show it; URLs are signed and expire (re-read them per page load)."""

    id: int
    brand_id: int | None
    kind: MediaKind
    filename: str
    content_type: str
    type_label: str
    size_bytes: int
    size_label: str
    width: int | None
    height: int | None
    duration_ms: int | None
    alt_text: str
    folder: str
    tags: list[str]
    url: str
    thumbnail_url: str
    used_in: int
    created_at: datetime
    archived: bool
    duplicate: bool = False


class MediaPage(BaseModel):
    items: list[MediaAssetPublic]
    total: int
    limit: int
    offset: int


class MediaFolderPublic(BaseModel):
    name: str
    count: int


class PostUse(BaseModel):
    """A post that uses an asset, for the "used in N posts" list."""

    post_id: int
    status: PostStatus
    excerpt: str
    scheduled_at: datetime | None
    pending: bool


def _clean_tags(tags: Iterable[str]) -> list[str]:
    """Trimmed, lower-cased, ``#``-less, de-duplicated tags in the order given."""
    seen: list[str] = []
    for raw in tags:
        tag = raw.strip().lstrip("#").strip().lower()
        if not tag or tag in seen:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise ValidationError(
                f"Tags are at most {MAX_TAG_LENGTH} characters; '{tag[:20]}…' is longer.",
                field="tags",
            )
        seen.append(tag)
    if len(seen) > MAX_TAGS:
        raise ValidationError(f"An asset may have up to {MAX_TAGS} tags.", field="tags")
    return seen


def parse_tags(text: str) -> list[str]:
    """Tags typed as one line, separated by commas (what the UI's tag field sends)."""
    return _clean_tags(text.split(","))


def _clean_folder(name: str) -> str:
    """A folder name: one level, trimmed; empty means the library's top level."""
    folder = " ".join(name.replace("/", " ").split())
    if len(folder) > MAX_FOLDER_LENGTH:
        raise ValidationError(
            f"Folder names are at most {MAX_FOLDER_LENGTH} characters.", field="folder"
        )
    return folder


def _clean_alt(alt_text: str) -> str:
    alt = alt_text.strip()
    if len(alt) > MAX_ALT_TEXT:
        raise ValidationError(
            f"Alt text is at most {MAX_ALT_TEXT:,} characters (it has {len(alt):,}); networks "
            "cut longer descriptions.",
            field="alt_text",
        )
    return alt


def check_upload(filename: str, data: bytes, *, size: int | None = None) -> str:
    """The sniffed content type of an acceptable upload; ValidationError saying why not.

    ``data`` may be only the file's first kilobyte when ``size`` gives the whole size, so a
    door can refuse a huge file before reading it all.
    """
    name = filename or "The file"
    size = len(data) if size is None else size
    if not data or not size:
        raise ValidationError(f"{name} is empty.", field="file")
    content_type = sniff(data)
    if content_type not in ACCEPTED:
        raise ValidationError(
            f"{name} is not a supported file: the library takes JPEG, PNG, GIF and WebP images, "
            "MP4 and MOV videos, and PDF documents (judged by the file's content, not its name).",
            field="file",
        )
    kind = media.kind_of(content_type)
    if size > LIMITS[kind]:
        # Exact bytes when rounding would make the file look within the limit.
        said = f"{size:,} bytes" if size < LIMITS[kind] * 1.1 else human_size(size)
        raise ValidationError(
            f"{name} is {said}; {KIND_NAMES[kind]} can be up to "
            f"{human_size(LIMITS[kind])} (the most any network accepts).",
            field="file",
        )
    return content_type


def _load_asset(session: Session, actor: Actor, asset_id: int, action: Action) -> MediaAsset:
    """An asset of the actor's organization and brand scope; anything else is not found."""
    asset = session.get(MediaAsset, asset_id)
    if asset is None or asset.organization_id != actor.organization_id:
        raise NotFound("That media file does not exist.", field="asset")
    if asset.brand_id is not None:
        load_brand(session, actor=actor, brand_id=asset.brand_id, action=action)
    elif not can(actor, action, organization_id=asset.organization_id):
        raise NotFound("That media file does not exist.", field="asset")
    return asset


def _usage_posts(session: Session, asset: MediaAsset) -> dict[int, Post]:
    """Posts attaching the asset or choosing it for one account, by id."""
    attached = select(PostMedia.post_id).where(PostMedia.media_id == asset.id)
    posts = {
        p.id or 0: p
        for p in session.exec(
            select(Post).where(
                col(Post.id).in_(attached), Post.organization_id == asset.organization_id
            )
        ).all()
    }
    overrides = session.exec(
        select(PostTarget.post_id, PostTarget.media_override).where(
            PostTarget.organization_id == asset.organization_id,
            col(PostTarget.media_override).is_not(None),
        )
    ).all()
    wanted = {post_id for post_id, ids in overrides if ids and asset.id in ids} - set(posts)
    if wanted:
        for post in session.exec(select(Post).where(col(Post.id).in_(wanted))).all():
            posts[post.id or 0] = post
    return posts


def _usage_counts(session: Session, organization_id: int, ids: Sequence[int]) -> dict[int, int]:
    """How many posts use each asset, in two queries for a whole page of assets."""
    counts: dict[int, set[int]] = {i: set() for i in ids}
    if not ids:
        return {}
    for media_id, post_id in session.exec(
        select(PostMedia.media_id, PostMedia.post_id).where(col(PostMedia.media_id).in_(ids))
    ).all():
        counts[media_id].add(post_id)
    for post_id, chosen in session.exec(
        select(PostTarget.post_id, PostTarget.media_override).where(
            PostTarget.organization_id == organization_id,
            col(PostTarget.media_override).is_not(None),
        )
    ).all():
        for media_id in chosen or ():
            if media_id in counts:
                counts[media_id].add(post_id)
    return {i: len(posts) for i, posts in counts.items()}


def _pending_ids(session: Session, posts: dict[int, Post]) -> set[int]:
    pending = {i for i, p in posts.items() if p.status in _PENDING_POSTS}
    if posts:
        pending |= set(
            session.exec(
                select(PostTarget.post_id).where(
                    col(PostTarget.post_id).in_(list(posts)),
                    col(PostTarget.status).in_(_PENDING_TARGETS),
                )
            ).all()
        )
    return pending


def _public(asset: MediaAsset, used_in: int, *, duplicate: bool = False) -> MediaAssetPublic:
    return MediaAssetPublic(
        id=asset.id or 0,
        brand_id=asset.brand_id,
        kind=asset.kind,
        filename=asset.filename,
        content_type=asset.content_type,
        type_label=TYPE_LABELS.get(asset.content_type, asset.content_type),
        size_bytes=asset.size_bytes,
        size_label=human_size(asset.size_bytes),
        width=asset.width,
        height=asset.height,
        duration_ms=asset.duration_ms,
        alt_text=asset.alt_text,
        folder=asset.folder,
        tags=list(asset.tags or []),
        url=media.asset_url(asset),
        thumbnail_url=media.thumbnail_url(asset),
        used_in=used_in,
        created_at=asset.created_at,
        archived=asset.archived_at is not None,
        duplicate=duplicate,
    )


def _ensure_folder(session: Session, organization_id: int, brand_id: int, name: str) -> None:
    if not name:
        return
    exists = session.exec(
        select(MediaFolder.id).where(MediaFolder.brand_id == brand_id, MediaFolder.name == name)
    ).first()
    if exists is None:
        session.add(MediaFolder(organization_id=organization_id, brand_id=brand_id, name=name))
        session.flush()


def upload(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    filename: str,
    data: bytes,
    alt_text: str = "",
    folder: str = "",
    tags: Sequence[str] = (),
) -> MediaAssetPublic:
    """Add a file to the brand's library, or return the asset already holding these bytes."""
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.POST_CREATE)
    name = " ".join(filename.replace("\\", "/").rsplit("/", 1)[-1].split())[:255] or "upload"
    content_type = check_upload(name, data)
    alt, folder, tag_list = _clean_alt(alt_text), _clean_folder(folder), _clean_tags(tags)
    sha = hashlib.sha256(data).hexdigest()
    existing = session.exec(
        select(MediaAsset).where(
            MediaAsset.organization_id == actor.organization_id,
            MediaAsset.brand_id == brand_id,
            MediaAsset.sha256 == sha,
        )
    ).first()
    if existing is not None:
        if existing.archived_at is not None:
            existing.archived_at = None
            session.add(existing)
            session.flush()
        used = _usage_counts(session, actor.organization_id, [existing.id or 0])
        return _public(existing, used.get(existing.id or 0, 0), duplicate=True)
    try:
        asset = media.new_asset(
            organization_id=actor.organization_id,
            brand_id=brand_id,
            user_id=actor.user_id,
            filename=name,
            data=data,
            content_type=content_type,
            alt_text=alt,
            folder=folder,
            tags=tag_list,
        )
    except storage.StorageError:
        logger.exception("media storage refused an upload")
        raise DomainError(
            f"{name} could not be stored: the media storage did not answer. Try again in a "
            "moment; if it keeps failing, tell your administrator.",
            field="file",
        ) from None
    session.add(asset)
    _ensure_folder(session, actor.organization_id, brand_id, folder)
    session.flush()
    audit.record_for(
        session,
        actor,
        "media.uploaded",
        target_type="media",
        target_id=asset.id,
        details={"filename": name, "kind": asset.kind.value, "bytes": len(data)},
    )
    return _public(asset, 0)


def get_asset(session: Session, *, actor: Actor, asset_id: int) -> MediaAssetPublic:
    asset = _load_asset(session, actor, asset_id, Action.BRAND_VIEW)
    used = _usage_counts(session, actor.organization_id, [asset_id])
    return _public(asset, used.get(asset_id, 0))


def list_assets(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    query: str = "",
    folder: str | None = None,
    tag: str | None = None,
    kind: MediaKind | str | None = None,
    archived: bool = False,
    limit: int = 60,
    offset: int = 0,
) -> MediaPage:
    """One page of the brand's library, newest first.

    ``query`` matches file names, alt text and tags (case-insensitive); ``folder`` "" is the
    top level, None every folder; ``archived`` shows the archive instead of the library.
    """
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    limit = max(1, min(limit, PAGE_LIMIT))
    filters: list[ColumnElement[bool]] = [
        col(MediaAsset.organization_id) == actor.organization_id,
        col(MediaAsset.brand_id) == brand_id,
        col(MediaAsset.archived_at).is_not(None)
        if archived
        else col(MediaAsset.archived_at).is_(None),
    ]
    if folder is not None:
        filters.append(col(MediaAsset.folder) == _clean_folder(folder))
    if kind:
        try:
            filters.append(col(MediaAsset.kind) == MediaKind(kind))
        except ValueError:
            raise ValidationError(f"Unknown kind of media: {kind}.", field="kind") from None
    # Tags are a JSON list; its text form holds each tag in quotes, lower-cased on the way in.
    tags_text = func.lower(func.coalesce(cast(MediaAsset.tags, Text), ""))
    wanted_tag = _clean_tags([tag or ""])
    if wanted_tag:
        filters.append(tags_text.contains(f'"{wanted_tag[0]}"', autoescape=True))
    for word in query.lower().split():
        filters.append(
            or_(
                func.lower(MediaAsset.filename).contains(word, autoescape=True),
                func.lower(MediaAsset.alt_text).contains(word, autoescape=True),
                tags_text.contains(word, autoescape=True),
            )
        )
    total = session.exec(select(func.count()).select_from(MediaAsset).where(*filters)).one()
    rows = session.exec(
        select(MediaAsset)
        .where(*filters)
        .order_by(col(MediaAsset.created_at).desc(), col(MediaAsset.id).desc())
        .limit(limit)
        .offset(max(0, offset))
    ).all()
    used = _usage_counts(session, actor.organization_id, [a.id or 0 for a in rows])
    return MediaPage(
        items=[_public(a, used.get(a.id or 0, 0)) for a in rows],
        total=int(total),
        limit=limit,
        offset=max(0, offset),
    )


def update_asset(
    session: Session,
    *,
    actor: Actor,
    asset_id: int,
    alt_text: str | None = None,
    folder: str | None = None,
    tags: Sequence[str] | None = None,
) -> MediaAssetPublic:
    """Change an asset's description, folder or tags (None leaves a field as it is)."""
    asset = _load_asset(session, actor, asset_id, Action.POST_CREATE)
    if alt_text is not None:
        asset.alt_text = _clean_alt(alt_text)
    if folder is not None:
        asset.folder = _clean_folder(folder)
        if asset.brand_id is not None:
            _ensure_folder(session, asset.organization_id, asset.brand_id, asset.folder)
    if tags is not None:
        asset.tags = _clean_tags(tags)
    session.add(asset)
    session.flush()
    return get_asset(session, actor=actor, asset_id=asset_id)


def move_assets(
    session: Session, *, actor: Actor, asset_ids: Sequence[int], folder: str
) -> list[MediaAssetPublic]:
    """Put several assets into one folder ("" for the top level)."""
    return [update_asset(session, actor=actor, asset_id=i, folder=folder) for i in asset_ids]


def asset_usage(session: Session, *, actor: Actor, asset_id: int) -> list[PostUse]:
    """The posts using an asset, newest first; ``pending`` marks those yet to go out."""
    asset = _load_asset(session, actor, asset_id, Action.BRAND_VIEW)
    posts = _usage_posts(session, asset)
    pending = _pending_ids(session, posts)
    ordered = sorted(posts.values(), key=lambda p: p.id or 0, reverse=True)
    return [
        PostUse(
            post_id=p.id or 0,
            status=p.status,
            excerpt=p.text if len(p.text) <= 80 else p.text[:79] + "…",
            scheduled_at=p.scheduled_at,
            pending=(p.id or 0) in pending,
        )
        for p in ordered
    ]


def usage_count(session: Session, *, actor: Actor, asset_id: int) -> int:
    """How many posts use the asset (attached, or chosen for one account)."""
    _load_asset(session, actor, asset_id, Action.BRAND_VIEW)
    return _usage_counts(session, actor.organization_id, [asset_id]).get(asset_id, 0)


def _refuse_if_pending(session: Session, asset: MediaAsset, doing: str) -> None:
    posts = _usage_posts(session, asset)
    pending = sorted(_pending_ids(session, posts))
    if pending:
        named = ", ".join(f"#{i}" for i in pending[:5]) + (" and more" if len(pending) > 5 else "")
        noun = "post" if len(pending) == 1 else "posts"
        raise ValidationError(
            f"{asset.filename} cannot be {doing}: it is used by {len(pending)} {noun} still "
            f"waiting to be published ({named}). Remove it from those posts or wait until "
            "they are out.",
            field="asset",
        )


def archive_asset(session: Session, *, actor: Actor, asset_id: int) -> MediaAssetPublic:
    """Hide an asset from the library and the picker; published posts keep their media."""
    asset = _load_asset(session, actor, asset_id, Action.POST_CREATE)
    if asset.archived_at is None:
        _refuse_if_pending(session, asset, "archived")
        asset.archived_at = utcnow()
        session.add(asset)
        session.flush()
        audit.record_for(
            session, actor, "media.archived", target_type="media", target_id=asset.id, details={}
        )
    return get_asset(session, actor=actor, asset_id=asset_id)


def restore_asset(session: Session, *, actor: Actor, asset_id: int) -> MediaAssetPublic:
    asset = _load_asset(session, actor, asset_id, Action.POST_CREATE)
    asset.archived_at = None
    session.add(asset)
    session.flush()
    return get_asset(session, actor=actor, asset_id=asset_id)


def delete_asset(session: Session, *, actor: Actor, asset_id: int) -> None:
    """Remove an unused asset for good (its bytes too, unless another asset shares them)."""
    asset = _load_asset(session, actor, asset_id, Action.POST_CREATE)
    _refuse_if_pending(session, asset, "deleted")
    used = _usage_counts(session, actor.organization_id, [asset_id]).get(asset_id, 0)
    if used:
        raise ValidationError(
            f"{asset.filename} is part of {used} published or draft post"
            f"{'s' if used != 1 else ''}; archive it instead, so those posts keep their media.",
            field="asset",
        )
    others = session.exec(
        select(func.count())
        .select_from(MediaAsset)
        .where(MediaAsset.storage_key == asset.storage_key, MediaAsset.id != asset.id)
    ).one()
    backend, keys = asset.storage_backend, [asset.storage_key, asset.thumbnail_key]
    filename = asset.filename
    session.delete(asset)
    session.flush()
    audit.record_for(
        session,
        actor,
        "media.deleted",
        target_type="media",
        target_id=asset_id,
        details={"filename": filename},
    )
    if not others:
        store = storage.storage_for(backend)
        for key in keys:
            if key:
                store.delete(key)


def list_folders(session: Session, *, actor: Actor, brand_id: int) -> list[MediaFolderPublic]:
    """The brand's folders (created ones and any an asset names), with live asset counts."""
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    counts = dict(
        session.exec(
            select(MediaAsset.folder, func.count())
            .where(
                MediaAsset.organization_id == actor.organization_id,
                MediaAsset.brand_id == brand_id,
                col(MediaAsset.archived_at).is_(None),
                MediaAsset.folder != "",
            )
            .group_by(MediaAsset.folder)
        ).all()
    )
    names = set(counts) | set(
        session.exec(
            select(MediaFolder.name).where(
                MediaFolder.organization_id == actor.organization_id,
                MediaFolder.brand_id == brand_id,
            )
        ).all()
    )
    return [MediaFolderPublic(name=n, count=counts.get(n, 0)) for n in sorted(names, key=str.lower)]


def list_tags(session: Session, *, actor: Actor, brand_id: int) -> list[MediaFolderPublic]:
    """The tags used in the brand's library (not archived), with how many files carry each."""
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    counts: dict[str, int] = {}
    for tags in session.exec(
        select(MediaAsset.tags).where(
            MediaAsset.organization_id == actor.organization_id,
            MediaAsset.brand_id == brand_id,
            col(MediaAsset.archived_at).is_(None),
        )
    ).all():
        for tag in tags or ():
            counts[tag] = counts.get(tag, 0) + 1
    return [MediaFolderPublic(name=t, count=n) for t, n in sorted(counts.items())]


def create_folder(session: Session, *, actor: Actor, brand_id: int, name: str) -> MediaFolderPublic:
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.POST_CREATE)
    folder = _clean_folder(name)
    if not folder:
        raise ValidationError("Give the folder a name.", field="folder")
    if folder in {f.name for f in list_folders(session, actor=actor, brand_id=brand_id)}:
        raise ValidationError(f"There is already a folder called {folder}.", field="folder")
    _ensure_folder(session, actor.organization_id, brand_id, folder)
    return MediaFolderPublic(name=folder, count=0)


def rename_folder(
    session: Session, *, actor: Actor, brand_id: int, name: str, new_name: str
) -> MediaFolderPublic:
    """Rename a folder; every asset in it (archived ones too) follows."""
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.POST_CREATE)
    old, new = _clean_folder(name), _clean_folder(new_name)
    existing = {f.name for f in list_folders(session, actor=actor, brand_id=brand_id)}
    if old not in existing:
        raise NotFound(f"There is no folder called {old}.", field="folder")
    if not new:
        raise ValidationError("Give the folder a name.", field="new_name")
    if new != old and new in existing:
        raise ValidationError(f"There is already a folder called {new}.", field="new_name")
    assets = session.exec(
        select(MediaAsset).where(
            MediaAsset.organization_id == actor.organization_id,
            MediaAsset.brand_id == brand_id,
            MediaAsset.folder == old,
        )
    ).all()
    for asset in assets:
        asset.folder = new
        session.add(asset)
    row = session.exec(
        select(MediaFolder).where(MediaFolder.brand_id == brand_id, MediaFolder.name == old)
    ).first()
    if row is None:
        row = MediaFolder(organization_id=actor.organization_id, brand_id=brand_id, name=new)
    row.name = new
    session.add(row)
    session.flush()
    live = sum(1 for a in assets if a.archived_at is None)
    return MediaFolderPublic(name=new, count=live)


def delete_folder(session: Session, *, actor: Actor, brand_id: int, name: str) -> None:
    """Remove an empty folder (move or archive what is in it first)."""
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.POST_CREATE)
    folder = _clean_folder(name)
    inside = session.exec(
        select(func.count())
        .select_from(MediaAsset)
        .where(
            MediaAsset.organization_id == actor.organization_id,
            MediaAsset.brand_id == brand_id,
            MediaAsset.folder == folder,
            col(MediaAsset.archived_at).is_(None),
        )
    ).one()
    if inside:
        raise ValidationError(
            f"{folder} still holds {inside} file{'s' if inside != 1 else ''}; move them first.",
            field="folder",
        )
    row = session.exec(
        select(MediaFolder).where(MediaFolder.brand_id == brand_id, MediaFolder.name == folder)
    ).first()
    if row is not None:
        session.delete(row)
        session.flush()


def load_assets(
    session: Session, *, actor: Actor, brand_id: int, asset_ids: Sequence[int]
) -> list[MediaAsset]:
    """The chosen assets in the given order, for attaching to a post of ``brand_id``.

    Refuses ids of other brands or organizations (not found) and archived assets.
    """
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.POST_CREATE)
    chosen: list[MediaAsset] = []
    for asset_id in dict.fromkeys(asset_ids):
        asset = _load_asset(session, actor, asset_id, Action.POST_CREATE)
        if asset.brand_id not in (None, brand_id):
            raise NotFound("That media file does not exist.", field="media")
        if asset.archived_at is not None:
            raise ValidationError(
                f"{asset.filename} is archived; restore it from the media library first.",
                field="media",
            )
        chosen.append(asset)
    return chosen


def media_files(
    session: Session, *, actor: Actor, brand_id: int, asset_ids: Sequence[int]
) -> tuple[MediaFile, ...]:
    """The chosen assets as network rules check them (type, size, alt text, dimensions)."""
    return tuple(
        media.media_file(a)
        for a in load_assets(session, actor=actor, brand_id=brand_id, asset_ids=asset_ids)
    )
