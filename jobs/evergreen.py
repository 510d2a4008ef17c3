"""Evergreen recycling: the scheduler enqueues this every few minutes (see jobs/scheduler.py).

Safe to run twice at once: services.evergreen claims each rule with a conditional UPDATE.
"""

from __future__ import annotations

import logging

import dramatiq

from jobs.broker import broker
from socialmuse.db import session_scope
from socialmuse.services import evergreen

log = logging.getLogger(__name__)


def run_recycle() -> list[int]:
    """Plain function behind the actor, so tests and the CLI call it without a worker."""
    with session_scope() as session:
        made = evergreen.recycle_due(session)
    if made:
        log.info("evergreen: scheduled %d recycled copies (posts %s)", len(made), made)
    return made


@dramatiq.actor(
    actor_name="evergreen.recycle_due",
    queue_name="maintenance",
    max_retries=3,
    time_limit=300_000,
    broker=broker,
)
def recycle_due() -> None:
    run_recycle()
