"""``GET /l/<code>``: a short link. Redirects to its destination and counts a person's click.

It is registered on the FastAPI app, which sits in front of Reflex's routes on the one
production port, so the public ``base_url`` + ``/l/<code>`` reaches it (like the OAuth
callback). Responses are never cached, or a browser's second click would not be counted.
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socialmuse.db import session_scope
from socialmuse.services import links
from socialmuse.services.errors import NotFound

router = APIRouter()

_NOT_FOUND_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Link not found</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:32em;margin:4em auto;padding:0 1em;
color:#1c2024}}h1{{font-size:1.4em}}p{{color:#60646c;line-height:1.5}}</style></head>
<body><h1>This link does not exist</h1><p>{message}</p>
<p>If someone sent it to you, ask them for the link again.</p></body></html>
"""


@router.api_route(links.PATH_PREFIX + "{code}", methods=["GET", "HEAD"], include_in_schema=False)
def follow_short_link(request: Request, code: str) -> Response:
    """Redirect (302); a plain ``def`` so FastAPI runs the database work off the event loop."""
    try:
        with session_scope() as session:
            destination = links.follow(
                session,
                code=code,
                method=request.method,
                user_agent=request.headers.get("user-agent", ""),
                referrer=request.headers.get("referer", ""),
            )
    except NotFound as exc:
        return HTMLResponse(
            _NOT_FOUND_PAGE.format(message=escape(exc.message)),
            status_code=404,
            headers={"Cache-Control": "no-store"},
        )
    return RedirectResponse(
        destination,
        status_code=302,
        headers={"Cache-Control": "no-store"},
    )
