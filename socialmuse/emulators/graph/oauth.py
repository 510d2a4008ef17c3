"""Meta login and token endpoints (platform-contracts §3.3, §5.1, §6).

* Facebook Login: ``/dialog/oauth`` → code; ``GET /{v}/oauth/access_token`` trades the code
  for a short-lived user token, and ``grant_type=fb_exchange_token`` for a 60-day one;
  ``/me/accounts`` then yields never-expiring Page tokens. No refresh grant.
* Instagram Login and Threads: ``/oauth/authorize`` → code; ``POST /oauth/access_token``
  → short-lived token + ``user_id``; ``GET /access_token`` (``ig_exchange_token`` /
  ``th_exchange_token``) → 60 days; ``GET /refresh_access_token`` (``ig_refresh_token`` /
  ``th_refresh_token``) only for a long-lived token at least 24 h old and not yet expired.
* ``/debug_token`` inspects a token.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from socialmuse.emulators.graph.emulator import LONG_LIVED, SHORT_LIVED
from socialmuse.emulators.graph.routes import failure_response, read_params
from socialmuse.emulators.graph.state import AuthCode, GraphFailure, Token

if TYPE_CHECKING:
    from socialmuse.emulators.graph.emulator import GraphEmulator

REFRESH_MIN_AGE = timedelta(hours=24)


def oauth_failure(message: str, code: int = 100, subcode: int | None = None) -> GraphFailure:
    return GraphFailure(message, code, subcode=subcode)


def oauth_routes(emu: GraphEmulator) -> list[BaseRoute]:
    async def authorize(request: Request) -> Response:
        q = request.query_params
        subject = emu.authorize_as
        if not subject or q.get("client_id") != emu.app_id:
            return JSONResponse({"error": "unknown app or nobody signed in"}, status_code=400)
        with emu.lock:
            network = "facebook" if subject in emu.people else emu.profiles[subject].network
            code = AuthCode(
                secrets.token_urlsafe(16),
                network,
                subject,
                q.get("redirect_uri", ""),
                q.get("client_id", ""),
                q.get("code_challenge"),
            )
            emu.codes[code.code] = code
        query = urlencode({"code": code.code, "state": q.get("state", "")})
        return RedirectResponse(f"{code.redirect_uri}?{query}", status_code=302)

    async def token_endpoint(request: Request) -> Response:
        params, _ = await read_params(request)
        try:
            with emu.lock:
                return JSONResponse(token_grant(emu, params, request.method))
        except GraphFailure as failure:
            return failure_response(failure)

    async def refresh(request: Request) -> Response:
        params, _ = await read_params(request)
        try:
            with emu.lock:
                return JSONResponse(refresh_grant(emu, params))
        except GraphFailure as failure:
            return failure_response(failure)

    async def debug_token(request: Request) -> Response:
        params, _ = await read_params(request)
        with emu.lock:
            token = emu.tokens.get(str(params.get("input_token") or ""))
            if token is None:
                return failure_response(oauth_failure("Invalid OAuth access token.", 190))
            expires = int(token.expires_at.timestamp()) if token.expires_at else 0
            valid = not token.revoked and (token.expires_at is None or emu.now() < token.expires_at)
            return JSONResponse(
                {
                    "data": {
                        "app_id": emu.app_id,
                        "type": token.kind.upper(),
                        "expires_at": expires,
                        "is_valid": valid,
                        "scopes": token.scopes,
                        "user_id": token.subject,
                    }
                }
            )

    return [
        Route("/dialog/oauth", authorize, methods=["GET"]),
        Route("/{version}/dialog/oauth", authorize, methods=["GET"]),
        Route("/oauth/authorize", authorize, methods=["GET"]),
        Route("/oauth/access_token", token_endpoint, methods=["GET", "POST"]),
        Route("/{version}/oauth/access_token", token_endpoint, methods=["GET", "POST"]),
        Route("/access_token", token_endpoint, methods=["GET"]),
        Route("/refresh_access_token", refresh, methods=["GET"]),
        Route("/debug_token", debug_token, methods=["GET"]),
        Route("/{version}/debug_token", debug_token, methods=["GET"]),
    ]


def token_grant(emu: GraphEmulator, params: dict[str, Any], method: str) -> dict[str, Any]:
    grant = params.get("grant_type") or "authorization_code"
    if grant in ("fb_exchange_token", "ig_exchange_token", "th_exchange_token"):
        if params.get("client_secret") != emu.app_secret:
            raise oauth_failure("Error validating client secret.", 1)
        short = params.get("fb_exchange_token") or params.get("access_token") or ""
        token = emu.authenticate(str(short))
        kind = {
            "fb_exchange_token": "user",
            "ig_exchange_token": "instagram",
            "th_exchange_token": "threads",
        }[grant]
        if token.kind != kind:
            raise oauth_failure("Invalid OAuth access token for this grant.", 190)
        value = emu.new_token(kind, token.subject, scopes=tuple(token.scopes))
        return {
            "access_token": value,
            "token_type": "bearer",
            "expires_in": int(LONG_LIVED.total_seconds()),
        }
    if grant != "authorization_code":
        raise oauth_failure(f"Unsupported grant_type {grant}.")
    if params.get("client_id") != emu.app_id or params.get("client_secret") != emu.app_secret:
        raise oauth_failure("Error validating client secret.", 1)
    code = emu.codes.get(str(params.get("code") or ""))
    if code is None or code.used:
        raise oauth_failure("This authorization code has been used.", 100, subcode=36009)
    if code.redirect_uri != params.get("redirect_uri"):
        raise oauth_failure(
            "redirect_uri isn't identical to the one used in the OAuth dialog.", 100, subcode=36008
        )
    if code.challenge and not pkce_matches(code.challenge, str(params.get("code_verifier") or "")):
        raise oauth_failure("The code_verifier does not match the code_challenge.", 100)
    code.used = True
    kind = {"facebook": "user", "instagram": "instagram", "threads": "threads"}[code.network]
    value = emu.new_token(kind, code.subject, lifetime=SHORT_LIVED, long_lived=False)
    if code.network == "facebook":
        return {
            "access_token": value,
            "token_type": "bearer",
            "expires_in": int(SHORT_LIVED.total_seconds()),
        }
    return {"access_token": value, "user_id": code.subject}


def refresh_grant(emu: GraphEmulator, params: dict[str, Any]) -> dict[str, Any]:
    grant = params.get("grant_type")
    kinds = {"ig_refresh_token": "instagram", "th_refresh_token": "threads"}
    if grant not in kinds:
        raise oauth_failure(f"Unsupported grant_type {grant}.")
    token: Token = emu.authenticate(str(params.get("access_token") or ""))
    if token.kind != kinds[str(grant)] or not token.long_lived:
        raise oauth_failure("Only long-lived tokens can be refreshed.", 190)
    if emu.now() - token.issued_at < REFRESH_MIN_AGE:
        raise oauth_failure("The token must be at least 24 hours old to be refreshed.", 100)
    token.revoked = True
    value = emu.new_token(token.kind, token.subject, scopes=tuple(token.scopes))
    return {
        "access_token": value,
        "token_type": "bearer",
        "expires_in": int(LONG_LIVED.total_seconds()),
    }


def pkce_matches(challenge: str, verifier: str) -> bool:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge
