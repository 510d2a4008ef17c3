"""REST routes: instance, accounts, statuses (create, read, delete, context, lists) and media.

Status creation carries the ``statuses`` rate-limit family in its ``X-RateLimit-*`` headers
(per account, 300 per 3 h by default); every other /api answer carries the per-token request
window. Listing pages newest first with ``limit``/``max_id``/``since_id``/``min_id`` and a
``Link`` header, as Mastodon does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from socialmuse.emulators.mastodon.emulator import (
    Caller,
    NotFound,
    RateLimitExceeded,
    ValidationFailed,
    error,
)
from socialmuse.emulators.mastodon.oauth import read_params
from socialmuse.emulators.mastodon.state import Media, Status, media_json

if TYPE_CHECKING:
    from socialmuse.emulators.mastodon.emulator import MastodonEmulator

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "image/avif")
VIDEO_TYPES = ("image/gif", "video/mp4", "video/webm", "video/quicktime", "video/ogg")
AUDIO_TYPES = ("audio/mpeg", "audio/mp3", "audio/ogg", "audio/wav", "audio/flac", "audio/mp4")
IMAGE_SIZE_LIMIT = 16 * 1024 * 1024
VIDEO_SIZE_LIMIT = 99 * 1024 * 1024


def instance_json(emulator: MastodonEmulator) -> dict[str, Any]:
    host = emulator.base_url.split("://", 1)[-1]
    return {
        "domain": host,
        "title": "SocialMuse Mastodon emulator",
        "version": "4.5.0",
        "source_url": "https://github.com/mastodon/mastodon",
        "description": "A local stand-in for a Mastodon instance.",
        "languages": ["en"],
        "registrations": {"enabled": False, "approval_required": False, "message": None},
        "api_versions": {"mastodon": 6},
        "configuration": {
            "urls": {"streaming": emulator.base_url.replace("http", "ws", 1)},
            "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
            "statuses": {
                "max_characters": emulator.max_characters,
                "max_media_attachments": 4,
                "characters_reserved_per_url": 23,
            },
            "media_attachments": {
                "supported_mime_types": [*IMAGE_TYPES, *VIDEO_TYPES, *AUDIO_TYPES],
                "description_limit": 1500,
                "image_size_limit": IMAGE_SIZE_LIMIT,
                "image_matrix_limit": 33177600,
                "video_size_limit": VIDEO_SIZE_LIMIT,
                "video_frame_rate_limit": 120,
                "video_matrix_limit": 8294400,
            },
            "polls": {
                "max_options": 4,
                "max_characters_per_option": 50,
                "min_expiration": 300,
                "max_expiration": 2629746,
            },
        },
    }


def api_routes(emulator: MastodonEmulator) -> list[BaseRoute]:
    def visible(status: Status, caller: Caller) -> bool:
        mine = caller.account is not None and caller.account.id == status.account_id
        return mine or status.visibility in ("public", "unlisted")

    def find_status(status_id: str, caller: Caller) -> Status:
        status = emulator.statuses.get(status_id)
        if status is None or not visible(status, caller):
            raise NotFound
        return status

    async def instance(request: Request, caller: Caller) -> Response:
        return JSONResponse(instance_json(emulator))

    async def verify_credentials(request: Request, caller: Caller) -> Response:
        assert caller.account is not None
        body = emulator.account_dict(caller.account)
        body["source"] = {
            "privacy": "public",
            "sensitive": False,
            "language": "en",
            "note": caller.account.note,
            "fields": [],
        }
        return JSONResponse(body)

    async def get_account(request: Request, caller: Caller) -> Response:
        account = emulator.accounts.get(request.path_params["id"])
        if account is None:
            return error("Record not found", 404)
        return JSONResponse(emulator.account_dict(account))

    async def lookup(request: Request, caller: Caller) -> Response:
        """GET /api/v1/accounts/lookup?acct=: a local account by username (public)."""
        acct = request.query_params.get("acct", "").lstrip("@").split("@")[0]
        with emulator.lock:
            found = next((a for a in emulator.accounts.values() if a.username == acct), None)
            if found is None:
                return error("Record not found", 404)
            return JSONResponse(emulator.account_dict(found))

    async def account_statuses(request: Request, caller: Caller) -> Response:
        account_id = request.path_params["id"]
        if account_id not in emulator.accounts:
            return error("Record not found", 404)
        q = request.query_params
        limit = max(1, min(int(q.get("limit", 20)), 40))
        exclude_replies = q.get("exclude_replies") in ("true", "1")
        with emulator.lock:
            rows = sorted(
                (
                    s
                    for s in emulator.statuses.values()
                    if s.account_id == account_id
                    and visible(s, caller)
                    and not (exclude_replies and s.in_reply_to_id)
                ),
                key=lambda s: int(s.id),
                reverse=True,
            )
            if q.get("max_id"):
                rows = [s for s in rows if int(s.id) < int(q["max_id"])]
            if q.get("since_id"):
                rows = [s for s in rows if int(s.id) > int(q["since_id"])]
            if q.get("min_id"):
                rows = [s for s in rows if int(s.id) > int(q["min_id"])][-limit:]
            page = rows[:limit]
            body = [emulator.status_dict(s) for s in page]
        headers = {}
        if page:
            url = f"{emulator.base_url}/api/v1/accounts/{account_id}/statuses?limit={limit}"
            headers["Link"] = (
                f'<{url}&max_id={page[-1].id}>; rel="next", <{url}&min_id={page[0].id}>; rel="prev"'
            )
        return JSONResponse(body, headers=headers)

    async def create_status(request: Request, caller: Caller) -> Response:
        assert caller.account is not None and caller.token is not None
        params = await read_params(request)
        key = request.headers.get("idempotency-key")
        app = emulator.apps.get(caller.token.client_id or "")
        account_id = caller.account.id
        try:
            status = emulator.post_status(
                caller.account, params, idempotency_key=key, application=app.name if app else None
            )
        except RateLimitExceeded:
            headers = emulator.status_limit.headers(account_id, emulator.now())
            return error("Too many requests", 429, headers)
        except ValidationFailed as exc:
            return error(str(exc), 422)
        except NotFound:
            return error("Record not found", 404)
        headers = emulator.status_limit.headers(account_id, emulator.now())
        return JSONResponse(emulator.status_dict(status), headers=headers)

    async def get_status(request: Request, caller: Caller) -> Response:
        with emulator.lock:
            try:
                status = find_status(request.path_params["id"], caller)
            except NotFound:
                return error("Record not found", 404)
            return JSONResponse(emulator.status_dict(status))

    async def delete_status(request: Request, caller: Caller) -> Response:
        with emulator.lock:
            status = emulator.statuses.get(request.path_params["id"])
            if status is None or caller.account is None or status.account_id != caller.account.id:
                return error("Record not found", 404)
            body = emulator.status_dict(status)
            body.update(text=status.text, spoiler_text=status.spoiler_text)
            del emulator.statuses[status.id]
            for media_id in status.media_ids:
                emulator.media[media_id].status_id = None
        return JSONResponse(body)

    async def context(request: Request, caller: Caller) -> Response:
        with emulator.lock:
            try:
                status = find_status(request.path_params["id"], caller)
            except NotFound:
                return error("Record not found", 404)
            ancestors: list[Status] = []
            parent = emulator.statuses.get(status.in_reply_to_id or "")
            while parent is not None:
                if visible(parent, caller):
                    ancestors.insert(0, parent)
                parent = emulator.statuses.get(parent.in_reply_to_id or "")
            descendants: list[Status] = []

            def walk(node_id: str) -> None:
                children = sorted(
                    (s for s in emulator.statuses.values() if s.in_reply_to_id == node_id),
                    key=lambda s: int(s.id),
                )
                for child in children:
                    if visible(child, caller):
                        descendants.append(child)
                    walk(child.id)

            walk(status.id)
            return JSONResponse(
                {
                    "ancestors": [emulator.status_dict(s) for s in ancestors],
                    "descendants": [emulator.status_dict(s) for s in descendants],
                }
            )

    async def upload_media(request: Request, caller: Caller) -> Response:
        assert caller.account is not None
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            return error("Validation failed: File can't be blank", 422)
        content_type = upload.content_type or "application/octet-stream"
        data = await upload.read()
        if content_type not in (*IMAGE_TYPES, *VIDEO_TYPES, *AUDIO_TYPES):
            return error("Validation failed: File content type is invalid, File is invalid", 422)
        is_image = content_type in IMAGE_TYPES
        limit = IMAGE_SIZE_LIMIT if is_image else VIDEO_SIZE_LIMIT
        if len(data) > limit:
            return error(
                f"Validation failed: File file size must be less than {limit // 1048576} MB", 422
            )
        description = form.get("description")
        kind = (
            "image"
            if is_image
            else "gifv"
            if content_type == "image/gif"
            else "audio"
            if content_type.startswith("audio/")
            else "video"
        )
        with emulator.lock:
            media = Media(
                id=emulator.new_id(),
                account_id=caller.account.id,
                kind=kind,
                content_type=content_type,
                size=len(data),
                description=description if isinstance(description, str) else None,
                polls_left=0 if is_image else emulator.video_polls,
            )
            emulator.media[media.id] = media
        return JSONResponse(
            media_json(media, emulator.base_url), status_code=200 if media.processed else 202
        )

    async def get_media(request: Request, caller: Caller) -> Response:
        assert caller.account is not None
        with emulator.lock:
            media = emulator.media.get(request.path_params["id"])
            if media is None or media.account_id != caller.account.id:
                return error("Record not found", 404)
            if not media.processed:
                body = media_json(media, emulator.base_url)
                media.polls_left -= 1
                return JSONResponse(body, status_code=206)
            return JSONResponse(media_json(media, emulator.base_url))

    e = emulator.endpoint
    return [
        Route("/api/v2/instance", e(instance, scope=None), methods=["GET"]),
        Route(
            "/api/v1/accounts/verify_credentials",
            e(verify_credentials, scope="read:accounts"),
            methods=["GET"],
        ),
        Route("/api/v1/accounts/lookup", e(lookup, scope=None), methods=["GET"]),
        Route("/api/v1/accounts/{id}", e(get_account, scope=None), methods=["GET"]),
        Route("/api/v1/accounts/{id}/statuses", e(account_statuses, scope=None), methods=["GET"]),
        Route("/api/v1/statuses", e(create_status, scope="write:statuses"), methods=["POST"]),
        Route("/api/v1/statuses/{id}", e(get_status, scope=None), methods=["GET"]),
        Route(
            "/api/v1/statuses/{id}", e(delete_status, scope="write:statuses"), methods=["DELETE"]
        ),
        Route("/api/v1/statuses/{id}/context", e(context, scope=None), methods=["GET"]),
        Route("/api/v2/media", e(upload_media, scope="write:media"), methods=["POST"]),
        Route("/api/v1/media/{id}", e(get_media, scope="write:media"), methods=["GET"]),
    ]
