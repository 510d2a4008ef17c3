"""The emulated X: its state, the rules it applies, and helpers for tests.

Routes live in ``oauth.py`` (authorize, token), ``tweets.py`` (posts, users, search) and
``media.py`` (chunked upload v2); they call the methods here under the emulator's lock, so a
test can arrange the same state directly: a user with tokens, counters for metrics, a clock
moved forward past a token's two hours or a rate-limit window.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from socialmuse.emulators import metrics_model
from socialmuse.emulators.base import Emulator
from socialmuse.emulators.x.state import (
    AccessToken,
    AuthCode,
    Client,
    Media,
    RateLimit,
    RefreshToken,
    Snowflake,
    Tweet,
    User,
    problem,
    tweet_json,
)

ACCESS_TTL = timedelta(hours=2)
WINDOW = timedelta(minutes=15)
ALL_SCOPES = ("tweet.read", "tweet.write", "users.read", "media.write", "offline.access")

# Per-user requests per 15 minutes (platform-contracts §1.5); the key names an endpoint.
DEFAULT_LIMITS = {
    "POST /2/tweets": 100,
    "DELETE /2/tweets/:id": 50,
    "GET /2/tweets/:id": 900,
    "GET /2/users/me": 75,
    "GET /2/users/by/username/{username}": 900,
    "GET /2/users/:id/tweets": 900,
    "GET /2/tweets/search/recent": 300,
    "media": 1875,
}


class Refusal(Exception):
    """A rule said no; ``response`` is X's answer (a problem+json body)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


Handler = Callable[[Request, User], Awaitable[Response]]


def unauthorized() -> JSONResponse:
    return problem(401, "Unauthorized", "Unauthorized")


class XEmulator(Emulator):
    """X API v2 on loopback: OAuth 2.0 with PKCE, posts, media upload v2, reads, rate limits."""

    name = "x"

    def __init__(
        self,
        *,
        limits: dict[str, int] | None = None,
        app_daily_tweets: int = 10_000,
        access_ttl: timedelta = ACCESS_TTL,
        duplicate_window: timedelta = timedelta(hours=24),
        video_polls: int = 2,
        check_after_secs: int = 1,
        clock: Callable[[], datetime] | None = None,
        latency: float = 0.0,
    ) -> None:
        super().__init__(latency=latency)
        self.limits = {**DEFAULT_LIMITS, **(limits or {})}
        self.app_daily_tweets = app_daily_tweets
        self.access_ttl = access_ttl
        self.duplicate_window = duplicate_window
        self.video_polls = video_polls
        self.check_after_secs = check_after_secs
        self.clock = clock or (lambda: datetime.now(UTC))
        self.offset = timedelta()
        self.authorize_as: str | None = None  # username /oauth2/authorize signs in as
        self.fail_media_processing = False  # the next video/GIF ends "failed"
        # Counters and followers grow with time (metrics_model) unless set explicitly.
        self.evolve_metrics = False
        self._ids = Snowflake()
        self._clear_state()

    def _clear_state(self) -> None:
        self.users: dict[str, User] = {}
        self.clients: dict[str, Client] = {}
        self.tokens: dict[str, AccessToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.codes: dict[str, AuthCode] = {}
        self.tweets: dict[str, Tweet] = {}
        self.media: dict[str, Media] = {}
        self._default_client: Client | None = None
        self.rate_limits = {key: RateLimit(n, WINDOW) for key, n in self.limits.items()}
        self.app_limit = RateLimit(self.app_daily_tweets, timedelta(hours=24))

    def reset(self) -> None:
        with self.lock:
            super().reset()
            self.offset = timedelta()
            self._clear_state()

    def now(self) -> datetime:
        return self.clock() + self.offset

    def advance(self, delta: timedelta) -> None:
        """Move the emulator's clock forward (token expiry, rate-limit windows, media)."""
        with self.lock:
            self.offset += delta

    def new_id(self) -> str:
        return self._ids.next(self.now())

    def routes(self) -> list[BaseRoute]:
        from socialmuse.emulators.x.media import media_routes
        from socialmuse.emulators.x.oauth import oauth_routes
        from socialmuse.emulators.x.tweets import tweet_routes

        return [*oauth_routes(self), *tweet_routes(self), *media_routes(self)]

    # Helpers for tests: arrange state without HTTP.

    def create_client(
        self,
        *,
        confidential: bool = True,
        redirect_uris: tuple[str, ...] = (),
    ) -> Client:
        """An app in the developer portal; confidential clients get a secret (Basic auth)."""
        with self.lock:
            client = Client(
                client_id=secrets.token_urlsafe(24),
                client_secret=secrets.token_urlsafe(36) if confidential else None,
                redirect_uris=list(redirect_uris),
            )
            self.clients[client.client_id] = client
            return client

    def create_user(
        self,
        username: str,
        *,
        name: str | None = None,
        followers: int = 0,
        following: int = 0,
        scopes: tuple[str, ...] = ALL_SCOPES,
        client: Client | None = None,
    ) -> tuple[User, dict[str, Any]]:
        """A user and a token response for them (``access_token``, ``refresh_token``, …).

        The tokens belong to ``client`` (by default ``default_client``, a confidential one).
        """
        with self.lock:
            user = User(self.new_id(), username, name or username, self.now(), followers, following)
            self.users[user.id] = user
            owner = client or self.default_client
            return user, self.issue_tokens(user.id, owner.client_id, list(scopes))

    @property
    def default_client(self) -> Client:
        """The confidential app tokens from ``create_user`` belong to (made on first use)."""
        with self.lock:
            if self._default_client is None:
                self._default_client = self.create_client()
            return self._default_client

    def issue_tokens(self, user_id: str, client_id: str, scopes: list[str]) -> dict[str, Any]:
        """What the token endpoint answers; a refresh token only with ``offline.access``."""
        with self.lock:
            access = AccessToken(
                secrets.token_urlsafe(48), user_id, client_id, scopes, self.now() + self.access_ttl
            )
            self.tokens[access.value] = access
            body: dict[str, Any] = {
                "token_type": "bearer",
                "expires_in": int(self.access_ttl.total_seconds()),
                "access_token": access.value,
                "scope": " ".join(scopes),
            }
            if "offline.access" in scopes:
                refresh = RefreshToken(secrets.token_urlsafe(48), user_id, client_id, scopes)
                self.refresh_tokens[refresh.value] = refresh
                body["refresh_token"] = refresh.value
            return body

    def user_by_username(self, username: str) -> User | None:
        return next((u for u in self.users.values() if u.username == username), None)

    def tweet_count(self, user_id: str | None = None) -> int:
        """Live (not deleted) posts, of one user or of everyone."""
        with self.lock:
            return sum(
                1 for t in self.tweets.values() if not t.deleted and user_id in (None, t.author_id)
            )

    def set_metrics(self, tweet_id: str, **counters: int) -> None:
        """Set ``public_metrics`` counters: ``like_count=3, impression_count=120`` …"""
        with self.lock:
            self.tweets[tweet_id].metrics.update(counters)

    def evolved_metrics(self, tweet: Tweet) -> dict[str, int]:
        """Counters grown from the post's age by the shared model (explicit ones win)."""
        author = self.users.get(tweet.author_id)
        audience = self.follower_count(author) if author else 0
        counts = metrics_model.post_counts(tweet.id, "x", audience, self.now() - tweet.created_at)
        return {
            "impression_count": counts.impressions,
            "like_count": counts.likes,
            "reply_count": counts.comments,
            "retweet_count": counts.shares * 3 // 4,
            "quote_count": counts.shares - counts.shares * 3 // 4,
            "bookmark_count": counts.saves,
        } | tweet.metrics

    def follower_count(self, user: User) -> int:
        """Set followers, plus the model's slow growth when metrics evolve."""
        grown = metrics_model.followers(user.id, self.now()) if self.evolve_metrics else 0
        return user.followers + grown

    def tweet_dict(self, tweet: Tweet, fields: set[str]) -> dict[str, Any]:
        data = tweet_json(tweet, fields)
        if "public_metrics" in fields and self.evolve_metrics:
            data["public_metrics"] |= self.evolved_metrics(tweet)
        if "public_metrics" in fields and "reply_count" not in tweet.metrics:
            data["public_metrics"]["reply_count"] = sum(
                1
                for t in self.tweets.values()
                if t.in_reply_to_tweet_id == tweet.id and not t.deleted
            )
        return data

    # Authentication and per-user rate limits, around every /2 handler.

    def endpoint(
        self, handler: Handler, *, key: str, scopes: tuple[str, ...]
    ) -> Callable[[Request], Awaitable[Response]]:
        """Bearer user token with ``scopes``; every answer carries ``x-rate-limit-*``."""
        limit = self.rate_limits[key]

        async def run(request: Request) -> Response:
            auth = request.headers.get("authorization", "")
            value = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
            with self.lock:
                token = self.tokens.get(value)
                now = self.now()
                if token is None or token.expires_at <= now or token.user_id not in self.users:
                    return unauthorized()
                if not set(scopes) <= set(token.scopes):
                    return problem(403, "Forbidden", "Forbidden")
                user = self.users[token.user_id]
                if limit.exhausted(user.id, now):
                    return problem(
                        429,
                        "Too Many Requests",
                        "Too Many Requests",
                        headers=limit.headers(user.id, now),
                    )
                limit.hit(user.id, now)
                headers = limit.headers(user.id, now)
                if key == "POST /2/tweets":
                    if self.app_limit.exhausted(token.client_id, now):
                        headers |= self.app_limit.headers(
                            token.client_id, now, "x-app-limit-24hour"
                        )
                        return problem(
                            429, "Too Many Requests", "Too Many Requests", headers=headers
                        )
                    self.app_limit.hit(token.client_id, now)
                    headers |= self.app_limit.headers(token.client_id, now, "x-app-limit-24hour")
            try:
                response = await handler(request, user)
            except Refusal as refusal:
                response = refusal.response
            for name, header_value in headers.items():
                response.headers[name] = header_value
            return response

        return run
