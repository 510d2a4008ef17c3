"""Mastodon's HTTP conventions: how an answer becomes a typed outcome, and how text comes back.

Classification follows platform-contracts §7.6 and §10. What kind of call failed matters:
a status POST that gets a 5xx or no answer may have been saved (OutcomeUnknown); a read, a
media upload (an orphan attachment publishes nothing) or a delete is safe to repeat
(Transient). Statuses come back as HTML ``content``, never the text as sent, so matching a
post to what we sent goes through ``status_text`` and ``same_text``.
"""

from __future__ import annotations

import html
import re
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

NAME = "Mastodon"
Call = Literal["post", "read", "media", "delete"]

_REMOTE_MENTION = re.compile(r"(?<![/\w])@(\w+(?:[\w.-]*\w)?)@[\w.-]+\w", re.UNICODE)
_WHITESPACE = re.compile(r"\s+")


def server_message(response: httpx.Response) -> str:
    """The server's own words: ``error`` (+ ``error_description``), else the status line."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("error"):
        described = body.get("error_description")
        return f"{body['error']}: {described}" if described else str(body["error"])
    return f"HTTP {response.status_code} {response.reason_phrase}".strip()


def reset_time(response: httpx.Response) -> datetime:
    """``X-RateLimit-Reset`` is ISO-8601 with microseconds; without it, wait five minutes."""
    value = response.headers.get("X-RateLimit-Reset", "")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC) + timedelta(minutes=5)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def classify(response: httpx.Response, call: Call) -> PlatformError:
    """A non-2xx answer as the outcome the publisher acts on, in plain words."""
    status = response.status_code
    said = server_message(response)
    details: dict[str, Any] = {"http_status": status, "platform_message": said}
    if status == 401 or (status == 403 and "scope" in said):
        return AuthExpired(
            f"{NAME} no longer accepts this account's access ({said}). "
            "Reconnect the account in Settings.",
            code="auth_expired",
            **details,
        )
    if status == 429:
        return slow_down(NAME, reset_time(response), said=said, code="rate_limited", **details)
    if status >= 500:
        return server_error(
            NAME, is_write=call == "post", said=said, code="server_error", **details
        )
    if status == 404:
        return Rejected(f"{NAME} could not find it: {said}.", code="not_found", **details)
    what = "the media file" if call == "media" else "the post"
    return Rejected(
        f"{NAME} refused {what}: {said}. Change it and publish again.",
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


def status_text(status: dict[str, Any]) -> str:
    """A Status's HTML ``content`` back as plain text (paragraphs and line breaks kept)."""
    content = str(status.get("content") or "")
    content = re.sub(r"<br\s*/?>", "\n", content)
    content = re.sub(r"</p>\s*<p>", "\n\n", content)
    return html.unescape(re.sub(r"<[^>]+>", "", content))


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return _WHITESPACE.sub(" ", _REMOTE_MENTION.sub(r"@\1", text)).strip()


def same_text(status: dict[str, Any], text: str) -> bool:
    """Whether a Status says ``text`` (Mastodon may show ``@user@server`` as ``@user``)."""
    return _normal(status_text(status)) == _normal(text)


def parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def instance_base(instance_url: str) -> str:
    """``social.example`` or ``https://social.example/`` → ``https://social.example``."""
    url = instance_url.strip().rstrip("/")
    return url if "://" in url else f"https://{url}"


def access_token(account: AccountContext) -> str:
    token = account.credentials.get("access_token")
    if not token:
        raise AuthExpired(
            f"No {NAME} access token is stored for {account.handle}; reconnect the account.",
            code="no_token",
        )
    return str(token)
