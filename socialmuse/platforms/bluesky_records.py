"""Post records at keys derived from idempotency keys, so a retry can never duplicate.

Every record key is a TID computed from the idempotency key (contracts §8.8), written with
``putRecord``. ``write_post`` reads that key first and returns what is already there; only
a missing record is built (facets, uploaded images) and written. So a post saved by an
attempt whose answer was lost is found, not written twice, and a late write of an earlier
attempt can only land on the same record key, never add a second post. ``createdAt`` is
the time of the write that creates the record (a time derived from the key would show the
post at a made-up date); the record key, not byte-identical bodies, is the guard.
"""

from __future__ import annotations

import hashlib
from typing import Any

from socialmuse.platforms.base import AccountContext, MediaFile, Rejected
from socialmuse.platforms.bluesky_facets import detect_facets
from socialmuse.platforms.bluesky_xrpc import NETWORK, Xrpc, error_of, raise_for, service_of

POST = "app.bsky.feed.post"
MAX_IMAGES = 4
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
TID_EPOCH_US = 1_672_531_200_000_000  # 2023-01-01T00:00:00Z
TID_SPAN_US = 1 << 46  # about 2.2 years of microseconds


def record_key(idempotency_key: str) -> str:
    """The TID record key an idempotency key always maps to (13 chars, valid, sortable).

    Timestamp and clock id come from a hash of the key, not from the clock: the same key
    must give the same key in another process, days later, after a crash.
    """
    n = int.from_bytes(hashlib.sha256(idempotency_key.encode()).digest()[:8], "big")
    micros = TID_EPOCH_US + (n >> 10) % TID_SPAN_US
    value = (micros << 10) | (n & 0x3FF)
    return "".join(TID_ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def part_key(idempotency_key: str, part: int) -> str:
    """The key of thread part ``part`` (1 = the second post)."""
    return f"{idempotency_key}:part:{part}"


def comment_key(idempotency_key: str) -> str:
    return f"{idempotency_key}:comment"


def split_at_uri(uri: str) -> tuple[str, str, str]:
    """``at://did/collection/rkey`` → its three parts (Rejected when it is not one)."""
    parts = uri.removeprefix("at://").split("/")
    if not uri.startswith("at://") or len(parts) != 3 or not all(parts):
        raise Rejected(f"{uri!r} is not a {NETWORK} post id", code="bad_id")
    return parts[0], parts[1], parts[2]


def get_post(xrpc: Xrpc, account: AccountContext, did: str, rkey: str) -> dict[str, Any] | None:
    """``{uri, cid, value}`` of the post at ``rkey``, or None when the repo has none there."""
    response = xrpc.call(
        account,
        "GET",
        "com.atproto.repo.getRecord",
        params={"repo": did, "collection": POST, "rkey": rkey},
    )
    if response.status_code in (400, 404) and error_of(response)[0] in ("RecordNotFound", ""):
        return None
    raise_for(response, write=False)
    found: dict[str, Any] = response.json()
    return found


def upload_blob(xrpc: Xrpc, account: AccountContext, media: MediaFile) -> dict[str, Any]:
    """Raw bytes with their own Content-Type (not multipart) → the blob ref to embed."""
    body = xrpc.json(
        account,
        "POST",
        "com.atproto.repo.uploadBlob",
        content=media.path.read_bytes(),
        headers={"Content-Type": media.content_type},
    )
    blob: dict[str, Any] = body["blob"]
    return blob


def _aspect(media: MediaFile) -> dict[str, int] | None:
    if media.width and media.height:
        return {"width": media.width, "height": media.height}
    return None


def build_embed(
    xrpc: Xrpc, account: AccountContext, media: tuple[MediaFile, ...]
) -> dict[str, Any]:
    """Images (≤4, alt text always present) or one video, uploaded now."""
    videos = [m for m in media if m.content_type.startswith("video/")]
    if videos:
        if len(media) > 1:
            raise Rejected(
                f"A {NETWORK} post takes one video and nothing beside it", code="media_mix"
            )
        embed: dict[str, Any] = {
            "$type": "app.bsky.embed.video",
            "video": upload_blob(xrpc, account, videos[0]),
        }
        if videos[0].alt_text:
            embed["alt"] = videos[0].alt_text
        if aspect := _aspect(videos[0]):
            embed["aspectRatio"] = aspect
        return embed
    if len(media) > MAX_IMAGES:
        raise Rejected(f"A {NETWORK} post takes at most {MAX_IMAGES} images", code="too_many_media")
    images = []
    for image in media:
        item: dict[str, Any] = {"image": upload_blob(xrpc, account, image), "alt": image.alt_text}
        if aspect := _aspect(image):
            item["aspectRatio"] = aspect
        images.append(item)
    return {"$type": "app.bsky.embed.images", "images": images}


def resolve_handle(xrpc: Xrpc, account: AccountContext, handle: str) -> str | None:
    """The DID of ``handle``, or None when the network cannot resolve it."""
    response = xrpc.send(
        service_of(account), "GET", "com.atproto.identity.resolveHandle", params={"handle": handle}
    )
    if response.status_code == 400:
        return None
    raise_for(response, write=False)
    did = response.json().get("did")
    return str(did) if did else None


def build_facets(xrpc: Xrpc, account: AccountContext, text: str) -> list[dict[str, Any]]:
    cache: dict[str, str | None] = {}

    def resolve(handle: str) -> str | None:
        if handle not in cache:
            cache[handle] = resolve_handle(xrpc, account, handle)
        return cache[handle]

    return detect_facets(text, resolve)


def write_post(
    xrpc: Xrpc,
    account: AccountContext,
    idempotency_key: str,
    text: str,
    *,
    created_at: str,
    media: tuple[MediaFile, ...] = (),
    reply: tuple[dict[str, Any], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The post's strong ref ``{uri, cid}``: the one already at the key, or the one written."""
    did = account.credentials["did"]
    rkey = record_key(idempotency_key)
    existing = get_post(xrpc, account, did, rkey)
    if existing is not None:
        return {"uri": existing["uri"], "cid": existing["cid"]}
    record: dict[str, Any] = {"$type": POST, "text": text, "createdAt": created_at}
    if facets := build_facets(xrpc, account, text):
        record["facets"] = facets
    if reply is not None:
        root, parent = reply
        record["reply"] = {
            "root": {"uri": root["uri"], "cid": root["cid"]},
            "parent": {"uri": parent["uri"], "cid": parent["cid"]},
        }
    if media:
        record["embed"] = build_embed(xrpc, account, media)
    written = xrpc.json(
        account,
        "POST",
        "com.atproto.repo.putRecord",
        write=True,
        json={"repo": did, "collection": POST, "rkey": rkey, "record": record},
    )
    return {"uri": written["uri"], "cid": written["cid"]}
