"""LinkedIn's HTTP conventions: required headers, error envelopes as typed outcomes, URNs.

Every call carries ``LinkedIn-Version`` (one constant per SocialMuse release; LinkedIn retires
a version about a year after it ships) and ``X-Restli-Protocol-Version: 2.0.0``. Errors come
as ``{status, serviceErrorCode?, code?, message}`` (OAuth endpoints: ``{error,
error_description}``) and are classified per platform-contracts §2.6 and §10: 401 65601
expired → AuthExpired (refresh if a refresh token exists), 429 → RateLimited until the next
00:00 UTC (LinkedIn's quotas are daily and it sends no reset header), 422 ``DUPLICATE_POST``
→ Rejected naming the earlier post, 5xx or no answer after a post was sent → OutcomeUnknown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import quote

import httpx

from socialmuse.platforms.base import (
    AccountContext,
    AuthExpired,
    PlatformError,
    RateLimited,
    Rejected,
)
from socialmuse.platforms.http import request, server_error

NAME = "LinkedIn"
# https://learn.microsoft.com/linkedin/marketing/versioning: YYYYMM, served about a year.
VERSION = "202605"
API_BASE = "https://api.linkedin.com"
OAUTH_BASE = "https://www.linkedin.com"
Call = Literal["post", "read", "media", "delete", "oauth"]

_RESERVED = set("|{}@[]()<>#\\*_~")


def error_of(response: httpx.Response) -> tuple[str | None, int | None, str]:
    """LinkedIn's ``code``, ``serviceErrorCode`` and own words, whatever the envelope."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return None, None, f"HTTP {response.status_code} {response.reason_phrase}".strip()
    if "error" in body and isinstance(body["error"], str):  # the OAuth endpoints
        described = body.get("error_description")
        return body["error"], None, f"{body['error']}: {described}" if described else body["error"]
    details = (body.get("errorDetails") or {}).get("inputErrors") or []
    code = body.get("code") or next((d.get("code") for d in details if d.get("code")), None)
    service = body.get("serviceErrorCode")
    message = str(body.get("message") or f"HTTP {response.status_code}")
    return code, int(service) if isinstance(service, int) else None, message


def next_midnight(now: datetime) -> datetime:
    """LinkedIn's daily quotas reset at 00:00 UTC."""
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=1)


def permalink(urn: str) -> str:
    return f"https://www.linkedin.com/feed/update/{urn}/"


def classify(response: httpx.Response, call: Call, now: datetime) -> PlatformError:
    """A non-2xx answer as the outcome the publisher acts on, in plain words."""
    status = response.status_code
    code, service, said = error_of(response)
    details: dict[str, Any] = {"http_status": status, "platform_message": said}
    if status == 401:
        if service == 65601 or code == "EXPIRED_ACCESS_TOKEN":
            return AuthExpired(
                f"{NAME} access for this account has expired. SocialMuse renews it when "
                f"{NAME} allows; otherwise reconnect the account in Settings.",
                code="token_expired",
                **details,
            )
        return AuthExpired(
            f"{NAME} no longer accepts this account's access. Reconnect the account in Settings.",
            code="token_invalid",
            **details,
        )
    if status == 426 or code in ("VERSION_MISSING", "NONEXISTENT_VERSION"):
        return Rejected(
            f"{NAME} no longer accepts the API version this SocialMuse release speaks "
            f"({VERSION}). Update SocialMuse to publish to {NAME} again.",
            code="api_version_retired",
            **details,
        )
    if status == 429:
        retry_at = next_midnight(now)
        return RateLimited(
            f"{NAME}'s daily limit for this account is used up; trying again after "
            f"{retry_at:%Y-%m-%d %H:%M} UTC, when it resets.",
            retry_at=retry_at,
            code="rate_limited",
            **details,
        )
    if status >= 500:
        return server_error(NAME, is_write=call == "post", code="server_error", **details)
    if code == "DUPLICATE_POST":
        prior = said.rsplit(" ", 1)[-1] if "urn:li:" in said else None
        where = f" ({permalink(prior)})" if prior else ""
        return Rejected(
            f"{NAME} refused the post as a duplicate of an earlier post with the same words"
            f"{where}. If that is this post, it is already published; otherwise change the text.",
            code="duplicate",
            **details,
        )
    if status == 403:
        return Rejected(
            f"{NAME} does not allow this account to do that. When posting as a page, check "
            "you are still one of its admins, then reconnect the account.",
            code="forbidden",
            **details,
        )
    if status == 404:
        return Rejected(f"{NAME} could not find it.", code="not_found", **details)
    what = {"media": "the image", "oauth": "the authorization"}.get(call, "the post")
    return Rejected(
        f"{NAME} refused {what}. Change it and publish again.", code="rejected", **details
    )


def send(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    token: str | None,
    call: Call,
    version: str = VERSION,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    **kwargs: Any,
) -> httpx.Response:
    """One request with LinkedIn's headers; anything but 2xx raises a PlatformError."""
    headers = dict(kwargs.pop("headers", None) or {})
    if call != "oauth":
        headers.setdefault("LinkedIn-Version", version)
        headers.setdefault("X-Restli-Protocol-Version", "2.0.0")
    return request(
        client,
        method,
        url,
        network=NAME,
        token=token,
        is_write=call == "post",
        classify=lambda response: classify(response, call, clock()),
        headers=headers,
        **kwargs,
    )


def quote_urn(urn: str) -> str:
    """A URN as a path key (Rest.li 2.0 wants ``:``, ``(``, ``,`` encoded too)."""
    return quote(urn, safe="")


def unescape(commentary: str) -> str:
    """Commentary as a person reads it: backslash escapes of reserved characters resolved."""
    out: list[str] = []
    chars = iter(commentary)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            out.append(following if following in _RESERVED else char + following)
        else:
            out.append(char)
    return "".join(out)


def same_commentary(commentary: str, text: str) -> bool:
    """Whether a post's commentary says ``text`` (whitespace differences aside)."""
    return " ".join(unescape(commentary).split()) == " ".join(text.split())


def access_token(account: AccountContext) -> str:
    token = account.credentials.get("access_token")
    if not token:
        raise AuthExpired(
            f"No {NAME} access token is stored for {account.handle}; reconnect the account.",
            code="no_token",
        )
    return str(token)


def author_of(account: AccountContext) -> str:
    """Who posts: the organization chosen at connection, else the member themselves."""
    author = account.credentials.get("author_urn") or account.credentials.get("member_urn")
    return str(author or account.external_id)
