"""XRPC calls to a Bluesky PDS: sessions that refresh themselves, errors as typed outcomes.

Access tokens live two hours: an ``ExpiredToken`` answer (HTTP 400, some hosts 401)
triggers one ``refreshSession``; the new pair goes back through
``AccountContext.update_credentials`` so the caller can store it, and the call is sent
once more. A refused refresh is ``AuthExpired`` (the person must reconnect).
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from socialmuse.platforms.base import (
    AccountContext,
    AuthExpired,
    OutcomeUnknown,
    RateLimited,
    Rejected,
    Transient,
)
from socialmuse.platforms.http import classify_transport_error, shared_client

NETWORK = "Bluesky"
TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=60.0, pool=10.0)
AUTH_ERRORS = {"ExpiredToken", "InvalidToken", "AuthMissing", "AuthenticationRequired"}


def error_of(response: httpx.Response) -> tuple[str, str]:
    """The XRPC envelope ``(error, message)``; the message is the network's own words."""
    try:
        body = response.json()
        return str(body.get("error") or ""), str(body.get("message") or body.get("error") or "")
    except (ValueError, AttributeError):
        return "", response.text[:300]


def retry_at(response: httpx.Response) -> datetime:
    """When a 429 may be retried: ``RateLimit-Reset`` (Unix seconds), else ``Retry-After``."""
    now = datetime.now(UTC)
    reset = response.headers.get("RateLimit-Reset", "")
    if reset.isdigit():
        return datetime.fromtimestamp(int(reset), UTC)
    after = response.headers.get("Retry-After", "")
    if after.isdigit():
        return now + timedelta(seconds=int(after))
    return now + timedelta(minutes=1)


def jwt_expiry(token: str) -> datetime | None:
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return datetime.fromtimestamp(int(claims["exp"]), UTC)
    except (IndexError, ValueError, KeyError, TypeError):
        return None


def raise_for(response: httpx.Response, *, write: bool) -> None:
    """Turn a non-2xx answer into an outcome; a 5xx on a write may have saved (unknown)."""
    if response.is_success:
        return
    status = response.status_code
    error, message = error_of(response)
    details: dict[str, Any] = {
        "code": error or str(status),
        "http_status": status,
        "platform_message": message,
    }
    if status == 429:
        raise RateLimited(
            f"{NETWORK} asked to slow down: {message}", retry_at=retry_at(response), **details
        )
    if error in AUTH_ERRORS or status == 401:
        raise AuthExpired(
            f"{NETWORK} no longer accepts this session; reconnect the account with a new app "
            f"password. {NETWORK} said: {message}",
            **details,
        )
    if status >= 500:
        if write:
            raise OutcomeUnknown(
                f"{NETWORK} failed while saving; the post may or may not exist. "
                f"{NETWORK} said: {message}",
                **details,
            )
        raise Transient(f"{NETWORK} is having trouble: {message}", **details)
    raise Rejected(f"{NETWORK} refused this: {message}", **details)


class Xrpc:
    """HTTP to one account's PDS (``credentials["service_url"]``, else ``base_url``)."""

    def __init__(self, client: httpx.Client | None = None, timeout: httpx.Timeout = TIMEOUT):
        self._client = client
        self.timeout = timeout

    @property
    def client(self) -> httpx.Client:
        return self._client or shared_client()

    def send(
        self,
        service_url: str,
        method: str,
        nsid: str,
        *,
        token: str | None = None,
        write: bool = False,
        **kwargs: Any,
    ) -> httpx.Response:
        """One request; transport failures become Transient (or OutcomeUnknown on writes)."""
        headers = dict(kwargs.pop("headers", {}))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        url = f"{service_url.rstrip('/')}/xrpc/{nsid}"
        try:
            return self.client.request(method, url, headers=headers, timeout=self.timeout, **kwargs)
        except httpx.TransportError as exc:
            outcome = classify_transport_error(NETWORK, exc)
            if not write and isinstance(outcome, OutcomeUnknown):
                raise Transient(
                    outcome.message, code=outcome.code, platform_message=outcome.platform_message
                ) from exc
            raise outcome from exc

    def call(
        self, account: AccountContext, method: str, nsid: str, *, write: bool = False, **kwargs: Any
    ) -> httpx.Response:
        """An authenticated call; on ExpiredToken refresh the session once and resend."""
        service = service_of(account)
        response = self.send(
            service,
            method,
            nsid,
            write=write,
            token=account.credentials.get("access_jwt"),
            **kwargs,
        )
        if response.status_code in (400, 401) and error_of(response)[0] == "ExpiredToken":
            self.refresh_session(account)
            response = self.send(
                service,
                method,
                nsid,
                write=write,
                token=account.credentials.get("access_jwt"),
                **kwargs,
            )
        return response

    def json(
        self, account: AccountContext, method: str, nsid: str, *, write: bool = False, **kwargs: Any
    ) -> dict[str, Any]:
        response = self.call(account, method, nsid, write=write, **kwargs)
        raise_for(response, write=write)
        body: dict[str, Any] = response.json() if response.content else {}
        return body

    def refresh_session(self, account: AccountContext) -> dict[str, Any]:
        response = self.send(
            service_of(account),
            "POST",
            "com.atproto.server.refreshSession",
            token=account.credentials.get("refresh_jwt"),
        )
        if response.status_code in (400, 401):
            error, message = error_of(response)
            raise AuthExpired(
                f"{NETWORK} ended this session; reconnect the account with a new app password. "
                f"{NETWORK} said: {message}",
                code=error or "refresh_refused",
                http_status=response.status_code,
                platform_message=message,
            )
        raise_for(response, write=False)
        session: dict[str, Any] = response.json()
        account.update_credentials(
            access_jwt=session["accessJwt"], refresh_jwt=session["refreshJwt"]
        )
        return session


def service_of(account: AccountContext) -> str:
    return str(account.credentials.get("service_url") or account.base_url)
