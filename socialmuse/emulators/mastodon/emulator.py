"""The emulated Mastodon instance: its state, the rules it applies, and helpers for tests.

Routes live in ``oauth.py`` (apps, authorize, token, revoke) and ``api.py`` (statuses,
media, accounts, instance); both call the methods here, under the emulator's lock, so a test
can arrange the same state directly (an account and token, counters for metrics, a revoked
token) without going through HTTP.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from socialmuse.emulators import metrics_model
from socialmuse.emulators.base import Emulator
from socialmuse.emulators.mastodon.state import (
    Account,
    App,
    AuthCode,
    Media,
    RateLimit,
    Snowflake,
    Status,
    Token,
    account_json,
    status_json,
)
from socialmuse.emulators.mastodon.text import countable_length

IDEMPOTENCY_TTL = timedelta(seconds=3600)


class ValidationFailed(Exception):
    """Answered as 422 ``{"error": message}``, as Mastodon's ``ValidationError``."""


class NotFound(Exception):
    """Answered as 404 ``{"error": "Record not found"}``."""


class RateLimitExceeded(Exception):
    """The account's status-creation window is used up: 429 with the window's headers."""


@dataclass
class Caller:
    token: Token | None
    account: Account | None


Handler = Callable[[Request, Caller], Awaitable[Response]]


def error(message: str, status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


class MastodonEmulator(Emulator):
    """A Mastodon instance on loopback; its own base URL is the instance URL in permalinks."""

    name = "mastodon"

    def __init__(
        self,
        *,
        max_characters: int = 500,
        status_limit: int = 300,
        status_period: timedelta = timedelta(hours=3),
        api_limit: int = 300,
        api_period: timedelta = timedelta(minutes=5),
        video_polls: int = 2,
        clock: Callable[[], datetime] | None = None,
        latency: float = 0.0,
    ) -> None:
        super().__init__(latency=latency)
        self.max_characters = max_characters
        self.video_polls = video_polls
        self.status_limit_config = (status_limit, status_period)
        self.api_limit_config = (api_limit, api_period)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.authorize_as: str | None = None  # username /oauth/authorize signs in as
        # Counters and followers grow with time (metrics_model) unless set explicitly.
        self.evolve_metrics = False
        self._ids = Snowflake()
        self._clear_state()

    def _clear_state(self) -> None:
        self.accounts: dict[str, Account] = {}
        self.apps: dict[str, App] = {}
        self.tokens: dict[str, Token] = {}
        self.codes: dict[str, AuthCode] = {}
        self.media: dict[str, Media] = {}
        self.statuses: dict[str, Status] = {}
        self.idempotency: dict[tuple[str, str], tuple[str, datetime]] = {}
        self.status_limit = RateLimit(*self.status_limit_config)
        self.api_limit = RateLimit(*self.api_limit_config)

    def reset(self) -> None:
        with self.lock:
            super().reset()
            self._clear_state()

    def now(self) -> datetime:
        return self.clock()

    def new_id(self) -> str:
        return self._ids.next(self.now())

    def routes(self) -> list[BaseRoute]:
        from socialmuse.emulators.mastodon.api import api_routes
        from socialmuse.emulators.mastodon.oauth import oauth_routes

        return [*oauth_routes(self), *api_routes(self)]

    # Helpers for tests: arrange state without HTTP.

    def create_account(
        self,
        username: str,
        *,
        display_name: str | None = None,
        followers: int = 0,
        following: int = 0,
        scopes: tuple[str, ...] = ("read", "write"),
    ) -> tuple[Account, str]:
        """A local account and an access token for it."""
        with self.lock:
            account = Account(
                id=self.new_id(),
                username=username,
                display_name=display_name or username,
                created_at=self.now(),
                followers=followers,
                following=following,
            )
            self.accounts[account.id] = account
            return account, self.issue_token(account.id, scopes=scopes)

    def issue_token(
        self,
        account_id: str | None,
        *,
        scopes: tuple[str, ...] | list[str] = ("read", "write"),
        client_id: str | None = None,
    ) -> str:
        with self.lock:
            token = Token(
                secrets.token_urlsafe(32), account_id, client_id, list(scopes), self.now()
            )
            self.tokens[token.value] = token
            return token.value

    def revoke_token(self, value: str) -> None:
        with self.lock:
            if value in self.tokens:
                self.tokens[value].revoked = True

    def account_by_username(self, username: str) -> Account | None:
        return next((a for a in self.accounts.values() if a.username == username), None)

    def status_count(self, account_id: str | None = None) -> int:
        with self.lock:
            return sum(1 for s in self.statuses.values() if account_id in (None, s.account_id))

    def set_counters(
        self,
        status_id: str,
        *,
        favourites: int | None = None,
        reblogs: int | None = None,
        replies: int | None = None,
    ) -> None:
        with self.lock:
            counters = self.statuses[status_id].counters
            for name, value in (
                ("favourites", favourites),
                ("reblogs", reblogs),
                ("replies", replies),
            ):
                if value is not None:
                    counters[name] = value

    # The instance's rules, shared by the routes and the helpers.

    def post_status(
        self,
        account: Account,
        params: dict[str, Any],
        *,
        idempotency_key: str | None = None,
        application: str | None = None,
    ) -> Status:
        """PostStatusService: idempotent replay first, then validation, rate limit, save."""
        with self.lock:
            now = self.now()
            if idempotency_key:
                cached = self.idempotency.get((account.id, idempotency_key))
                if cached and now < cached[1] and cached[0] in self.statuses:
                    return self.statuses[cached[0]]
            status = self._build_status(account, params, now, application)
            if self.status_limit.exhausted(account.id, now):
                raise RateLimitExceeded
            self.status_limit.hit(account.id, now)
            self.statuses[status.id] = status
            for media_id in status.media_ids:
                self.media[media_id].status_id = status.id
            if idempotency_key:
                self.idempotency[(account.id, idempotency_key)] = (status.id, now + IDEMPOTENCY_TTL)
            return status

    def _build_status(
        self, account: Account, params: dict[str, Any], now: datetime, application: str | None
    ) -> Status:
        text = str(params.get("status") or "")
        spoiler = str(params.get("spoiler_text") or "")
        media_ids = [str(m) for m in params.get("media_ids") or []]
        if len(media_ids) > 4:
            raise ValidationFailed("Cannot attach more than 4 files")
        attached = [self.media.get(m) for m in media_ids]
        missing = [
            m
            for m, found in zip(media_ids, attached, strict=True)
            if found is None or found.account_id != account.id or found.status_id
        ]
        if missing:
            raise ValidationFailed(
                f"Media {', '.join(missing)} not found or already attached to another post"
            )
        media = [m for m in attached if m is not None]
        if any(not m.processed for m in media):
            raise ValidationFailed(
                "Cannot attach files that have not finished processing. Try again in a moment!"
            )
        if len(media) > 1 and any(m.kind in ("video", "gifv", "audio") for m in media):
            raise ValidationFailed("Cannot attach a video to a post that already contains images")
        if not text.strip() and not media:
            raise ValidationFailed("Validation failed: Text can't be blank")
        if countable_length(text, spoiler) > self.max_characters:
            raise ValidationFailed(
                f"Validation failed: Text character limit of {self.max_characters} exceeded"
            )
        reply_to = params.get("in_reply_to_id")
        if reply_to and str(reply_to) not in self.statuses:
            raise NotFound
        visibility = str(params.get("visibility") or "public")
        if visibility not in ("public", "unlisted", "private", "direct"):
            raise ValidationFailed("Validation failed: Visibility is not included in the list")
        return Status(
            id=self.new_id(),
            account_id=account.id,
            text=text,
            spoiler_text=spoiler,
            visibility=visibility,
            language=params.get("language") or "en",
            in_reply_to_id=str(reply_to) if reply_to else None,
            created_at=now,
            media_ids=media_ids,
            application=application,
            sensitive=str(params.get("sensitive", "false")).lower() in ("true", "1"),
        )

    def status_dict(self, status: Status) -> dict[str, Any]:
        with self.lock:
            author = self.accounts[status.account_id]
            parent = self.statuses.get(status.in_reply_to_id or "")
            body = status_json(
                status,
                account=self.account_dict(author),
                base_url=self.base_url,
                media=[self.media[m] for m in status.media_ids],
                replies=sum(1 for s in self.statuses.values() if s.in_reply_to_id == status.id),
                in_reply_to_account_id=parent.account_id if parent else None,
            )
            if self.evolve_metrics:
                counts = metrics_model.post_counts(
                    status.id,
                    "mastodon",
                    self.follower_count(author),
                    self.clock() - status.created_at,
                )
                grown = {
                    "replies_count": counts.comments,
                    "reblogs_count": counts.shares,
                    "favourites_count": counts.likes,
                }
                set_names = {"replies": "replies_count", "reblogs": "reblogs_count"}
                set_names["favourites"] = "favourites_count"
                for counter, name in set_names.items():
                    if counter not in status.counters:
                        body[name] = grown[name] + (body[name] if counter == "replies" else 0)
            return body

    def follower_count(self, account: Account) -> int:
        """Set followers, plus the model's slow growth when metrics evolve."""
        grown = metrics_model.followers(account.id, self.clock()) if self.evolve_metrics else 0
        return account.followers + grown

    def account_dict(self, account: Account) -> dict[str, Any]:
        count = sum(1 for s in self.statuses.values() if s.account_id == account.id)
        body = account_json(account, self.base_url, count)
        body["followers_count"] = self.follower_count(account)
        return body

    # Authentication and the per-token request limit, around every /api handler.

    def endpoint(
        self, handler: Handler, *, scope: str | None, user: bool = True
    ) -> Callable[[Request], Awaitable[Response]]:
        """``scope`` None: public (a token is used if valid); else the token must allow it."""

        async def run(request: Request) -> Response:
            auth = request.headers.get("authorization", "")
            value = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
            with self.lock:
                token = self.tokens.get(value)
                if token is not None and token.revoked:
                    token = None
                if scope is not None:
                    if token is None:
                        return error("The access token is invalid", 401)
                    if not token.allows(scope):
                        return error("This action is outside the authorized scopes", 403)
                    if user and token.account_id is None:
                        return error("This method requires an authenticated user", 422)
                account = self.accounts.get(token.account_id or "") if token else None
                key = token.value if token else (request.client.host if request.client else "-")
                now = self.now()
                if self.api_limit.exhausted(key, now):
                    return error("Too many requests", 429, self.api_limit.headers(key, now))
                self.api_limit.hit(key, now)
                headers = self.api_limit.headers(key, now)
            response = await handler(request, Caller(token, account))
            for name, header_value in headers.items():
                if name not in response.headers:
                    response.headers[name] = header_value
            return response

        return run
