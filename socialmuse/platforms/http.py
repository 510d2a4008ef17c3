"""One httpx client per process, shared by every adapter (connection pooling, one config).

Timeouts are explicit: a connect that hangs is a Transient failure (nothing was sent), a
read that times out after the request went out is an OutcomeUnknown (it may have been
applied). ``classify_transport_error`` turns httpx's exceptions into those outcomes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from socialmuse.platforms.base import OutcomeUnknown, PlatformError, RateLimited, Transient

TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=10.0)
LIMITS = httpx.Limits(max_connections=200, max_keepalive_connections=50)
USER_AGENT = "SocialMuse/0.1 (+self-hosted)"

_lock = threading.Lock()
_client: httpx.Client | None = None
_client_pid: int | None = None


def shared_client() -> httpx.Client:
    """The process's client; a forked child gets its own (sockets are not shareable)."""
    global _client, _client_pid
    with _lock:
        if _client is None or _client_pid != os.getpid():
            _client = httpx.Client(
                timeout=TIMEOUT, limits=LIMITS, headers={"User-Agent": USER_AGENT}
            )
            _client_pid = os.getpid()
        return _client


def classify_transport_error(network: str, exc: httpx.TransportError) -> PlatformError:
    """Nothing sent → Transient; sent but no answer → OutcomeUnknown."""
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Transient(f"{network} could not be reached: {exc}", code="connect_failed")
    return OutcomeUnknown(
        f"{network} did not answer in time; the post may or may not exist",
        code="no_answer",
        platform_message=str(exc) or type(exc).__name__,
    )


def transport_failure(network: str, exc: httpx.TransportError, *, is_write: bool) -> PlatformError:
    """Like ``classify_transport_error``, but a read that got no answer is only Transient.

    A read changes nothing on the network, so "may or may not exist" would be a false alarm:
    it is simply retried.
    """
    outcome = classify_transport_error(network, exc)
    if not is_write and isinstance(outcome, OutcomeUnknown):
        return Transient(
            f"{network} did not answer in time; trying again shortly.",
            code="no_answer",
            platform_message=outcome.platform_message,
        )
    return outcome


def request(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    network: str,
    token: str | None,
    is_write: bool,
    classify: Callable[[httpx.Response], PlatformError],
    **kwargs: Any,
) -> httpx.Response:
    """One Bearer-authenticated request; anything but 2xx goes through the network's ``classify``.

    Transport failures raise per ``transport_failure``; ``kwargs`` go to ``client.request``.
    """
    headers = dict(kwargs.pop("headers", None) or {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        response = client.request(method, url, headers=headers, **kwargs)
    except httpx.TransportError as exc:
        raise transport_failure(network, exc, is_write=is_write) from exc
    if response.is_success:
        return response
    raise classify(response)


def slow_down(network: str, retry_at: datetime, *, said: str = "", **details: Any) -> RateLimited:
    """The network's "later": retry at its own reset time, said the same way for every network."""
    aside = f" ({said})" if said else ""
    return RateLimited(
        f"{network} asks us to slow down{aside}; trying again at {retry_at:%H:%M} UTC.",
        retry_at=retry_at,
        **details,
    )


def server_error(network: str, *, is_write: bool, said: str = "", **details: Any) -> PlatformError:
    """A 5xx: after a write the post may exist (reconcile first); after a read, try again."""
    aside = f" ({said})" if said else ""
    if is_write:
        return OutcomeUnknown(
            f"{network} answered with an error after receiving the post{aside}; it may or may "
            "not have been published. Checking before trying again.",
            **details,
        )
    return Transient(f"{network} is having trouble{aside}; trying again shortly.", **details)
