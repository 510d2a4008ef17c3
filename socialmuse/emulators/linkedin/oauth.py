"""LinkedIn's 3-legged OAuth 2.0 (§2.1) and the OpenID ``userinfo`` endpoint.

``GET /oauth/v2/authorization`` approves at once as ``emulator.authorize_as`` (or the newest
member, or a fresh one) and redirects with ``code`` and ``state``; scopes the app may not
ask for come back as ``error=unauthorized_scope_error`` on the redirect, as LinkedIn does.
PKCE is enforced only when the authorization request carried a ``code_challenge`` (LinkedIn
supports it for native clients only, UNVERIFIED). Access tokens live 60 days; with
``refresh_tokens`` on, the app also gets a refresh token whose 365 days run from the first
grant and are never extended by refreshing.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from socialmuse.emulators.linkedin.emulator import ACCESS_TTL, ALL_SCOPES
from socialmuse.emulators.linkedin.gate import Caller, denied
from socialmuse.emulators.linkedin.state import AuthCode

if TYPE_CHECKING:
    from socialmuse.emulators.linkedin.emulator import LinkedInEmulator

BAD_CODE = (
    "Unable to retrieve access token: appid/redirect uri/code verifier does not match "
    "authorization code. Or authorization code expired. Or external member binding exists"
)
BAD_REFRESH = "The provided authorization grant or refresh token is invalid, expired or revoked."


def oauth_error(code: str, description: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": code, "error_description": description}, status_code=status)


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def oauth_routes(emulator: LinkedInEmulator) -> list[BaseRoute]:
    async def authorize(request: Request) -> Response:
        q = request.query_params
        app = emulator.apps.get(q.get("client_id", ""))
        if app is None:
            return oauth_error("invalid_client", "The client_id is not valid")
        redirect_uri = q.get("redirect_uri", "")
        if not redirect_uri or (app.redirect_uris and redirect_uri not in app.redirect_uris):
            return oauth_error(
                "invalid_redirect_uri", "The redirect_uri does not match the registered value"
            )
        answer = {"state": q["state"]} if "state" in q else {}
        scopes = q.get("scope", "").replace(",", " ").split()
        unknown = [s for s in scopes if s not in ALL_SCOPES]
        if q.get("response_type") != "code" or not scopes or unknown:
            what = f'Scope "{unknown[0]}" is not authorized for your application' if unknown else ""
            query = {
                "error": "unauthorized_scope_error" if unknown else "invalid_request",
                "error_description": what or "The request is missing response_type=code or scope",
                **answer,
            }
            return RedirectResponse(f"{redirect_uri}?{urlencode(query)}", status_code=302)
        with emulator.lock:
            member = emulator.members.get(emulator.authorize_as or "") or next(
                reversed(emulator.members.values()), None
            )
            if member is None:
                member, _ = emulator.create_member()
            code = AuthCode(
                code="AQT" + secrets.token_urlsafe(32),
                client_id=app.client_id,
                member_id=member.id,
                redirect_uri=redirect_uri,
                scopes=scopes,
                challenge=q.get("code_challenge"),
                expires_at=emulator.now() + timedelta(minutes=30),
            )
            emulator.codes[code.code] = code
        query = {"code": code.code, **answer}
        return RedirectResponse(f"{redirect_uri}?{urlencode(query)}", status_code=302)

    async def access_token(request: Request) -> Response:
        form = await request.form()
        params = {key: str(form[key]) for key in form}
        app = emulator.apps.get(params.get("client_id", ""))
        if app is None or app.client_secret != params.get("client_secret"):
            return oauth_error("invalid_client", "Client authentication failed", 401)
        grant = params.get("grant_type")
        with emulator.lock:
            now = emulator.now()
            if grant == "authorization_code":
                code = emulator.codes.get(params.get("code", ""))
                verifier = params.get("code_verifier", "")
                if (
                    code is None
                    or code.used
                    or code.client_id != app.client_id
                    or code.expires_at < now
                    or code.redirect_uri != params.get("redirect_uri")
                    or (code.challenge is not None and s256(verifier) != code.challenge)
                ):
                    return oauth_error("invalid_request", BAD_CODE)
                code.used = True
                member_id, scopes = code.member_id, code.scopes
                refresh = (
                    emulator.issue_refresh_token(member_id, client_id=app.client_id, scopes=scopes)
                    if app.refresh_tokens
                    else None
                )
            elif grant == "refresh_token" and app.refresh_tokens:
                held = emulator.refresh_grants.get(params.get("refresh_token", ""))
                if held is None or held.client_id != app.client_id or held.expires_at <= now:
                    return oauth_error("invalid_request", BAD_REFRESH)
                member_id, scopes, refresh = held.member_id, held.scopes, held.value
            else:
                return oauth_error("unsupported_grant_type", f"Grant type {grant} is not allowed")
            value = emulator.issue_token(member_id, scopes=scopes, client_id=app.client_id)
            body: dict[str, object] = {
                "access_token": value,
                "expires_in": int(ACCESS_TTL.total_seconds()) - 1,
                "scope": ",".join(scopes),
                "token_type": "Bearer",
            }
            if refresh is not None:
                held_until = emulator.refresh_grants[refresh].expires_at
                body["refresh_token"] = refresh
                body["refresh_token_expires_in"] = int((held_until - now).total_seconds())
        return JSONResponse(body)

    async def userinfo(request: Request, caller: Caller) -> Response:
        if not {"openid", "profile"} & set(caller.token.scopes):
            return denied("/userinfo").response()
        member = caller.member
        return JSONResponse(
            {
                "sub": member.id,
                "name": member.name,
                "given_name": member.given_name,
                "family_name": member.family_name,
                "email": member.email,
                "email_verified": True,
                "locale": {"country": "US", "language": "en"},
                "picture": f"{emulator.base_url}/media/{member.id}.jpg",
            }
        )

    return [
        Route("/oauth/v2/authorization", authorize, methods=["GET"]),
        Route("/oauth/v2/accessToken", access_token, methods=["POST"]),
        Route("/v2/userinfo", emulator.endpoint(userinfo, "userinfo", rest=False), methods=["GET"]),
    ]
