"""Whether this process can reach what it depends on; read by /api/v1/health and probes."""

from __future__ import annotations

import redis
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from socialmuse.settings import get_settings


class Health(BaseModel):
    status: str  # "ok" or "degraded"
    database: str
    queue: str


def check(session: Session) -> Health:
    """Probe the database and the queue; never raises, reports in plain words."""
    try:
        session.exec(text("SELECT 1"))  # type: ignore[call-overload]
        database = "ok"
    except SQLAlchemyError as exc:
        database = f"unreachable: {type(exc).__name__}"
    url = get_settings().redis_url
    if url is None:
        queue = "not configured"
    else:
        try:
            redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
            queue = "ok"
        except redis.RedisError as exc:
            queue = f"unreachable: {type(exc).__name__}"
    status = "ok" if database == queue == "ok" else "degraded"
    return Health(status=status, database=database, queue=queue)
