"""Housekeeping actors, enqueued by the scheduler on a fixed cadence."""

from __future__ import annotations

import logging

import dramatiq

from jobs.broker import broker
from socialmuse.db import session_scope
from socialmuse.services import maintenance

log = logging.getLogger(__name__)


def run_housekeeping() -> dict[str, int]:
    """Plain function behind the actor, so tests and the CLI call it without a worker."""
    with session_scope() as session:
        logins = maintenance.purge_ended_logins(session)
        invitations = maintenance.purge_stale_invitations(session)
    log.info("housekeeping: purged %d ended logins, %d stale invitations", logins, invitations)
    return {"logins": logins, "invitations": invitations}


@dramatiq.actor(
    actor_name="maintenance.housekeeping",
    queue_name="maintenance",
    max_retries=3,
    time_limit=300_000,
    broker=broker,
)
def housekeeping() -> None:
    run_housekeeping()
