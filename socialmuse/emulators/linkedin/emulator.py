"""The emulated LinkedIn: members, organizations, tokens, quotas, and helpers for tests.

Routes live in ``oauth.py`` (authorization, access tokens, userinfo), ``api.py`` (posts,
images, organization roles) and ``social.py`` (comments, statistics); each goes through
``endpoint`` here, which applies ``gate.Gatekeeping`` (token, version headers, daily quota)
before the handler. Tests arrange state through the helpers without HTTP.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from socialmuse.emulators import metrics_model
from socialmuse.emulators.base import Emulator
from socialmuse.emulators.linkedin.gate import ApiError, Gatekeeping, Handler
from socialmuse.emulators.linkedin.state import (
    App,
    AuthCode,
    CommentRecord,
    Image,
    Member,
    Organization,
    Post,
    RefreshGrant,
    ShareIds,
    Token,
)

ACCESS_TTL = timedelta(days=60)
REFRESH_TTL = timedelta(days=365)
ALL_SCOPES = (
    "openid",
    "profile",
    "email",
    "w_member_social",
    "r_member_social",
    "w_organization_social",
    "r_organization_social",
    "rw_organization_admin",
)
# Per-member daily call quotas by endpoint; LinkedIn publishes none (§2.5), 150 shares a
# member a day is the commonly quoted figure (UNVERIFIED).
MEMBER_DAILY_LIMITS = {"posts.create": 150}
APP_DAILY_LIMITS = {"posts.create": 100_000}


class LinkedInEmulator(Gatekeeping, Emulator):
    """LinkedIn's OAuth host and REST API on one loopback address."""

    name = "linkedin"

    def __init__(
        self,
        *,
        client_id: str = "socialmuse-client",
        client_secret: str = "socialmuse-secret",
        refresh_tokens: bool = False,
        version_lifetime_months: int = 12,
        member_daily_limits: Mapping[str, int] | None = None,
        app_daily_limits: Mapping[str, int] | None = None,
        image_polls: int = 1,
        truncate_unescaped: bool = True,
        ghost_after_delete: timedelta = timedelta(0),
        clock: Callable[[], datetime] | None = None,
        latency: float = 0.0,
    ) -> None:
        super().__init__(latency=latency)
        self.default_app = (client_id, client_secret, refresh_tokens)
        self.version_lifetime_months = version_lifetime_months
        self.member_limits = dict(
            MEMBER_DAILY_LIMITS if member_daily_limits is None else member_daily_limits
        )
        self.app_limits = dict(APP_DAILY_LIMITS if app_daily_limits is None else app_daily_limits)
        self.image_polls = image_polls
        self.truncate_unescaped = truncate_unescaped
        self.ghost_after_delete = ghost_after_delete
        self.clock = clock or (lambda: datetime.now(UTC))
        self.offset = timedelta(0)
        self.authorize_as: str | None = None  # member id the authorization page signs in as
        # Statistics and followers grow with time (metrics_model) unless set explicitly.
        self.evolve_metrics = False
        self._ids = ShareIds()
        self._clear_state()

    def grown_counts(self, post: Post) -> metrics_model.Counts | None:
        """The post's counters from its age by the shared model; None when not evolving."""
        if not self.evolve_metrics:
            return None
        org = self.organizations.get(post.author.removeprefix("urn:li:organization:"))
        audience = self.follower_count(org.id, org.followers) if org else 500
        return metrics_model.post_counts(
            post.urn, "linkedin", audience, self.now() - post.created_at
        )

    def follower_count(self, org_id: str, followers: int) -> int:
        """Set followers, plus the model's slow growth when metrics evolve."""
        grown = metrics_model.followers(org_id, self.now()) if self.evolve_metrics else 0
        return followers + grown

    def _clear_state(self) -> None:
        client_id, client_secret, refresh = self.default_app
        self.apps = {client_id: App(client_id, client_secret, [], refresh_tokens=refresh)}
        self.members: dict[str, Member] = {}
        self.organizations: dict[str, Organization] = {}
        self.tokens: dict[str, Token] = {}
        self.refresh_grants: dict[str, RefreshGrant] = {}
        self.codes: dict[str, AuthCode] = {}
        self.posts: dict[str, Post] = {}
        self.images: dict[str, Image] = {}
        self.comments: dict[str, list[CommentRecord]] = {}  # post URN -> comments
        self.calls: dict[tuple[str, str, date], int] = {}

    def reset(self) -> None:
        with self.lock:
            super().reset()
            self._clear_state()
            self.offset = timedelta(0)

    def now(self) -> datetime:
        return self.clock() + self.offset

    def advance(self, delta: timedelta) -> None:
        """Move the emulator's clock forward (token expiry, quota reset at midnight UTC)."""
        with self.lock:
            self.offset += delta

    def new_activity_id(self) -> str:
        return self._ids.next(self.now())

    def routes(self) -> list[BaseRoute]:
        from socialmuse.emulators.linkedin.api import api_routes
        from socialmuse.emulators.linkedin.oauth import oauth_routes

        return [*oauth_routes(self), *api_routes(self)]

    # Helpers for tests: arrange state without HTTP.

    def create_member(
        self,
        given_name: str = "Alice",
        family_name: str = "Example",
        *,
        scopes: Iterable[str] = ALL_SCOPES,
    ) -> tuple[Member, str]:
        """A member and a fresh 60-day access token for them."""
        with self.lock:
            alphabet = string.ascii_letters + string.digits
            member_id = "".join(secrets.choice(alphabet) for _ in range(10))
            email = f"{given_name.lower()}@example.com"
            member = Member(member_id, given_name, family_name, email)
            self.members[member.id] = member
            return member, self.issue_token(member.id, scopes=scopes)

    def create_organization(
        self,
        name: str,
        *,
        admins: Iterable[Member] = (),
        role: str = "ADMINISTRATOR",
        followers: int = 0,
    ) -> Organization:
        with self.lock:
            org_id = str(10_000_000 + len(self.organizations) * 7919)
            vanity = "-".join(name.lower().split())
            org = Organization(org_id, name, vanity, followers=followers)
            org.roles = {m.id: role for m in admins}
            self.organizations[org.id] = org
            return org

    def issue_token(
        self,
        member_id: str,
        *,
        scopes: Iterable[str] = ALL_SCOPES,
        ttl: timedelta = ACCESS_TTL,
        client_id: str | None = None,
    ) -> str:
        with self.lock:
            value = "AQ" + secrets.token_urlsafe(48)
            self.tokens[value] = Token(value, member_id, list(scopes), self.now() + ttl, client_id)
            return value

    def issue_refresh_token(self, member_id: str, *, client_id: str, scopes: list[str]) -> str:
        with self.lock:
            value = "AQR" + secrets.token_urlsafe(48)
            grant = RefreshGrant(value, member_id, client_id, scopes, self.now() + REFRESH_TTL)
            self.refresh_grants[value] = grant
            return value

    def expire_token(self, value: str) -> None:
        with self.lock:
            self.tokens[value].expires_at = self.now() - timedelta(seconds=1)

    def revoke_token(self, value: str) -> None:
        with self.lock:
            self.tokens[value].revoked = True

    def post_count(self, author: str | None = None) -> int:
        """Live posts (of ``author`` when given)."""
        with self.lock:
            return sum(
                1
                for p in self.posts.values()
                if p.deleted_at is None and author in (None, p.author)
            )

    def set_statistics(self, urn: str, **counts: int) -> None:
        """Share statistics, e.g. ``impressionCount=120, likeCount=5, clickCount=3``."""
        with self.lock:
            self.posts[urn].statistics.update(counts)

    def set_reactions(self, urn: str, **counts: int) -> None:
        """Reaction counts by type for socialMetadata, e.g. ``LIKE=4, PRAISE=1``."""
        with self.lock:
            self.posts[urn].reactions.update(counts)

    def add_comment(
        self, post_urn: str, actor: str, text: str, *, parent: str | None = None
    ) -> CommentRecord:
        with self.lock:
            comment = CommentRecord(
                id=str(7_000_000_000_000_000_000 + len(self.all_comments())),
                actor=actor,
                object=post_urn,
                text=text,
                created_at=self.now(),
                parent=parent,
            )
            self.comments.setdefault(post_urn, []).append(comment)
            return comment

    def all_comments(self) -> list[CommentRecord]:
        return [c for comments in self.comments.values() for c in comments]

    def endpoint(
        self, handler: Handler, name: str, *, rest: bool = True
    ) -> Callable[[Request], Awaitable[Response]]:
        """Token, version headers and daily quota, then the handler; ApiError → envelope."""

        async def run(request: Request) -> Response:
            try:
                with self.lock:
                    caller = self.authenticate(request)
                    if rest:
                        self.check_versions(request)
                    self.count_call(caller, name)
                return await handler(request, caller)
            except ApiError as exc:
                return exc.response()

        return run
