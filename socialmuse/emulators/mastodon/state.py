"""The emulated instance's records, id generator and rate-limit windows, and their JSON shapes.

Shapes follow Mastodon's entities (Account, Status, MediaAttachment): ids are numeric
strings from a snowflake-like generator (milliseconds << 16 | sequence), timestamps are
ISO-8601 with milliseconds and a ``Z``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from socialmuse.emulators.mastodon.text import render_html


def iso_ms(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def iso_us(moment: datetime) -> str:
    """Rate-limit reset as Mastodon sends it: ISO-8601 with microseconds."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Snowflake:
    """Monotonic numeric string ids, like Mastodon's ``timestamp_id``."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def next(self, moment: datetime) -> str:
        with self._lock:
            candidate = int(moment.timestamp() * 1000) << 16
            self._last = max(candidate, self._last + 1)
            return str(self._last)


@dataclass
class Account:
    id: str
    username: str
    display_name: str
    created_at: datetime
    followers: int = 0
    following: int = 0
    note: str = ""


@dataclass
class App:
    id: str
    name: str
    website: str | None
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    scopes: list[str]


@dataclass
class Token:
    value: str
    account_id: str | None  # None for a client_credentials (app-only) token
    client_id: str | None
    scopes: list[str]
    created_at: datetime
    revoked: bool = False

    def allows(self, scope: str) -> bool:
        """``read`` covers ``read:statuses``; ``write`` covers ``write:media``; and so on."""
        return scope in self.scopes or scope.split(":")[0] in self.scopes


@dataclass
class AuthCode:
    code: str
    client_id: str
    account_id: str
    redirect_uri: str
    scopes: list[str]
    challenge: str | None
    expires_at: datetime
    used: bool = False


@dataclass
class Media:
    id: str
    account_id: str
    kind: str  # image | video | gifv | audio
    content_type: str
    size: int
    description: str | None
    polls_left: int  # GET /api/v1/media/:id answers 206 this many more times
    status_id: str | None = None

    @property
    def processed(self) -> bool:
        return self.polls_left <= 0


@dataclass
class Status:
    id: str
    account_id: str
    text: str
    spoiler_text: str
    visibility: str
    language: str | None
    in_reply_to_id: str | None
    created_at: datetime
    media_ids: list[str]
    application: str | None
    sensitive: bool = False
    counters: dict[str, int] = field(default_factory=dict)  # favourites, reblogs, replies


@dataclass
class Window:
    start: datetime
    count: int = 0


@dataclass
class RateLimit:
    """A fixed window per key (token, account or address): ``limit`` hits per ``period``."""

    limit: int
    period: timedelta
    windows: dict[str, Window] = field(default_factory=dict)

    def _window(self, key: str, now: datetime) -> Window:
        window = self.windows.get(key)
        if window is None or now >= window.start + self.period:
            window = self.windows[key] = Window(start=now)
        return window

    def exhausted(self, key: str, now: datetime) -> bool:
        return self._window(key, now).count >= self.limit

    def hit(self, key: str, now: datetime) -> None:
        self._window(key, now).count += 1

    def headers(self, key: str, now: datetime) -> dict[str, str]:
        window = self._window(key, now)
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - window.count)),
            "X-RateLimit-Reset": iso_us(window.start + self.period),
        }


def account_json(account: Account, base_url: str, statuses_count: int) -> dict[str, Any]:
    return {
        "id": account.id,
        "username": account.username,
        "acct": account.username,
        "display_name": account.display_name,
        "locked": False,
        "bot": False,
        "discoverable": True,
        "group": False,
        "created_at": iso_ms(account.created_at.replace(hour=0, minute=0, second=0, microsecond=0)),
        "note": account.note,
        "url": f"{base_url}/@{account.username}",
        "uri": f"{base_url}/users/{account.username}",
        "avatar": f"{base_url}/avatars/original/missing.png",
        "avatar_static": f"{base_url}/avatars/original/missing.png",
        "header": f"{base_url}/headers/original/missing.png",
        "header_static": f"{base_url}/headers/original/missing.png",
        "followers_count": account.followers,
        "following_count": account.following,
        "statuses_count": statuses_count,
        "last_status_at": None,
        "emojis": [],
        "fields": [],
    }


def media_json(media: Media, base_url: str) -> dict[str, Any]:
    ext = media.content_type.split("/")[-1]
    url = f"{base_url}/system/media_attachments/files/{media.id}/original.{ext}"
    return {
        "id": media.id,
        "type": media.kind,
        "url": url if media.processed else None,
        "preview_url": f"{base_url}/system/media_attachments/files/{media.id}/small.png",
        "remote_url": None,
        "preview_remote_url": None,
        "text_url": None,
        "meta": {},
        "description": media.description,
        "blurhash": None,
    }


def status_json(
    status: Status,
    *,
    account: dict[str, Any],
    base_url: str,
    media: list[Media],
    replies: int,
    in_reply_to_account_id: str | None,
) -> dict[str, Any]:
    username = account["username"]
    return {
        "id": status.id,
        "created_at": iso_ms(status.created_at),
        "in_reply_to_id": status.in_reply_to_id,
        "in_reply_to_account_id": in_reply_to_account_id,
        "sensitive": status.sensitive,
        "spoiler_text": status.spoiler_text,
        "visibility": status.visibility,
        "language": status.language,
        "uri": f"{base_url}/users/{username}/statuses/{status.id}",
        "url": f"{base_url}/@{username}/{status.id}",
        "replies_count": status.counters.get("replies", replies),
        "reblogs_count": status.counters.get("reblogs", 0),
        "favourites_count": status.counters.get("favourites", 0),
        "quotes_count": 0,
        "edited_at": None,
        "favourited": False,
        "reblogged": False,
        "muted": False,
        "bookmarked": False,
        "pinned": False,
        "content": render_html(status.text, base_url),
        "filtered": [],
        "reblog": None,
        "application": {"name": status.application, "website": None}
        if status.application
        else None,
        "account": account,
        "media_attachments": [media_json(m, base_url) for m in media],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "card": None,
        "poll": None,
    }
