"""Media upload v2: initialize → append → finalize → status (platform-contracts §1.3).

Images are usable as soon as they are finalized. Videos and GIFs go ``pending`` at finalize
and report ``processing_info`` with ``check_after_secs``; each status poll moves them on
(``in_progress``, then ``succeeded`` after ``emulator.video_polls`` polls, or ``failed`` when
``emulator.fail_media_processing`` is set). Media expire 24 hours after initialize.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from socialmuse.emulators.x.state import PROBLEMS, Media, User, invalid_request, problem

if TYPE_CHECKING:
    from socialmuse.emulators.x.emulator import XEmulator

MB = 1024 * 1024
CATEGORIES = {  # media_category -> (key prefix, size limit)
    "tweet_image": ("3", 5 * MB),
    "dm_image": ("3", 5 * MB),
    "tweet_gif": ("16", 15 * MB),
    "dm_gif": ("16", 15 * MB),
    "tweet_video": ("7", 512 * MB),
    "dm_video": ("7", 512 * MB),
    "amplify_video": ("13", 512 * MB),
    "subtitles": ("3", 1 * MB),
}
EXPIRY = timedelta(hours=24)


def media_routes(emulator: XEmulator) -> list[BaseRoute]:
    def find(media_id: str, user: User) -> Media | Response:
        media = emulator.media.get(media_id)
        if media is None or media.owner_id != user.id or media.expires_at <= emulator.now():
            return problem(
                404,
                "Not Found Error",
                f"Could not find media with id: [{media_id}].",
                kind=f"{PROBLEMS}/resource-not-found",
            )
        return media

    def described(media: Media) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": media.id,
            "media_key": media.key,
            "size": media.total_bytes,
            "expires_after_secs": max(0, int((media.expires_at - emulator.now()).total_seconds())),
        }
        if media.kind != "photo" or media.state in ("failed",):
            info: dict[str, Any] = {"state": media.state}
            if media.state in ("pending", "in_progress"):
                info["check_after_secs"] = emulator.check_after_secs
                done = emulator.video_polls - media.polls_left
                info["progress_percent"] = min(99, int(100 * done / max(1, emulator.video_polls)))
            elif media.state == "succeeded":
                info["progress_percent"] = 100
            else:
                info["error"] = {
                    "code": 1,
                    "name": "InvalidMedia",
                    "message": "Unsupported video format",
                }
            data["processing_info"] = info
        return data

    async def initialize(request: Request, user: User) -> Response:
        body = await request.json()
        category = str(body.get("media_category") or "tweet_image")
        total = body.get("total_bytes")
        if category not in CATEGORIES:
            return invalid_request(
                f"media_category [{category}] is not one of the allowed values",
                {"media_category": [category]},
            )
        prefix, limit = CATEGORIES[category]
        if not isinstance(total, int) or not 0 < total <= limit:
            return invalid_request(
                f"total_bytes must be between 1 and {limit} for {category}",
                {"total_bytes": [str(total)]},
            )
        with emulator.lock:
            media_id = emulator.new_id()
            media = Media(
                id=media_id,
                key=f"{prefix}_{media_id}",
                owner_id=user.id,
                category=category,
                media_type=str(body.get("media_type") or ""),
                total_bytes=total,
                expires_at=emulator.now() + EXPIRY,
            )
            emulator.media[media_id] = media
        return JSONResponse(
            {"data": {"id": media_id, "media_key": media.key, "expires_after_secs": 86400}}
        )

    async def append(request: Request, user: User) -> Response:
        form = await request.form()
        index = str(form.get("segment_index", ""))
        chunk = form.get("media")
        with emulator.lock:
            media = find(request.path_params["id"], user)
            if not isinstance(media, Media):
                return media
            if not index.isdigit() or not 0 <= int(index) <= 999:
                return invalid_request(
                    "segment_index must be between 0 and 999", {"segment_index": [index]}
                )
            if media.state != "initialized" or chunk is None or isinstance(chunk, str):
                return invalid_request("media must be a file part", {"media": [str(chunk)]})
            data = await chunk.read()
            media.segments[int(index)] = len(data)
            return JSONResponse({"data": {"expires_at": int(media.expires_at.timestamp())}})

    async def finalize(request: Request, user: User) -> Response:
        with emulator.lock:
            media = find(request.path_params["id"], user)
            if not isinstance(media, Media):
                return media
            received = sum(media.segments.values())
            if media.state != "initialized" or received != media.total_bytes:
                return invalid_request(
                    f"File size mismatch: expected {media.total_bytes} bytes, got {received}",
                    {"id": [media.id]},
                )
            if media.kind == "photo":
                media.state = "succeeded"
            else:
                media.state, media.polls_left = "pending", emulator.video_polls
            return JSONResponse({"data": described(media)})

    async def status(request: Request, user: User) -> Response:
        q = request.query_params
        if q.get("command", "STATUS") != "STATUS":
            return invalid_request("command must be STATUS", {"command": [q.get("command")]})
        with emulator.lock:
            media = find(q.get("media_id", ""), user)
            if not isinstance(media, Media):
                return media
            if media.state in ("pending", "in_progress"):
                media.polls_left -= 1
                if media.polls_left <= 0:
                    failed = emulator.fail_media_processing
                    emulator.fail_media_processing = False
                    media.state = "failed" if failed else "succeeded"
                else:
                    media.state = "in_progress"
            return JSONResponse({"data": described(media)})

    async def metadata(request: Request, user: User) -> Response:
        body = await request.json()
        alt = ((body.get("metadata") or {}).get("alt_text") or {}).get("text")
        with emulator.lock:
            media = find(str(body.get("id", "")), user)
            if not isinstance(media, Media):
                return media
            if not isinstance(alt, str) or len(alt) > 1000:
                return invalid_request(
                    "alt_text.text must be at most 1000 characters", {"alt_text": [str(alt)]}
                )
            media.alt_text = alt
        return JSONResponse({"data": {"id": media.id, "associated_metadata": True}})

    def route(path: str, handler: Any, method: str) -> Route:
        endpoint = emulator.endpoint(handler, key="media", scopes=("media.write",))
        return Route(path, endpoint, methods=[method])

    return [
        route("/2/media/upload/initialize", initialize, "POST"),
        route("/2/media/upload/{id}/append", append, "POST"),
        route("/2/media/upload/{id}/finalize", finalize, "POST"),
        route("/2/media/upload", status, "GET"),
        route("/2/media/metadata", metadata, "POST"),
    ]
