"""The emulated LinkedIn's records, ids, API versions and "little text" reading.

Shapes follow platform-contracts §2: share URNs are ``urn:li:share:<19 digits>`` from a
snowflake-like generator (milliseconds << 22 | sequence), times are epoch milliseconds, and
``LinkedIn-Version`` is ``YYYYMM`` (optionally ``.RR``), each version served for a year after
its release month (the sunset rule is UNVERIFIED, so the lifetime is a parameter).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

VERSION_RE = re.compile(r"^(\d{4})(\d{2})(?:\.\d{2})?$")

# Reserved "little text" characters (§2.2); a backslash makes one literal.
RESERVED = set("|{}@[]()<>#\\*_~")
_MENTION_RE = re.compile(r"@\[([^\]\\]*)\]\((urn:li:(?:person|organization):[^)\s]+)\)")
_HASHTAG_RE = re.compile(r"#\w")


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class ShareIds:
    """Monotonic 19-digit activity ids, like LinkedIn's (time-ordered)."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def next(self, moment: datetime) -> str:
        with self._lock:
            self._last = max(epoch_ms(moment) << 22, self._last + 1)
            return str(self._last)


def version_months(version: str) -> int | None:
    """``202605`` or ``202605.01`` as a month number (year * 12 + month), else None."""
    match = VERSION_RE.match(version)
    if not match or not 1 <= int(match[2]) <= 12:
        return None
    return int(match[1]) * 12 + int(match[2]) - 1


def version_active(version: str, now: datetime, lifetime_months: int) -> bool:
    """Released (its month has come) and not yet sunset (``lifetime_months`` after release)."""
    months = version_months(version)
    current = now.year * 12 + now.month - 1
    return months is not None and months <= current < months + lifetime_months


def read_little_text(commentary: str, *, truncate: bool) -> tuple[str, int]:
    """The text a reader sees (escapes resolved, mentions as ``@Name``) and where it ends.

    An unescaped reserved character that starts no mention or hashtag cuts the commentary
    there (LinkedIn answers 201 and keeps only what came before it) when ``truncate`` is on;
    the second value is how much of ``commentary`` was kept.
    """
    kept: list[str] = []
    i = 0
    while i < len(commentary):
        char = commentary[i]
        if char == "\\" and i + 1 < len(commentary) and commentary[i + 1] in RESERVED:
            kept.append(commentary[i + 1])
            i += 2
            continue
        if char in RESERVED:
            mention = _MENTION_RE.match(commentary, i)
            if mention:
                kept.append(f"@{mention[1]}")
                i = mention.end()
                continue
            if _HASHTAG_RE.match(commentary, i):
                kept.append(char)
                i += 1
                continue
            if truncate:
                break
        kept.append(char)
        i += 1
    return "".join(kept), i


@dataclass
class Member:
    id: str  # the OpenID ``sub``; the person URN is urn:li:person:<id>
    given_name: str
    family_name: str
    email: str

    @property
    def urn(self) -> str:
        return f"urn:li:person:{self.id}"

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


@dataclass
class Organization:
    id: str
    name: str
    vanity_name: str
    followers: int = 0
    roles: dict[str, str] = field(default_factory=dict)  # member id -> role

    @property
    def urn(self) -> str:
        return f"urn:li:organization:{self.id}"


@dataclass
class App:
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    refresh_tokens: bool = False  # programmatic refresh tokens (approved partners only)


@dataclass
class AuthCode:
    code: str
    client_id: str
    member_id: str
    redirect_uri: str
    scopes: list[str]
    challenge: str | None
    expires_at: datetime
    used: bool = False


@dataclass
class Token:
    value: str
    member_id: str
    scopes: list[str]
    expires_at: datetime
    client_id: str | None = None
    revoked: bool = False


@dataclass
class RefreshGrant:
    """A refresh token: its expiry is fixed at the first grant and never extended."""

    value: str
    member_id: str
    client_id: str
    scopes: list[str]
    expires_at: datetime


@dataclass
class Post:
    urn: str
    author: str
    commentary: str  # as LinkedIn keeps it (escaped form, possibly truncated)
    visibility: str
    lifecycle_state: str
    distribution: dict[str, Any]
    content: dict[str, Any] | None
    created_at: datetime
    reshare_disabled: bool = False
    deleted_at: datetime | None = None
    statistics: dict[str, int] = field(default_factory=dict)
    reactions: dict[str, int] = field(default_factory=dict)


@dataclass
class Image:
    urn: str
    owner: str
    upload_token: str
    status: str = "WAITING_UPLOAD"  # → PROCESSING (bytes received) → AVAILABLE
    polls_left: int = 0
    size: int = 0


@dataclass
class CommentRecord:
    id: str
    actor: str
    object: str  # the post URN the comment is on
    text: str
    created_at: datetime
    parent: str | None = None  # comment URN this one answers

    def urn(self, activity: str) -> str:
        return f"urn:li:comment:({activity},{self.id})"


def post_json(post: Post) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": post.urn,
        "author": post.author,
        "commentary": post.commentary,
        "visibility": post.visibility,
        "lifecycleState": post.lifecycle_state,
        "distribution": post.distribution,
        "isReshareDisabledByAuthor": post.reshare_disabled,
        "createdAt": epoch_ms(post.created_at),
        "publishedAt": epoch_ms(post.created_at),
        "lastModifiedAt": epoch_ms(post.created_at),
        "lifecycleStateInfo": {"isEditedByAuthor": False},
    }
    if post.content:
        body["content"] = post.content
    return body


def comment_json(comment: CommentRecord, activity: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": comment.id,
        "commentUrn": comment.urn(activity),
        "actor": comment.actor,
        "object": comment.object,
        "message": {"text": comment.text},
        "created": {"actor": comment.actor, "time": epoch_ms(comment.created_at)},
        "lastModified": {"actor": comment.actor, "time": epoch_ms(comment.created_at)},
    }
    if comment.parent:
        body["parentComment"] = comment.parent
    return body
