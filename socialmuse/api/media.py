"""``GET /api/v1/media/{token}``: the bytes of one stored media object, for a signed link.

The token (``services.media.sign_token``) is the whole authorization: HMAC-signed with a key
derived from SECRET_KEY and expiring, so a link shown in the library or handed to Instagram
or Threads works without a login, cannot be altered to name another file, and stops working
when it expires. Local files are served with range support (video players and Meta's
fetcher ask for ranges); other backends are streamed in chunks.
"""

from __future__ import annotations

import time

from fastapi import APIRouter
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse

from socialmuse.services import media, storage

router = APIRouter()


def _refused(status: int, message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status)


@router.get(media.MEDIA_ROUTE + "/{token}", include_in_schema=False)
def get_media(token: str) -> Response:
    """Serve one object (a plain ``def``: FastAPI runs it off the event loop)."""
    try:
        ref = media.open_token(token)
    except ValueError as exc:
        gone = "expired" in str(exc)
        return _refused(
            410 if gone else 403,
            "This media link has expired; open the page again for a fresh one."
            if gone
            else "This media link is not valid.",
        )
    remaining = max(0, ref.expires_at - int(time.time()))
    headers = {
        "Cache-Control": f"private, max-age={min(remaining, 3600)}",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": "inline",
    }
    try:
        backend = storage.storage_for(ref.backend)
        if isinstance(backend, storage.LocalStorage):
            path = backend.path(ref.key)
            if not path.is_file():
                raise storage.MissingObject(ref.key)
            return FileResponse(path, media_type=ref.content_type, headers=headers)
        size = backend.size(ref.key)
        stream = backend.open(ref.key)
    except storage.MissingObject:
        return _refused(404, "This media file is no longer stored.")
    headers["Content-Length"] = str(size)
    return StreamingResponse(
        storage.iter_chunks(stream), media_type=ref.content_type, headers=headers
    )
