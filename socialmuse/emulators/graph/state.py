"""Records of the emulated Graph (people, Pages, IG and Threads users, tokens, posts, containers).

Facebook posts, Instagram media and Threads posts are all ``Item``s in one id space, as on
Meta's Graph where any node is reachable as ``/{id}``. ``GraphFailure`` is the error
envelope of platform-contracts §3.1, raised by the rules and answered by the routes.
"""

from __future__ import annotations

import base64
import itertools
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import regex

_EMOJI = regex.compile(r"\p{Extended_Pictographic}(?:\uFE0F|\u200D\p{Extended_Pictographic})*")


class GraphFailure(Exception):
    """One Graph error answer: ``{"error": {message, type, code, error_subcode, ...}}``."""

    def __init__(
        self,
        message: str,
        code: int,
        *,
        subcode: int | None = None,
        status: int = 400,
        type: str = "OAuthException",
        user_title: str | None = None,
        user_message: str | None = None,
        transient: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.subcode = subcode
        self.status = status
        self.type = type
        self.user_title = user_title
        self.user_message = user_message
        self.transient = transient
        self.headers = headers or {}

    def body(self, trace: str) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "type": self.type, "code": self.code}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.user_title:
            error["error_user_title"] = self.user_title
        if self.user_message:
            error["error_user_msg"] = self.user_message
        error["is_transient"] = self.transient
        error["fbtrace_id"] = trace
        return {"error": error}


def invalid(user_message: str, *, subcode: int | None = None) -> GraphFailure:
    """``(#100) Invalid parameter`` with Meta's user-facing explanation."""
    return GraphFailure("(#100) Invalid parameter", 100, subcode=subcode, user_message=user_message)


def graph_error_body(message: str, code: int, **extra: Any) -> dict[str, Any]:
    """A Graph envelope for scripted faults (``Fault(body=...)``)."""
    return {"error": {"message": message, "type": "OAuthException", "code": code, **extra}}


class Ids:
    """Numeric string ids of Graph's ~17-digit shape, increasing."""

    def __init__(self, start: int = 17841400000000000) -> None:
        self._counter = itertools.count(start)
        self._lock = threading.Lock()

    def next(self) -> str:
        with self._lock:
            return str(next(self._counter))


@dataclass
class Token:
    value: str
    kind: str  # user | page | instagram | threads
    subject: str  # the person, Page, IG user or Threads user it speaks for
    issued_at: datetime
    expires_at: datetime | None
    scopes: list[str]
    long_lived: bool = False
    revoked: bool = False


@dataclass
class Person:
    """A Facebook user who manages Pages."""

    id: str
    name: str
    pages: list[str] = field(default_factory=list)


@dataclass
class Profile:
    """A Page, an Instagram professional account or a Threads profile."""

    id: str
    network: str  # facebook | instagram | threads
    name: str
    username: str
    followers: int = 0
    follows: int = 0
    page_token: str | None = None  # Pages only: the never-expiring Page token


@dataclass
class Container:
    id: str
    network: str  # instagram | threads
    owner: str
    media_type: str
    created_at: datetime
    text: str = ""
    image_url: str | None = None
    video_url: str | None = None
    alt_text: str | None = None
    is_carousel_item: bool = False
    children: list[str] = field(default_factory=list)
    reply_to_id: str | None = None
    polls_left: int = 0
    failed: str | None = None  # the ERROR text once processing fails
    published_id: str | None = None


@dataclass
class Item:
    """A published Facebook post, Instagram media or Threads post (replies included)."""

    id: str
    network: str
    owner: str
    text: str
    created_at: datetime
    media_type: str = "TEXT"
    shortcode: str = ""
    link: str | None = None
    photo_ids: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    reply_to_id: str | None = None
    root_id: str | None = None
    container_id: str | None = None
    counters: dict[str, int] = field(default_factory=dict)
    insights: dict[str, int] = field(default_factory=dict)


@dataclass
class Comment:
    """A comment on a Facebook post or Instagram media (or a reply to a comment)."""

    id: str
    network: str
    on: str  # the post, media or comment it answers
    author_id: str
    author_name: str
    text: str
    created_at: datetime


@dataclass
class AuthCode:
    code: str
    network: str
    subject: str
    redirect_uri: str
    client_id: str
    challenge: str | None
    used: bool = False


def shortcode(item_id: str) -> str:
    """An 11-character code like Instagram's, derived from the id."""
    raw = int(item_id).to_bytes(8, "big")
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")[:11]


def graph_time(moment: datetime) -> str:
    """Graph timestamps: ``2026-03-01T09:30:15+0000``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def threads_length(text: str) -> int:
    """Threads' count: characters, with every emoji counted as its UTF-8 byte length."""
    total = 0
    position = 0
    for match in _EMOJI.finditer(text):
        total += len(text[position : match.start()]) + len(match.group().encode())
        position = match.end()
    return total + len(text[position:])


def field_names(fields: str | None) -> list[str]:
    """Top-level names of a Graph ``fields`` list: ``a,b.summary(x),c{d,e}`` → a, b, c."""
    if not fields:
        return []
    names, depth, current = [], 0, ""
    for char in fields:
        if char in "({":
            depth += 1
        elif char in ")}":
            depth -= 1
        if char == "," and depth == 0:
            names.append(current)
            current = ""
        else:
            current += char
    names.append(current)
    return [regex.split(r"[.({]", name.strip(), maxsplit=1)[0] for name in names if name.strip()]


def pick(record: dict[str, Any], fields: str | None, default: tuple[str, ...]) -> dict[str, Any]:
    """The requested fields (``id`` always), or the node's defaults."""
    wanted = field_names(fields) or list(default)
    return {"id": record["id"], **{k: record[k] for k in wanted if k in record and k != "id"}}
