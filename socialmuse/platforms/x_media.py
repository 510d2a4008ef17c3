"""Media upload v2 for X: initialize, append in chunks, finalize, then wait for processing.

Images are ready at finalize. Videos and GIFs report ``processing_info``; we poll
``GET /2/media/upload?command=STATUS`` after each ``check_after_secs`` until ``succeeded``,
for at most ``media_processing_timeout`` seconds of waiting (counted from the waits asked
for, so an injected no-op sleep still ends). ``failed`` is final (X's own words);
still processing at the deadline is Transient: an upload that never gets attached publishes
nothing, so trying the whole post again later is safe.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from socialmuse.platforms.base import AccountContext, MediaFile, Rejected, Transient
from socialmuse.platforms.x_api import NAME

if TYPE_CHECKING:
    from socialmuse.platforms.x_connect import XConnect

CHUNK = 4 * 1024 * 1024
MAX_POLLS = 120


def media_category(media: MediaFile) -> str:
    if media.content_type == "image/gif":
        return "tweet_gif"
    if media.content_type.startswith("video/"):
        return "tweet_video"
    return "tweet_image"


def upload(adapter: XConnect, account: AccountContext, media: MediaFile) -> str:
    """Upload one file (and its alt text); the media id once X can attach it."""
    start = {
        "media_type": media.content_type,
        "total_bytes": media.path.stat().st_size,
        "media_category": media_category(media),
    }
    data = adapter._call(account, "POST", "/2/media/upload/initialize", "media", json=start)
    media_id = str(data.json()["data"]["id"])
    with media.path.open("rb") as handle:
        index = 0
        while chunk := handle.read(CHUNK):
            adapter._call(
                account,
                "POST",
                f"/2/media/upload/{media_id}/append",
                "media",
                data={"segment_index": str(index)},
                files={"media": (media.path.name, chunk, "application/octet-stream")},
                timeout=adapter._upload_timeout,
            )
            index += 1
    final = adapter._call(account, "POST", f"/2/media/upload/{media_id}/finalize", "media")
    info = final.json()["data"].get("processing_info")
    if info:
        _wait(adapter, account, media_id, media.path.name, info)
    if media.alt_text:
        body = {"id": media_id, "metadata": {"alt_text": {"text": media.alt_text}}}
        adapter._call(account, "POST", "/2/media/metadata", "media", json=body)
    return media_id


def _wait(
    adapter: XConnect, account: AccountContext, media_id: str, name: str, info: dict[str, Any]
) -> None:
    waited = 0.0
    for _ in range(MAX_POLLS):
        state = info.get("state")
        if state == "succeeded":
            return
        if state == "failed":
            said = (info.get("error") or {}).get("message") or "processing failed"
            raise Rejected(
                f"{NAME} could not process {name}: {said}. Try another file or format.",
                code="media_failed",
                platform_message=said,
            )
        delay = float(info.get("check_after_secs") or 1)
        if waited + delay > adapter.media_processing_timeout:
            break
        adapter._sleep(delay)
        waited += delay
        params = {"command": "STATUS", "media_id": media_id}
        status = adapter._call(account, "GET", "/2/media/upload", "read", params=params)
        info = status.json()["data"].get("processing_info") or {"state": "succeeded"}
    raise Transient(
        f"{NAME} is still processing {name}; publishing again later will retry.",
        code="media_processing",
    )
