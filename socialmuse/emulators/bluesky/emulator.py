"""BlueskyEmulator: a PDS + AppView subset on loopback, written to contracts §8 and §13.

Time is the emulator's own clock (``now()``; tests move it with ``advance``) so token
expiry and rate-limit windows are tested without sleeping.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from socialmuse.emulators import metrics_model
from socialmuse.emulators.base import Emulator
from socialmuse.emulators.bluesky.ids import Claims, Signer, tid
from socialmuse.emulators.bluesky.state import (
    Account,
    Store,
    StoredRecord,
    WriteBudget,
)

ACCESS_SCOPE = "com.atproto.appPass"
REFRESH_SCOPE = "com.atproto.refresh"


def xrpc_error(
    status: int, error: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": error, "message": message}, status_code=status, headers=headers)


class BlueskyEmulator(Emulator):
    """Configurable: token lifetimes, refresh grace, write-point budget and its window."""

    name = "bluesky"

    def __init__(
        self,
        *,
        latency: float = 0.0,
        access_ttl: int = 2 * 3600,
        refresh_ttl: int = 90 * 24 * 3600,
        refresh_grace: int = 2 * 3600,
        write_points: int = 5000,
        write_window: int = 3600,
    ) -> None:
        super().__init__(latency=latency)
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl
        self.refresh_grace = refresh_grace
        self.write_points = write_points
        self.write_window = write_window
        self.clock_offset = 0.0
        self.signer = Signer()
        self.store = Store()
        self._tid_last = 0
        # Counts and followers grow with time (metrics_model) unless set explicitly.
        self.evolve_metrics = False

    def follower_count(self, did: str) -> int:
        """Set followers, plus the model's slow growth when metrics evolve."""
        account = self.store.accounts.get(did)
        base = account.followers if account else 0
        if not self.evolve_metrics:
            return base
        return base + metrics_model.followers(did, datetime.fromtimestamp(self.now(), UTC))

    def now(self) -> float:
        return time.time() + self.clock_offset

    def advance(self, seconds: float) -> None:
        self.clock_offset += seconds

    def iso_now(self) -> str:
        return (
            datetime.fromtimestamp(self.now(), UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z")
        )

    def next_tid(self) -> str:
        with self.lock:
            self._tid_last = max(self._tid_last + 1, int(self.now() * 1_000_000))
            return tid(self._tid_last, 7)

    def reset(self) -> None:
        with self.lock:
            super().reset()
            self.store = Store()
            self.clock_offset = 0.0

    # Test helpers ------------------------------------------------------------------------

    def create_account(
        self,
        handle: str,
        app_password: str,
        *,
        email: str | None = None,
        display_name: str = "",
        followers: int = 0,
        follows: int = 0,
    ) -> Account:
        with self.lock:
            account = self.store.add_account(
                handle, app_password, email=email, display_name=display_name
            )
            account.followers, account.follows = followers, follows
            return account

    def post_count(self, handle_or_did: str) -> int:
        with self.lock:
            account = self.store.find_account(handle_or_did)
            return len(self.store.posts_of(account.did)) if account else 0

    def posts(self, handle_or_did: str) -> list[dict[str, Any]]:
        """The account's post records (value plus ``uri``), oldest rkey first."""
        with self.lock:
            account = self.store.find_account(handle_or_did)
            found = self.store.posts_of(account.did) if account else []
            return [{"uri": r.uri, **r.value} for r in sorted(found, key=lambda r: r.rkey)]

    def set_counts(self, uri: str, **counts: int) -> None:
        """Set AppView counters of a post: likes, reposts, replies, quotes, bookmarks."""
        with self.lock:
            stored = self.store.record_by_uri(uri)
            if stored is None:
                raise KeyError(uri)
            stored.counts.update(counts)

    def add_post(self, handle: str, text: str, *, reply_to: str | None = None) -> str:
        """A post written by another account straight into the store (e.g. a comment)."""
        with self.lock:
            account = self.store.find_account(handle)
            if account is None:
                raise KeyError(handle)
            value: dict[str, Any] = {
                "$type": "app.bsky.feed.post",
                "text": text,
                "createdAt": self.iso_now(),
            }
            if reply_to:
                parent = self.store.record_by_uri(reply_to)
                if parent is None:
                    raise KeyError(reply_to)
                ref = {"uri": parent.uri, "cid": parent.cid}
                value["reply"] = {
                    "root": parent.value.get("reply", {}).get("root", ref),
                    "parent": ref,
                }
            stored = StoredRecord.make(
                account.did, "app.bsky.feed.post", self.next_tid(), value, self.iso_now()
            )
            self.store.records[(stored.did, stored.collection, stored.rkey)] = stored
            return stored.uri

    def revoke_sessions(self, handle_or_did: str) -> None:
        """Every refresh token of the account stops working (app password revoked)."""
        with self.lock:
            account = self.store.find_account(handle_or_did)
            if account:
                self.store.revoke_sessions(account.did)

    # Sessions ----------------------------------------------------------------------------

    def _issue_pair(self, did: str, jti: str) -> tuple[str, str]:
        now = int(self.now())
        access = self.signer.issue(Claims("at+jwt", ACCESS_SCOPE, did, now, now + self.access_ttl))
        grant = self.store.grants[jti]
        refresh = self.signer.issue(
            Claims("refresh+jwt", REFRESH_SCOPE, did, now, grant.expires, jti)
        )
        return access, refresh

    def session_body(self, account: Account, jti: str) -> dict[str, Any]:
        access, refresh = self._issue_pair(account.did, jti)
        return {
            "accessJwt": access,
            "refreshJwt": refresh,
            "handle": account.handle,
            "did": account.did,
            "didDoc": {
                "@context": ["https://www.w3.org/ns/did/v1"],
                "id": account.did,
                "alsoKnownAs": [f"at://{account.handle}"],
                "service": [
                    {
                        "id": "#atproto_pds",
                        "type": "AtprotoPersonalDataServer",
                        "serviceEndpoint": self.base_url,
                    }
                ],
            },
            "email": account.email,
            "emailConfirmed": True,
            "active": True,
        }

    def bearer(self, request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        return header[7:].strip() if header.lower().startswith("bearer ") else None

    def authenticate(
        self, request: Request, *, optional: bool = False
    ) -> Account | Response | None:
        """The account behind an access JWT, or the PDS's error response for it."""
        token = self.bearer(request)
        if token is None:
            if optional:
                return None
            return xrpc_error(401, "AuthMissing", "Authentication Required")
        claims = self.signer.verify(token)
        if claims is None:
            return xrpc_error(400, "InvalidToken", "Token could not be verified")
        if claims.scope != ACCESS_SCOPE:
            return xrpc_error(400, "InvalidToken", "Bad token scope")
        if claims.exp <= self.now():
            return xrpc_error(400, "ExpiredToken", "Token has expired")
        account = self.store.accounts.get(claims.sub)
        if account is None:
            return xrpc_error(400, "InvalidToken", "Token could not be verified")
        return account

    def charge_write(self, did: str, points: int) -> tuple[bool, dict[str, str]]:
        """Charge repo-write points; (allowed, RateLimit-* headers) as the PDS sends them."""
        now = int(self.now())
        with self.lock:
            budget = self.store.budgets.get(did)
            if budget is None or now >= budget.window_start + self.write_window:
                budget = self.store.budgets[did] = WriteBudget(now)
            reset = budget.window_start + self.write_window
            allowed = budget.used + points <= self.write_points
            if allowed:
                budget.used += points
            headers = {
                "RateLimit-Limit": str(self.write_points),
                "RateLimit-Remaining": str(max(self.write_points - budget.used, 0)),
                "RateLimit-Reset": str(reset),
                "RateLimit-Policy": f"{self.write_points};w={self.write_window}",
            }
            if not allowed:
                headers["Retry-After"] = str(max(reset - now, 1))
            return allowed, headers

    # Routes ------------------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        from socialmuse.emulators.bluesky import appview, repo, sessions

        return [*sessions.routes(self), *repo.routes(self), *appview.routes(self)]
