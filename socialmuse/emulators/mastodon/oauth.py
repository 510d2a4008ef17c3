"""App registration and OAuth 2.0 (authorization code with PKCE S256, client credentials).

``GET /oauth/authorize`` approves at once as ``emulator.authorize_as`` (or the newest account,
or a fresh ``alice``): there is no person to click "Authorize" on loopback. Errors use
Doorkeeper's ``{"error", "error_description"}`` bodies and statuses.
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

from socialmuse.emulators.mastodon.state import App, AuthCode, Token

if TYPE_CHECKING:
    from socialmuse.emulators.mastodon.emulator import MastodonEmulator

INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)
INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication included, "
    "or unsupported authentication method."
)


def oauth_error(code: str, description: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": code, "error_description": description}, status_code=status)


async def read_params(request: Request) -> dict[str, Any]:
    """Form or JSON body (and query string); ``name[]`` form keys become lists."""
    params: dict[str, Any] = dict(request.query_params)
    if request.method in ("GET", "DELETE"):
        return params
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.json()
        params.update(body if isinstance(body, dict) else {})
        return params
    form = await request.form()
    for key in form:
        values = form.getlist(key)
        if key.endswith("[]"):
            params[key[:-2]] = values
        else:
            params[key] = values[-1]
    return params


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def oauth_routes(emulator: MastodonEmulator) -> list[BaseRoute]:
    async def register_app(request: Request) -> Response:
        params = await read_params(request)
        redirect = params.get("redirect_uris") or params.get("redirect_uri")
        redirect_uris = redirect if isinstance(redirect, list) else str(redirect or "").split()
        if not params.get("client_name"):
            return JSONResponse(
                {"error": "Validation failed: Application name can't be blank"}, status_code=422
            )
        if not redirect_uris:
            return JSONResponse(
                {"error": "Validation failed: Redirect URI can't be blank"}, status_code=422
            )
        scopes = str(params.get("scopes") or "read").split()
        with emulator.lock:
            app = App(
                id=emulator.new_id(),
                name=str(params["client_name"]),
                website=params.get("website"),
                client_id=secrets.token_urlsafe(32),
                client_secret=secrets.token_urlsafe(32),
                redirect_uris=redirect_uris,
                scopes=scopes,
            )
            emulator.apps[app.client_id] = app
        return JSONResponse(
            {
                "id": app.id,
                "name": app.name,
                "website": app.website,
                "scopes": app.scopes,
                "redirect_uri": "\n".join(app.redirect_uris),
                "redirect_uris": app.redirect_uris,
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "client_secret_expires_at": 0,
            }
        )

    async def authorize(request: Request) -> Response:
        q = request.query_params
        app = emulator.apps.get(q.get("client_id", ""))
        if app is None:
            return oauth_error("invalid_client", INVALID_CLIENT, 401)
        redirect_uri = q.get("redirect_uri", "")
        if redirect_uri not in app.redirect_uris:
            return oauth_error(
                "invalid_redirect_uri",
                "The requested redirect uri is malformed or doesn't match client redirect URI.",
            )
        if q.get("response_type") != "code":
            return oauth_error(
                "unsupported_response_type",
                "The authorization server does not support this response type.",
            )
        scopes = q.get("scope", "read").split()
        if not set(scopes) <= set(app.scopes):
            return oauth_error(
                "invalid_scope", "The requested scope is invalid, unknown, or malformed."
            )
        challenge = q.get("code_challenge")
        if challenge and q.get("code_challenge_method") != "S256":
            return oauth_error("invalid_request", "Code challenge method must be S256.")
        with emulator.lock:
            account = emulator.account_by_username(emulator.authorize_as or "") or next(
                reversed(emulator.accounts.values()), None
            )
            if account is None:
                account, _ = emulator.create_account("alice")
            code = AuthCode(
                code=secrets.token_urlsafe(32),
                client_id=app.client_id,
                account_id=account.id,
                redirect_uri=redirect_uri,
                scopes=scopes,
                challenge=challenge,
                expires_at=emulator.now() + timedelta(minutes=10),
            )
            emulator.codes[code.code] = code
        query = {"code": code.code, **({"state": q["state"]} if "state" in q else {})}
        return RedirectResponse(f"{redirect_uri}?{urlencode(query)}", status_code=302)

    async def token(request: Request) -> Response:
        params = await read_params(request)
        app = emulator.apps.get(str(params.get("client_id", "")))
        if app is None or app.client_secret != params.get("client_secret"):
            return oauth_error("invalid_client", INVALID_CLIENT, 401)
        grant = params.get("grant_type")
        with emulator.lock:
            if grant == "client_credentials":
                scopes = str(params.get("scope") or "read").split()
                value = emulator.issue_token(None, scopes=scopes, client_id=app.client_id)
            elif grant == "authorization_code":
                code = emulator.codes.get(str(params.get("code", "")))
                verifier = str(params.get("code_verifier") or "")
                if (
                    code is None
                    or code.used
                    or code.client_id != app.client_id
                    or code.expires_at < emulator.now()
                    or code.redirect_uri != params.get("redirect_uri")
                    or (code.challenge is not None and s256(verifier) != code.challenge)
                ):
                    return oauth_error("invalid_grant", INVALID_GRANT)
                code.used = True
                value = emulator.issue_token(
                    code.account_id, scopes=code.scopes, client_id=app.client_id
                )
            else:
                return oauth_error(
                    "unsupported_grant_type",
                    "The authorization grant type is not supported by the authorization server.",
                )
            issued: Token = emulator.tokens[value]
        return JSONResponse(
            {
                "access_token": value,
                "token_type": "Bearer",
                "scope": " ".join(issued.scopes),
                "created_at": int(issued.created_at.timestamp()),
            }
        )

    async def revoke(request: Request) -> Response:
        params = await read_params(request)
        app = emulator.apps.get(str(params.get("client_id", "")))
        if app is None or app.client_secret != params.get("client_secret"):
            return oauth_error(
                "unauthorized_client", "You are not authorized to revoke this token", 403
            )
        issued = emulator.tokens.get(str(params.get("token", "")))
        if issued is not None and issued.client_id == app.client_id:
            emulator.revoke_token(issued.value)
        return JSONResponse({})

    return [
        Route("/api/v1/apps", register_app, methods=["POST"]),
        Route("/oauth/authorize", authorize, methods=["GET"]),
        Route("/oauth/token", token, methods=["POST"]),
        Route("/oauth/revoke", revoke, methods=["POST"]),
    ]
