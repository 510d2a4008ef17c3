"""The one adapter protocol every network implements, and the typed outcomes it returns.

Adapters speak HTTP (httpx) to one network and nothing else: no database, no queue. The
publishing service classifies what they raise:

  RateLimited     the network said "later": retry at ``retry_at`` (its own reset time)
  AuthExpired     the token no longer works: refresh once, else "reconnect needed"
  Rejected        the network refused this content (validation, duplicate): final
  Transient       nothing was created (connection refused, 5xx before the write): retry
  OutcomeUnknown  the request may have been applied (timeout after sending, 5xx after
                  saving): never retried blindly; reconcile with ``find_published`` first
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from socialmuse.models.enums import Platform


class PlatformError(Exception):
    """A network's answer that is not success; ``platform_message`` is its own words."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        http_status: int | None = None,
        platform_message: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status
        self.platform_message = platform_message


class RateLimited(PlatformError):
    def __init__(self, message: str, *, retry_at: datetime, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_at = retry_at


class AuthExpired(PlatformError):
    """The credentials are expired or revoked."""


class Rejected(PlatformError):
    """Final: the network will not accept this content as it is."""


class Transient(PlatformError):
    """Nothing was created; the same request may be sent again after a backoff."""


class OutcomeUnknown(PlatformError):
    """The write may have happened; reconcile before any retry."""


@dataclass(frozen=True)
class MediaFile:
    """A file to attach, as the adapter needs it (bytes are read lazily from ``path``)."""

    path: Path
    content_type: str
    size_bytes: int
    alt_text: str = ""
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None


@dataclass(frozen=True)
class PostContent:
    """One variant of a post for one network: text, media, thread parts, first comment."""

    text: str
    media: tuple[MediaFile, ...] = ()
    thread: tuple[str, ...] = ()
    first_comment: str | None = None


@dataclass
class AccountContext:
    """What an adapter knows of one connected account (decrypted credentials included)."""

    platform: Platform
    external_id: str
    handle: str
    base_url: str
    credentials: dict[str, Any] = field(default_factory=dict)
    credentials_changed: bool = False  # set by an adapter that refreshed tokens in passing

    def update_credentials(self, **values: Any) -> None:
        self.credentials.update(values)
        self.credentials_changed = True


@dataclass(frozen=True)
class Published:
    """Where the post now lives."""

    external_id: str
    permalink: str
    part_ids: tuple[str, ...] = ()  # thread parts after the first, and the first comment


@dataclass(frozen=True)
class Problem:
    """One reason a variant cannot be published, in plain words, naming the network."""

    code: str
    message: str


@dataclass(frozen=True)
class PostMetrics:
    impressions: int | None = None
    likes: int = 0
    comments: int = 0
    shares: int = 0
    clicks: int | None = None
    saves: int | None = None
    video_views: int | None = None


@dataclass(frozen=True)
class AccountMetrics:
    followers: int
    following: int | None = None
    posts: int | None = None


@dataclass(frozen=True)
class Comment:
    external_id: str
    author_handle: str
    text: str
    created_at: datetime
    in_reply_to: str | None = None


@dataclass(frozen=True)
class ConnectedAccount:
    """What a successful connection yields: identity and the credentials to store encrypted."""

    external_id: str
    handle: str
    display_name: str
    credentials: dict[str, Any]
    token_expires_at: datetime | None = None
    avatar_url: str | None = None


@runtime_checkable
class Adapter(Protocol):
    """Everything SocialMuse asks of a network. One instance per process per network."""

    platform: Platform

    def validate(self, content: PostContent) -> list[Problem]:
        """Every problem of this variant, before anything is sent (the composer's rule too)."""
        ...

    def publish(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published:
        """Create the post; raise a PlatformError subclass on anything but success."""
        ...

    def find_published(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published | None:
        """Reconcile: the post this key created, if the network has it (None if not)."""
        ...

    def delete(self, account: AccountContext, external_id: str) -> None: ...

    def refresh(self, account: AccountContext) -> ConnectedAccount:
        """New credentials before expiry; AuthExpired when the network refuses."""
        ...

    def fetch_post_metrics(self, account: AccountContext, external_id: str) -> PostMetrics: ...

    def fetch_account_metrics(self, account: AccountContext) -> AccountMetrics: ...

    def fetch_comments(
        self, account: AccountContext, external_id: str, *, since: datetime | None = None
    ) -> list[Comment]: ...

    def reply(
        self, account: AccountContext, in_reply_to: str, text: str, *, idempotency_key: str
    ) -> Published: ...


@runtime_checkable
class OAuthConnect(Protocol):
    """Networks connected through OAuth 2.0 with PKCE (X, LinkedIn, Meta, Mastodon)."""

    def authorization_url(self, *, redirect_uri: str, state: str, code_challenge: str) -> str: ...

    def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str
    ) -> ConnectedAccount: ...


@runtime_checkable
class PasswordConnect(Protocol):
    """Networks connected with a handle and an app password (Bluesky)."""

    def connect_with_password(
        self, *, service_url: str, identifier: str, password: str
    ) -> ConnectedAccount: ...


@dataclass(frozen=True)
class PublicProfile:
    """A public account anyone can look up (competitor tracking): audience and recent output.

    ``recent_posts`` and ``recent_engagements`` cover the account's own posts (no replies)
    of the last ``RECENT_DAYS`` days among the newest ones the network lists.
    """

    external_id: str
    handle: str
    display_name: str
    followers: int
    following: int | None = None
    posts: int | None = None
    recent_posts: int = 0
    recent_engagements: int = 0


RECENT_DAYS = 7
