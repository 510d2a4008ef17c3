"""The emulated X's records, snowflake ids, rate-limit windows and problem+json answers.

Ids follow X's snowflake layout: milliseconds since the Twitter epoch (2010-11-04) shifted
left 22 bits plus a sequence, which gives 19-digit decimal strings today. Errors are RFC 7807
problems with ``content-type: application/problem+json`` (platform-contracts §1.6).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from starlette.responses import JSONResponse

TWITTER_EPOCH_MS = 1288834974657
PROBLEMS = "https://api.x.com/2/problems"


class Snowflake:
    """Monotonic 19-digit ids, like X's."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def next(self, moment: datetime) -> str:
        with self._lock:
            candidate = (int(moment.timestamp() * 1000) - TWITTER_EPOCH_MS) << 22
            self._last = max(candidate, self._last + 1)
            return str(self._last)


@dataclass
class User:
    id: str
    username: str
    name: str
    created_at: datetime
    followers: int = 0
    following: int = 0


@dataclass
class Client:
    client_id: str
    client_secret: str | None  # None: a public client (client_id in the body, no Basic auth)
    redirect_uris: list[str]


@dataclass
class AccessToken:
    value: str
    user_id: str
    client_id: str
    scopes: list[str]
    expires_at: datetime


@dataclass
class RefreshToken:
    value: str
    user_id: str
    client_id: str
    scopes: list[str]
    used: bool = False


@dataclass
class AuthCode:
    code: str
    client_id: str
    user_id: str
    redirect_uri: str
    scopes: list[str]
    challenge: str
    method: str
    expires_at: datetime
    used: bool = False


@dataclass
class Tweet:
    id: str
    author_id: str
    text: str  # as sent
    shown: str  # as X shows it: entities escaped, links wrapped in t.co
    urls: list[dict[str, Any]]
    created_at: datetime
    conversation_id: str
    in_reply_to_tweet_id: str | None = None
    in_reply_to_user_id: str | None = None
    media_keys: list[str] = field(default_factory=list)
    metrics: dict[str, int] = field(default_factory=dict)
    deleted: bool = False


@dataclass
class Media:
    id: str
    key: str
    owner_id: str
    category: str
    media_type: str
    total_bytes: int
    expires_at: datetime
    segments: dict[int, int] = field(default_factory=dict)  # segment_index -> bytes
    state: str = "initialized"  # initialized | pending | in_progress | succeeded | failed
    polls_left: int = 0
    alt_text: str | None = None

    @property
    def kind(self) -> str:
        return "photo" if self.category.endswith("image") else self.category.split("_")[-1]


@dataclass
class Window:
    start: datetime
    count: int = 0


@dataclass
class RateLimit:
    """Fixed windows per key: ``limit`` requests per ``period``."""

    limit: int
    period: timedelta
    windows: dict[str, Window] = field(default_factory=dict)

    def window(self, key: str, now: datetime) -> Window:
        window = self.windows.get(key)
        if window is None or now >= window.start + self.period:
            window = self.windows[key] = Window(start=now)
        return window

    def exhausted(self, key: str, now: datetime) -> bool:
        return self.window(key, now).count >= self.limit

    def hit(self, key: str, now: datetime) -> None:
        self.window(key, now).count += 1

    def headers(self, key: str, now: datetime, prefix: str = "x-rate-limit") -> dict[str, str]:
        window = self.window(key, now)
        return {
            f"{prefix}-limit": str(self.limit),
            f"{prefix}-remaining": str(max(0, self.limit - window.count)),
            f"{prefix}-reset": str(int((window.start + self.period).timestamp())),
        }


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    kind: str = "about:blank",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {"title": title, "detail": detail, "type": kind, "status": status, **extra}
    return JSONResponse(
        body, status_code=status, headers=headers, media_type="application/problem+json"
    )


def invalid_request(message: str, parameters: dict[str, list[Any]]) -> JSONResponse:
    """400 ``invalid-request`` with ``errors[].parameters`` naming what was wrong."""
    return JSONResponse(
        {
            "errors": [{"parameters": parameters, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": f"{PROBLEMS}/invalid-request",
        },
        status_code=400,
        media_type="application/problem+json",
    )


def oauth_error(
    description: str, error: str = "invalid_request", status: int = 400
) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def tweet_json(tweet: Tweet, fields: set[str]) -> dict[str, Any]:
    """A Tweet object with the requested ``tweet.fields``."""
    data: dict[str, Any] = {
        "id": tweet.id,
        "text": tweet.shown,
        "edit_history_tweet_ids": [tweet.id],
    }
    if "author_id" in fields:
        data["author_id"] = tweet.author_id
    if "created_at" in fields:
        data["created_at"] = iso(tweet.created_at)
    if "conversation_id" in fields:
        data["conversation_id"] = tweet.conversation_id
    if "in_reply_to_user_id" in fields and tweet.in_reply_to_user_id:
        data["in_reply_to_user_id"] = tweet.in_reply_to_user_id
    if "referenced_tweets" in fields and tweet.in_reply_to_tweet_id:
        data["referenced_tweets"] = [{"type": "replied_to", "id": tweet.in_reply_to_tweet_id}]
    if "attachments" in fields and tweet.media_keys:
        data["attachments"] = {"media_keys": list(tweet.media_keys)}
    if "entities" in fields and tweet.urls:
        data["entities"] = {"urls": tweet.urls}
    if "public_metrics" in fields:
        data["public_metrics"] = {
            name: tweet.metrics.get(name, 0)
            for name in (
                "retweet_count",
                "reply_count",
                "like_count",
                "quote_count",
                "bookmark_count",
                "impression_count",
            )
        }
    return data


def user_json(user: User, fields: set[str], tweet_count: int) -> dict[str, Any]:
    data: dict[str, Any] = {"id": user.id, "name": user.name, "username": user.username}
    if "created_at" in fields:
        data["created_at"] = iso(user.created_at)
    if "profile_image_url" in fields:
        data["profile_image_url"] = (
            "https://pbs.twimg.com/profile_images/default_profile_normal.png"
        )
    if "public_metrics" in fields:
        data["public_metrics"] = {
            "followers_count": user.followers,
            "following_count": user.following,
            "tweet_count": tweet_count,
            "listed_count": 0,
            "like_count": 0,
            "media_count": 0,
        }
    return data
