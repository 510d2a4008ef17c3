"""OAuth 2.0 authorization code with PKCE, and rotating refresh tokens (platform-contracts §1.1).

``GET /2/oauth2/authorize`` (and ``/i/oauth2/authorize``, the end-user path) approves at once
as ``emulator.authorize_as`` (or the newest user, or a fresh ``alice``): there is no person to
click "Authorize app" on loopback. The token endpoint takes a form body; confidential clients
authenticate with HTTP Basic, public clients put ``client_id`` in the body. A refresh token
is handed out only for ``offline.access``, works once, and a spent or unknown one answers
``400 invalid_request`` "Value passed for the token was invalid."
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from socialmuse.emulators.x.state import AuthCode, Client, oauth_error

if TYPE_CHECKING:
    from socialmuse.emulators.x.emulator import XEmulator

INVALID_TOKEN = "Value passed for the token was invalid."
KNOWN_SCOPES = {
    "block.read", "bookmark.read", "bookmark.write", "dm.read", "dm.write", "follows.read",
    "follows.write", "like.read", "like.write", "list.read", "list.write", "media.write",
    "mute.read", "mute.write", "offline.access", "space.read", "timeline.read",
    "tweet.moderate.write", "tweet.read", "tweet.write", "users.read",
}  # fmt: skip


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _basic(request: Request) -> tuple[str, str] | None:
    auth = request.headers.get("authorization", "")
    if not auth.lower().startswith("basic "):
        return None
    try:
        client_id, _, secret = base64.b64decode(auth[6:].strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return client_id, secret


def oauth_routes(emulator: XEmulator) -> list[BaseRoute]:
    def authenticate(request: Request, form: dict[str, str]) -> Client | Response:
        basic = _basic(request)
        client_id = basic[0] if basic else form.get("client_id", "")
        client = emulator.clients.get(client_id)
        if client is None:
            return oauth_error("Missing valid authorization header", "unauthorized_client", 401)
        if client.client_secret is not None and (basic is None or basic[1] != client.client_secret):
            return oauth_error("Missing valid authorization header", "unauthorized_client", 401)
        return client

    async def authorize(request: Request) -> Response:
        q = request.query_params
        client = emulator.clients.get(q.get("client_id", ""))
        redirect_uri = q.get("redirect_uri", "")
        if client is None or (client.redirect_uris and redirect_uri not in client.redirect_uris):
            return JSONResponse(
                {"error": "invalid_request", "error_description": "Something went wrong"},
                status_code=400,
            )
        scopes = q.get("scope", "").split()
        method = q.get("code_challenge_method", "")
        bad = (
            q.get("response_type") != "code"
            or not q.get("state")
            or not q.get("code_challenge")
            or method not in ("S256", "plain")
            or not scopes
            or not set(scopes) <= KNOWN_SCOPES
        )
        if bad:
            refused = urlencode({"error": "invalid_request", "state": q.get("state", "")})
            return RedirectResponse(f"{redirect_uri}?{refused}", status_code=302)
        with emulator.lock:
            user = emulator.user_by_username(emulator.authorize_as or "") or next(
                reversed(emulator.users.values()), None
            )
            if user is None:
                user, _ = emulator.create_user("alice")
            code = AuthCode(
                code=secrets.token_urlsafe(48),
                client_id=client.client_id,
                user_id=user.id,
                redirect_uri=redirect_uri,
                scopes=scopes,
                challenge=q["code_challenge"],
                method=method,
                expires_at=emulator.now() + timedelta(seconds=30),
            )
            emulator.codes[code.code] = code
        query = urlencode({"state": q["state"], "code": code.code})
        return RedirectResponse(f"{redirect_uri}?{query}", status_code=302)

    async def token(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        client = authenticate(request, form)
        if not isinstance(client, Client):
            return client
        grant = form.get("grant_type")
        with emulator.lock:
            if grant == "authorization_code":
                code = emulator.codes.get(form.get("code", ""))
                verifier = form.get("code_verifier", "")
                expected = code and (s256(verifier) if code.method == "S256" else verifier)
                if (
                    code is None
                    or code.used
                    or code.client_id != client.client_id
                    or code.expires_at < emulator.now()
                    or code.redirect_uri != form.get("redirect_uri")
                    or expected != code.challenge
                ):
                    return oauth_error(INVALID_TOKEN)
                code.used = True
                return JSONResponse(
                    emulator.issue_tokens(code.user_id, client.client_id, code.scopes)
                )
            if grant == "refresh_token":
                spent = emulator.refresh_tokens.get(form.get("refresh_token", ""))
                if spent is None or spent.used or spent.client_id != client.client_id:
                    return oauth_error(INVALID_TOKEN)
                spent.used = True
                return JSONResponse(
                    emulator.issue_tokens(spent.user_id, client.client_id, spent.scopes)
                )
        return oauth_error("Value passed for the grant_type was invalid.")

    async def revoke(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        client = authenticate(request, form)
        if not isinstance(client, Client):
            return client
        with emulator.lock:
            value = form.get("token", "")
            emulator.tokens.pop(value, None)
            if value in emulator.refresh_tokens:
                emulator.refresh_tokens[value].used = True
        return JSONResponse({"revoked": True})

    return [
        Route("/2/oauth2/authorize", authorize, methods=["GET"]),
        Route("/i/oauth2/authorize", authorize, methods=["GET"]),
        Route("/2/oauth2/token", token, methods=["POST"]),
        Route("/2/oauth2/revoke", revoke, methods=["POST"]),
    ]
