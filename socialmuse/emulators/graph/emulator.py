"""The emulated Meta Graph: one host for Facebook Pages, Instagram and Threads (§3-§6, §11).

State and test helpers live here; the publishing rules in ``rules.py``; HTTP in ``routes.py``
and ``oauth.py``. Everything runs under the emulator's lock against a settable clock, so a
test can arrange state (a Page and its token, metrics, an expired token) without HTTP and
move time forward (``advance``) instead of sleeping.

Choices where the reference is UNVERIFIED (platform-contracts §12), all configurable:
* usage headers: ``X-Business-Use-Case-Usage`` for Pages and Instagram accounts,
  ``X-App-Usage`` for Threads; ``call_limit`` calls per object per hour reach 100 %.
* the Instagram daily publish quota answers code 4 / subcode 2207042 ("Max posts reached")
  with a BUC header whose ``estimated_time_to_regain_access`` says when the oldest publish
  leaves the 24 h window; Threads' 250/1,000 quotas answer code 4 the same way.
* re-publishing a PUBLISHED container answers (#100) "already published".
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.routing import BaseRoute

from socialmuse.emulators import metrics_model
from socialmuse.emulators.base import Emulator
from socialmuse.emulators.graph.state import (
    AuthCode,
    Comment,
    Container,
    GraphFailure,
    Ids,
    Item,
    Person,
    Profile,
    Token,
)

LONG_LIVED = timedelta(days=60)
SHORT_LIVED = timedelta(hours=1)
USAGE_WINDOW = timedelta(hours=1)
BUC_CODES = {"facebook": 80001, "instagram": 80002, "threads": 4}
BUC_TYPES = {"facebook": "pages", "instagram": "instagram", "threads": "threads"}


class GraphEmulator(Emulator):
    """Facebook Pages, Instagram and Threads on loopback, sharing one Graph id space."""

    name = "graph"

    def __init__(
        self,
        *,
        clock_start: datetime | None = None,
        processing_polls: int = 1,
        call_limit: int = 200,
        instagram_publish_limit: int = 50,
        threads_post_limit: int = 250,
        threads_reply_limit: int = 1000,
        duplicate_window: timedelta = timedelta(hours=24),
        latency: float = 0.0,
    ) -> None:
        super().__init__(latency=latency)
        self._now = clock_start or datetime.now(UTC).replace(microsecond=0)
        self.processing_polls = processing_polls
        self.call_limit = call_limit
        self.instagram_publish_limit = instagram_publish_limit
        self.threads_post_limit = threads_post_limit
        self.threads_reply_limit = threads_reply_limit
        self.duplicate_window = duplicate_window
        self.app_id = "1234567890"
        self.app_secret = "emulator-app-secret"
        self.unfetchable: set[str] = set()  # media URLs Meta's fetcher cannot download
        self.authorize_as: str | None = None  # the person/profile the login dialog signs in
        # Counters, insights and followers grow with time (metrics_model) unless set.
        self.evolve_metrics = False
        self.ids = Ids()
        self._clear_state()

    def _clear_state(self) -> None:
        self.people: dict[str, Person] = {}
        self.profiles: dict[str, Profile] = {}
        self.tokens: dict[str, Token] = {}
        self.codes: dict[str, AuthCode] = {}
        self.containers: dict[str, Container] = {}
        self.items: dict[str, Item] = {}
        self.photos: dict[str, str] = {}  # unpublished photo id -> Page id
        self.comments: dict[str, Comment] = {}
        self.calls: dict[str, list[datetime]] = {}  # object id -> call times in the window

    def reset(self) -> None:
        with self.lock:
            super().reset()
            self._clear_state()

    def routes(self) -> list[BaseRoute]:
        from socialmuse.emulators.graph.oauth import oauth_routes
        from socialmuse.emulators.graph.routes import graph_routes

        return [*oauth_routes(self), *graph_routes(self)]

    # Clock

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        """Move the emulator's clock (token expiry, quotas, usage windows)."""
        with self.lock:
            self._now += delta

    # Helpers for tests: arrange state without HTTP.

    def new_token(
        self,
        kind: str,
        subject: str,
        *,
        lifetime: timedelta | None = LONG_LIVED,
        long_lived: bool = True,
        scopes: tuple[str, ...] = (),
    ) -> str:
        with self.lock:
            now = self.now()
            prefix = {"user": "EAA", "page": "EAAP", "instagram": "IGAA", "threads": "THAA"}[kind]
            token = Token(
                value=prefix + secrets.token_urlsafe(24),
                kind=kind,
                subject=subject,
                issued_at=now,
                expires_at=now + lifetime if lifetime else None,
                scopes=list(scopes),
                long_lived=long_lived,
            )
            self.tokens[token.value] = token
            return token.value

    def create_page(
        self, name: str = "Bakery", *, followers: int = 0, person: str | None = None
    ) -> tuple[Profile, str]:
        """A Page (and a person managing it); returns the Page and its Page token."""
        with self.lock:
            owner = self.people.get(person or "") or self.create_person(f"{name} admin")
            page = Profile(
                self.ids.next(),
                "facebook",
                name,
                name.lower().replace(" ", ""),
                followers=followers,
            )
            page.page_token = self.new_token("page", page.id, lifetime=None)
            self.profiles[page.id] = page
            owner.pages.append(page.id)
            return page, page.page_token

    def create_person(self, name: str = "Pat Admin") -> Person:
        with self.lock:
            person = Person(self.ids.next(), name)
            self.people[person.id] = person
            return person

    def create_instagram_user(
        self, username: str = "bakery", *, followers: int = 0, follows: int = 0
    ) -> tuple[Profile, str]:
        """An Instagram professional account and a long-lived (60-day) token for it."""
        return self._create_profile("instagram", username, followers, follows)

    def create_threads_user(
        self, username: str = "bakery", *, followers: int = 0
    ) -> tuple[Profile, str]:
        """A Threads profile and a long-lived (60-day) token for it."""
        return self._create_profile("threads", username, followers, 0)

    def _create_profile(
        self, network: str, username: str, followers: int, follows: int
    ) -> tuple[Profile, str]:
        with self.lock:
            profile = Profile(
                self.ids.next(),
                network,
                username.title(),
                username,
                followers=followers,
                follows=follows,
            )
            self.profiles[profile.id] = profile
            return profile, self.new_token(network, profile.id)

    def expire_token(self, value: str) -> None:
        with self.lock:
            self.tokens[value].expires_at = self.now() - timedelta(seconds=1)

    def post_count(self, owner: str | None = None, *, replies: bool = False) -> int:
        """Published posts/media (top level unless ``replies``) of one owner or everyone."""
        with self.lock:
            return sum(
                1
                for item in self.items.values()
                if owner in (None, item.owner) and (replies or item.reply_to_id is None)
            )

    def grown(self, item: Item) -> tuple[dict[str, int], dict[str, int]]:
        """An item's (counters, insights): the model's by age when evolving, set ones win."""
        if not self.evolve_metrics:
            return item.counters, item.insights
        profile = self.profiles.get(item.owner)
        audience = self.follower_count(profile) if profile else 100
        c = metrics_model.post_counts(item.id, item.network, audience, self.now() - item.created_at)
        counters = {"likes": c.likes, "reactions": c.likes, "shares": c.shares}
        comments = sum(1 for m in self.comments.values() if m.on == item.id)
        counters["comments"] = c.comments + comments
        insights = {
            "post_media_view": c.impressions,
            "post_total_media_view_unique": c.impressions * 4 // 5,
            "post_clicks": c.clicks,
            "views": c.impressions,
            "reach": c.impressions * 4 // 5,
            "likes": c.likes,
            "comments": counters["comments"],
            "replies": counters["comments"],
            "saved": c.saves,
            "shares": c.shares,
            "reposts": c.shares * 3 // 4,
            "quotes": c.shares - c.shares * 3 // 4,
            "total_interactions": c.likes + counters["comments"] + c.shares + c.saves,
        }
        return counters | item.counters, insights | item.insights

    def follower_count(self, profile: Profile) -> int:
        """Set followers, plus the model's slow growth when metrics evolve."""
        grown = metrics_model.followers(profile.id, self.now()) if self.evolve_metrics else 0
        return profile.followers + grown

    def set_metrics(self, item_id: str, **values: int) -> None:
        """Counters (``likes``, ``comments``, ``shares``, ``reactions``...) and insights."""
        with self.lock:
            item = self.items[item_id]
            for name, value in values.items():
                item.counters[name] = value
                item.insights[name] = value

    def add_comment(self, on: str, text: str, *, author: str = "Visitor") -> Comment:
        """Someone else's comment (or, for Threads, reply) on a post."""
        with self.lock:
            target = self.items.get(on)
            if target is not None and target.network == "threads":
                reply = Item(
                    self.ids.next(),
                    "threads",
                    f"visitor:{author}",
                    text,
                    self.now(),
                    reply_to_id=on,
                    root_id=target.root_id or target.id,
                )
                self.items[reply.id] = reply
                return Comment(reply.id, "threads", on, reply.owner, author, text, reply.created_at)
            network = target.network if target else self.comments[on].network
            comment = Comment(
                self.ids.next(), network, on, f"visitor:{author}", author, text, self.now()
            )
            self.comments[comment.id] = comment
            return comment

    # Authentication, and the usage counters every call moves.

    def authenticate(self, value: str) -> Token:
        with self.lock:
            token = self.tokens.get(value)
            if token is None or token.revoked:
                raise GraphFailure("Invalid OAuth access token - Cannot parse access token", 190)
            expires = token.expires_at
            if expires is not None and self.now() >= expires:
                raise GraphFailure(
                    "Error validating access token: Session has expired on "
                    f"{expires:%A, %d-%b-%y %H:%M:%S} UTC. The current time is "
                    f"{self.now():%A, %d-%b-%y %H:%M:%S} UTC.",
                    190,
                    subcode=463,
                )
            return token

    def count_call(self, subject: str) -> dict[str, str]:
        """Record one call against ``subject``; its usage headers, or the throttling error."""
        with self.lock:
            profile = self.profiles.get(subject)
            network = profile.network if profile else "facebook"
            now = self.now()
            window = [t for t in self.calls.get(subject, []) if now - t < USAGE_WINDOW]
            throttled = len(window) >= self.call_limit
            if not throttled:
                window.append(now)
            self.calls[subject] = window
            headers = self.usage_headers(subject, network, window, now)
            if throttled:
                raise GraphFailure(
                    "There have been too many calls to this "
                    f"{'Instagram account' if network == 'instagram' else 'Page'}. "
                    "Wait a bit and try again.",
                    BUC_CODES[network],
                    transient=True,
                    headers=headers,
                )
            return headers

    def usage_headers(
        self, subject: str, network: str, window: list[datetime], now: datetime
    ) -> dict[str, str]:
        percent = min(100, len(window) * 100 // max(1, self.call_limit))
        if network == "threads":
            usage = {
                "call_count": percent,
                "total_cputime": percent // 2,
                "total_time": percent // 2,
            }
            return {"X-App-Usage": json.dumps(usage)}
        regain = 0
        if percent >= 100 and window:
            regain = minutes_until(window[0] + USAGE_WINDOW, now)
        entry = {
            "type": BUC_TYPES[network],
            "call_count": percent,
            "total_cputime": percent // 2,
            "total_time": percent // 2,
            "estimated_time_to_regain_access": regain,
        }
        return {"X-Business-Use-Case-Usage": json.dumps({subject: [entry]})}

    def profile(self, profile_id: str, network: str) -> Profile:
        profile = self.profiles.get(profile_id)
        if profile is None or profile.network != network:
            raise unsupported(profile_id)
        return profile

    def node_owner(self, node_id: str) -> str | None:
        """The Page, IG or Threads user a node belongs to (for usage accounting)."""
        if node_id in self.profiles:
            return node_id
        if node_id in self.items:
            return self.items[node_id].owner
        if node_id in self.containers:
            return self.containers[node_id].owner
        if node_id in self.comments:
            comment = self.comments[node_id]
            return self.node_owner(comment.on)
        return None


def minutes_until(moment: datetime, now: datetime) -> int:
    seconds = (moment - now).total_seconds()
    return max(1, int(-(-seconds // 60)))


def unsupported(node_id: str) -> GraphFailure:
    return GraphFailure(
        f"Unsupported get request. Object with ID '{node_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation.",
        100,
        subcode=33,
        type="GraphMethodException",
    )


Clock = Callable[[], datetime]
Params = dict[str, Any]
