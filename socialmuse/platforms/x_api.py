"""X's HTTP conventions: how an answer becomes a typed outcome, and how text comes back.

Classification follows platform-contracts §1.6 and §10. Errors are RFC 7807 problems;
X's own words are ``errors[].message`` (invalid requests) or ``detail``. What kind of call
failed matters: a post that gets a 5xx or no answer may have been saved (OutcomeUnknown); a
read, a media upload (an orphan upload publishes nothing) or a delete is safe to repeat
(Transient). Posts come back with ``& < >`` as HTML entities and links wrapped in t.co, so
matching a post to what we sent goes through ``tweet_text`` and ``same_text``.
"""

from __future__ import annotations

import html
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import httpx

from socialmuse.platforms.base import (
    AccountContext,
    AuthExpired,
    PlatformError,
    Rejected,
)
from socialmuse.platforms.http import request, server_error, slow_down

NAME = "X"
API_URL = "https://api.x.com"
Call = Literal["post", "read", "media", "delete", "token"]


def x_message(response: httpx.Response) -> str:
    """X's own words: ``errors[].message``, else ``detail``/``title``, else the status line."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        messages = [
            str(e.get("message") or e.get("detail"))
            for e in body.get("errors") or []
            if isinstance(e, dict) and (e.get("message") or e.get("detail"))
        ]
        if messages:
            return " ".join(messages)
        if body.get("error_description"):
            return str(body["error_description"])
        if body.get("detail") or body.get("title"):
            return str(body.get("detail") or body.get("title"))
    return f"HTTP {response.status_code} {response.reason_phrase}".strip()


def reset_time(response: httpx.Response) -> datetime:
    """``x-rate-limit-reset`` (or the 24-hour app/user reset) is epoch seconds; else 15 min."""
    for header in ("x-rate-limit-reset", "x-app-limit-24hour-reset", "x-user-limit-24hour-reset"):
        remaining = response.headers.get(header.replace("-reset", "-remaining"), "")
        value = response.headers.get(header, "")
        if value.isdigit() and remaining in ("0", ""):
            return datetime.fromtimestamp(int(value), UTC)
    return datetime.now(UTC) + timedelta(minutes=15)


def classify(response: httpx.Response, call: Call) -> PlatformError:
    """A non-2xx answer as the outcome the publisher acts on, in plain words."""
    status = response.status_code
    said = x_message(response)
    details: dict[str, Any] = {"http_status": status, "platform_message": said}
    if status == 401:
        return AuthExpired(
            f"{NAME} no longer accepts this account's access token ({said}). SocialMuse "
            "refreshes it on its own; if this persists, reconnect the account in Settings.",
            code="auth_expired",
            **details,
        )
    if status == 429:
        return slow_down(NAME, reset_time(response), said=said, code="rate_limited", **details)
    if status >= 500:
        return server_error(
            NAME, is_write=call == "post", said=said, code="server_error", **details
        )
    if status == 403 and "duplicate" in said.lower():
        return Rejected(
            f"{NAME} refused the post because this account published the same text recently: "
            f"{said} Change the wording, or check the account: it may already be there.",
            code="duplicate",
            **details,
        )
    if status == 403:
        return Rejected(
            f"{NAME} does not allow this: {said}. If the account was connected before posting "
            "permissions were added, reconnect it in Settings.",
            code="forbidden",
            **details,
        )
    if status == 404:
        return Rejected(f"{NAME} could not find it: {said}", code="not_found", **details)
    what = "the media file" if call == "media" else "the post"
    return Rejected(
        f"{NAME} refused {what}: {said} Change it and publish again.",
        code="rejected",
        **details,
    )


def send(
    client: httpx.Client, method: str, url: str, *, token: str | None, call: Call, **kwargs: Any
) -> httpx.Response:
    """One request; anything but 2xx (or a transport failure) raises a PlatformError."""
    return request(
        client,
        method,
        url,
        network=NAME,
        token=token,
        is_write=call == "post",
        classify=lambda response: classify(response, call),
        **kwargs,
    )


def tweet_text(tweet: dict[str, Any]) -> str:
    """A post's text as written: t.co links expanded (``entities.urls``), entities unescaped."""
    text = str(tweet.get("text") or "")
    for url in (tweet.get("entities") or {}).get("urls") or []:
        if url.get("url") and url.get("expanded_url"):
            text = text.replace(url["url"], url["expanded_url"])
    return html.unescape(text)


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def same_text(tweet: dict[str, Any], text: str) -> bool:
    """Whether a post says ``text``; a bare ``example.com`` comes back as ``http://…``."""
    shown, sent = _normal(tweet_text(tweet)), _normal(text)
    return shown == sent or shown.replace("http://", "") == sent.replace("http://", "")


def parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def api_base(account: AccountContext, default: str) -> str:
    """The account's API host (an emulator's, in tests and the demo), else ``default``."""
    return (account.base_url or default).rstrip("/")


def access_token(account: AccountContext) -> str:
    token = account.credentials.get("access_token")
    if not token:
        raise AuthExpired(
            f"No {NAME} access token is stored for @{account.handle}; reconnect the account.",
            code="no_token",
        )
    return str(token)


def permalink(username: str, tweet_id: str) -> str:
    return f"https://x.com/{username}/status/{tweet_id}"
