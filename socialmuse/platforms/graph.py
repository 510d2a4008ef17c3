"""Meta's Graph API conventions, shared by Facebook Pages, Instagram and Threads.

One place turns a Graph answer into a typed outcome (platform-contracts §3.1, §3.2, §10):

* 190 (463 expired, 460 password changed, ...), 102, 10 and 200-299 (a permission is
  missing) → AuthExpired: only the person can fix it, by reconnecting.
* 4, 17, 32, 341, 613, 80001, 80002 → RateLimited. Meta sends no ``Retry-After``; the wait
  is ``estimated_time_to_regain_access`` (minutes) from ``X-Business-Use-Case-Usage`` (or
  ``X-Page-Usage``/``X-App-Usage``), else a fixed backoff.
* 9007 (publish before the container is ready) → Transient: nothing was published.
* 506 and 368 (duplicate / "You've already posted this") and 100 → Rejected (final).
* 1, 2, any 5xx and a lost answer → OutcomeUnknown on the write that creates the post
  (Meta has been seen to save the post and answer code 2), Transient on everything else:
  reads, container creation (an unpublished container shows nowhere), deletes.

HTTP status is mostly 400 whatever went wrong, so the code decides, never the status.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import httpx

from socialmuse.platforms.base import (
    AccountContext,
    AuthExpired,
    OutcomeUnknown,
    PlatformError,
    Rejected,
    Transient,
)
from socialmuse.platforms.http import server_error, shared_client, slow_down, transport_failure

# facebook-python-business-sdk apiconfig.py pins v25.0 (platform-contracts §3).
GRAPH_VERSION = "v25.0"
THREADS_VERSION = "v1.0"
FACEBOOK_GRAPH = "https://graph.facebook.com"
INSTAGRAM_GRAPH = "https://graph.instagram.com"
THREADS_GRAPH = "https://graph.threads.net"

# Without an estimate from Meta, wait this long after a throttling error (§3.2 windows are
# a rolling hour for app/user limits; BUC limits carry their own estimate).
DEFAULT_BACKOFF = timedelta(minutes=15)

Call = Literal["publish", "read", "delete"]

AUTH_CODES = frozenset({190, 102, 10})
RATE_CODES = frozenset({4, 17, 32, 341, 613, 80001, 80002})
DUPLICATE_CODES = frozenset({506, 368})
UNKNOWN_CODES = frozenset({1, 2})
NOT_READY_CODE = 9007  # "Media ID is not available": published before the container was ready
USAGE_HEADERS = ("X-Business-Use-Case-Usage", "X-Page-Usage", "X-App-Usage")


@dataclass(frozen=True)
class GraphError:
    """Meta's error envelope, ``{"error": {...}}``."""

    message: str
    code: int | None = None
    subcode: int | None = None
    type: str = ""
    user_title: str = ""
    user_message: str = ""
    is_transient: bool = False
    fbtrace_id: str = ""

    @classmethod
    def of(cls, response: httpx.Response) -> GraphError:
        try:
            body = response.json()
        except ValueError:
            body = None
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return cls(f"HTTP {response.status_code} {response.reason_phrase}".strip())

        def number(key: str) -> int | None:
            value = error.get(key)
            return int(value) if isinstance(value, int | str) and str(value).isdigit() else None

        return cls(
            message=str(error.get("message") or f"HTTP {response.status_code}"),
            code=number("code"),
            subcode=number("error_subcode"),
            type=str(error.get("type") or ""),
            user_title=str(error.get("error_user_title") or ""),
            user_message=str(error.get("error_user_msg") or ""),
            is_transient=bool(error.get("is_transient")),
            fbtrace_id=str(error.get("fbtrace_id") or ""),
        )

    @property
    def said(self) -> str:
        """Meta's own words: the message, and the user-facing text when there is one."""
        if self.user_message and self.user_message not in self.message:
            return f"{self.message} ({self.user_message})"
        return self.message


def regain_access_at(response: httpx.Response, now: datetime) -> datetime:
    """When Meta estimates access comes back: the largest ``estimated_time_to_regain_access``."""
    minutes = 0
    for name in USAGE_HEADERS:
        raw = response.headers.get(name)
        if not raw:
            continue
        try:
            usage = json.loads(raw)
        except ValueError:
            continue
        for entry in _usage_entries(usage):
            value = entry.get("estimated_time_to_regain_access")
            if isinstance(value, int | float):
                minutes = max(minutes, int(value))
    return now + (timedelta(minutes=minutes) if minutes > 0 else DEFAULT_BACKOFF)


def _usage_entries(usage: Any) -> Iterator[dict[str, Any]]:
    """BUC headers map object ids to lists of entries; the others are one flat entry."""
    if not isinstance(usage, dict):
        return
    if any(isinstance(v, list) for v in usage.values()):
        for entries in usage.values():
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict):
                    yield entry
    else:
        yield usage


def classify(network: str, response: httpx.Response, call: Call, *, now: datetime) -> PlatformError:
    """A Graph error answer as the outcome the publisher acts on, in plain words."""
    error = GraphError.of(response)
    code, said = error.code, error.said
    details: dict[str, Any] = {
        "http_status": response.status_code,
        "platform_message": said,
        "code": f"graph_{code}" if code is not None else f"http_{response.status_code}",
    }
    if code in AUTH_CODES or (code is not None and 200 <= code <= 299):
        why = (
            "the access token has expired"
            if error.subcode == 463
            else "a permission SocialMuse needs is missing"
            if code != 190 and code != 102
            else "the access token is no longer valid"
        )
        return AuthExpired(
            f"{network} no longer accepts this account's access: {why}. "
            "Reconnect the account in Settings.",
            **details,
        )
    if code in RATE_CODES:
        return slow_down(network, regain_access_at(response, now), **details)
    if code == NOT_READY_CODE:
        return Transient(
            f"{network} has not finished preparing the media; trying again shortly.", **details
        )
    if code in DUPLICATE_CODES:
        return Rejected(
            f"{network} refused the post as a duplicate of one already published. "
            "Change the text if you mean to post it again.",
            **details,
        )
    server_side = response.status_code >= 500 or code in UNKNOWN_CODES
    if server_side:
        return server_error(network, is_write=call == "publish", **details)
    what = "the post" if call == "publish" else "the request"
    return Rejected(f"{network} refused {what}. Change it and publish again.", **details)


class GraphApi:
    """Requests to one Graph host family; the token travels as the ``access_token`` param."""

    def __init__(
        self,
        network: str,
        *,
        default_host: str,
        version: str,
        client: httpx.Client | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.network = network
        self.default_host = default_host
        self.version = version
        self._own_client = client
        self.clock = clock

    @property
    def client(self) -> httpx.Client:
        return self._own_client or shared_client()

    def host(self, account: AccountContext | None = None) -> str:
        """The account's Graph host (an emulator in tests), else Meta's."""
        base = account.base_url if account is not None and account.base_url else ""
        return (base or self.default_host).rstrip("/")

    def url(self, host: str, path: str, *, versioned: bool = True) -> str:
        prefix = f"/{self.version}" if versioned else ""
        return f"{host.rstrip('/')}{prefix}/{path.lstrip('/')}"

    def request(
        self,
        method: str,
        url: str,
        *,
        call: Call,
        token: str | None = None,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        files: Any = None,
        timeout: Any = httpx.USE_CLIENT_DEFAULT,
    ) -> dict[str, Any]:
        """One call; anything but 2xx (or a transport failure) raises a PlatformError."""
        params = dict(params or {})
        if token is not None:
            if method == "GET" or method == "DELETE":
                params["access_token"] = token
            else:
                data = {**(data or {}), "access_token": token}
        try:
            response = self.client.request(
                method, url, params=params, data=data, files=files, timeout=timeout
            )
        except httpx.TransportError as exc:
            raise transport_failure(self.network, exc, is_write=call == "publish") from exc
        if not response.is_success:
            raise classify(self.network, response, call, now=self.clock())
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            if call == "publish":
                raise OutcomeUnknown(
                    f"{self.network} sent an answer SocialMuse cannot read; checking whether "
                    "the post exists before trying again.",
                    code="unreadable_answer",
                    http_status=response.status_code,
                )
            raise Transient(
                f"{self.network} sent an answer SocialMuse cannot read.",
                code="unreadable_answer",
                http_status=response.status_code,
            )
        return body

    def get(self, account: AccountContext, path: str, token: str, **params: Any) -> dict[str, Any]:
        return self.request(
            "GET", self.url(self.host(account), path), call="read", token=token, params=params
        )

    def pages(
        self, account: AccountContext, path: str, token: str, *, max_pages: int, **params: Any
    ) -> Iterator[dict[str, Any]]:
        """Items of a list edge, following ``paging.next`` (a page may be empty yet go on)."""
        url: str | None = self.url(self.host(account), path)
        query: dict[str, Any] = dict(params)
        for _ in range(max_pages):
            if url is None:
                return
            body = self.request("GET", url, call="read", token=token, params=query)
            yield from body.get("data") or []
            after = ((body.get("paging") or {}).get("cursors") or {}).get("after")
            url = url if (body.get("paging") or {}).get("next") and after else None
            query = {**params, "after": after}


def token_of(account: AccountContext, network: str, key: str = "access_token") -> str:
    token = account.credentials.get(key)
    if not token:
        raise AuthExpired(
            f"No {network} access token is stored for {account.handle}; reconnect the account.",
            code="no_token",
        )
    return str(token)


def expires_at(body: dict[str, Any], now: datetime) -> datetime | None:
    """``expires_in`` seconds from now; None when Meta says the token does not expire."""
    seconds = body.get("expires_in")
    if isinstance(seconds, int | float) and seconds > 0:
        return now + timedelta(seconds=int(seconds))
    return None


def parse_time(value: str) -> datetime:
    """Graph times: ``2026-03-01T09:30:15+0000`` (Facebook, Instagram) or ISO-8601 with Z."""
    text = value.replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def same_text(a: str | None, b: str | None) -> bool:
    """Whether two captions say the same (Meta keeps text as sent, give or take the ends)."""
    return " ".join((a or "").split()) == " ".join((b or "").split())


def refuse_connect_failure(network: str, exc: PlatformError) -> Rejected:
    """A failed code exchange: the person starts connecting again."""
    return Rejected(
        f"{network} did not accept the authorization ({exc.platform_message or exc.message}). "
        "Start connecting the account again.",
        code="oauth_failed",
        http_status=exc.http_status,
        platform_message=exc.platform_message,
    )
