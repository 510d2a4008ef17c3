"""The one place the Dramatiq broker is built.

The same RedisBroker runs on the embedded Valkey and on an external Redis: only the URL
differs. Middleware, in order (Dramatiq docs, "Middleware"):
  AgeLimit        drop messages older than their max_age (stale work is worse than none)
  TimeLimit       interrupt actors that run past their time_limit
  ShutdownNotifications  let long actors notice a worker shutdown
  Callbacks, Pipelines   on_success/on_failure chaining
  Retries         exponential backoff; actors narrow it with ``retry_when``/``throws``
"""

from __future__ import annotations

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from socialmuse.settings import QueueUnavailable, get_settings


def redis_url() -> str:
    """The queue's URL; in embedded mode ``socialmuse run`` passes the Valkey it started."""
    url = get_settings().redis_url
    if url is None:
        raise QueueUnavailable(
            "SOCIALMUSE_REDIS_URL is not set: start everything with `socialmuse run` "
            "(it starts the embedded Valkey) or point SOCIALMUSE_REDIS_URL at a Redis server"
        )
    return url


def check_redis(url: str, timeout: float = 3.0) -> None:
    """Fail with one readable line when the queue does not answer (start-up check)."""
    try:
        redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout).ping()
    except redis.RedisError as exc:
        safe = url.split("@")[-1]
        raise QueueUnavailable(f"cannot reach Redis at {safe}: {exc}") from None


def build_broker(url: str) -> RedisBroker:
    """A RedisBroker with the middleware listed above, in that order."""
    return RedisBroker(
        url=url,
        middleware=[
            AgeLimit(),
            TimeLimit(),
            ShutdownNotifications(),
            Callbacks(),
            Pipelines(),
            Retries(min_backoff=1_000, max_backoff=300_000, max_retries=5),
        ],
        namespace="socialmuse",
    )


broker = build_broker(redis_url())
dramatiq.set_broker(broker)
