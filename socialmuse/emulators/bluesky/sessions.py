"""``com.atproto.server.*`` sessions and ``com.atproto.identity.resolveHandle``.

createSession takes a handle, email or DID and an app password; refreshSession rotates the
pair and keeps the old refresh token usable for the grace window (contracts §8.1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from socialmuse.emulators.bluesky.state import Account, RefreshGrant

if TYPE_CHECKING:
    from socialmuse.emulators.bluesky.emulator import BlueskyEmulator


def routes(emu: BlueskyEmulator) -> list[BaseRoute]:
    from socialmuse.emulators.bluesky.emulator import REFRESH_SCOPE, xrpc_error

    async def create_session(request: Request) -> Response:
        body = await request.json()
        with emu.lock:
            account = emu.store.find_account(str(body.get("identifier", "")))
            if account is None or body.get("password") not in account.app_passwords:
                return xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
            jti = emu.store.new_grant(account.did, int(emu.now()) + emu.refresh_ttl)
            return JSONResponse(emu.session_body(account, jti))

    async def refresh_session(request: Request) -> Response:
        token = emu.bearer(request)
        if token is None:
            return xrpc_error(401, "AuthMissing", "Authentication Required")
        claims = emu.signer.verify(token)
        if claims is None or claims.scope != REFRESH_SCOPE or claims.jti is None:
            return xrpc_error(400, "InvalidToken", "Token could not be verified")
        now = int(emu.now())
        with emu.lock:
            grant: RefreshGrant | None = emu.store.grants.get(claims.jti)
            if claims.exp <= now:
                return xrpc_error(400, "ExpiredToken", "Token has expired")
            if grant is None or (grant.grace_end is not None and grant.grace_end <= now):
                return xrpc_error(400, "ExpiredToken", "Token has been revoked")
            account = emu.store.accounts[grant.did]
            if grant.rotated_to is None or grant.rotated_to not in emu.store.grants:
                grant.rotated_to = emu.store.new_grant(grant.did, now + emu.refresh_ttl)
                grant.grace_end = now + emu.refresh_grace
            return JSONResponse(emu.session_body(account, grant.rotated_to))

    async def get_session(request: Request) -> Response:
        account = emu.authenticate(request)
        if not isinstance(account, Account):
            return account or xrpc_error(401, "AuthMissing", "Authentication Required")
        return JSONResponse(
            {
                "handle": account.handle,
                "did": account.did,
                "email": account.email,
                "active": True,
            }
        )

    async def resolve_handle(request: Request) -> Response:
        with emu.lock:
            account = emu.store.find_account(request.query_params.get("handle", ""))
        if (
            account is None
            or account.handle.lower() != request.query_params.get("handle", "").lower()
        ):
            return xrpc_error(400, "InvalidRequest", "Unable to resolve handle")
        return JSONResponse({"did": account.did})

    return [
        Route("/xrpc/com.atproto.server.createSession", create_session, methods=["POST"]),
        Route("/xrpc/com.atproto.server.refreshSession", refresh_session, methods=["POST"]),
        Route("/xrpc/com.atproto.server.getSession", get_session, methods=["GET"]),
        Route("/xrpc/com.atproto.identity.resolveHandle", resolve_handle, methods=["GET"]),
    ]
