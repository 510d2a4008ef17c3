"""Report actors: thin wrappers over services.report_schedules and the milestone mailer.

``reports.dispatch`` runs once a minute from the scheduler: it claims the due scheduled
reports (one conditional UPDATE each, so one scheduler wins a run) and enqueues one
``reports.deliver`` per claim, then mails pending milestone alerts. Actors never retry on
their own: a refused send is recorded on the schedule, which sets its own retry time.
"""

from __future__ import annotations

import logging
from datetime import datetime

import dramatiq

from jobs.broker import broker
from socialmuse.db import session_scope
from socialmuse.services import mailer, report_schedules

log = logging.getLogger(__name__)


@dramatiq.actor(
    actor_name="reports.deliver",
    queue_name="reports",
    max_retries=0,
    time_limit=300_000,
    broker=broker,
)
def deliver(schedule_id: int, run_at: str) -> None:
    with session_scope() as session:
        outcome = report_schedules.deliver(
            session, schedule_id=schedule_id, run_at=datetime.fromisoformat(run_at)
        )
    if outcome.status == "failed":
        log.warning("report schedule %s not sent, will retry: %s", schedule_id, outcome.error)


def dispatch_due(limit: int = 50) -> int:
    """One pass: claim due reports, enqueue them after commit, mail alerts and notifications."""
    with session_scope() as session:
        claims = report_schedules.claim_due(session, limit=limit)
    for claim in claims:
        deliver.send(claim.schedule_id, claim.run_at.isoformat())
    with session_scope() as session:
        _sent, errors = mailer.send_milestone_emails(session)
    for error in errors:
        log.warning("milestone email not sent, will retry: %s", error)
    with session_scope() as session:
        _sent, errors = mailer.send_notification_emails(session)
    for error in errors:
        log.warning("notification email not sent, will retry: %s", error)
    return len(claims)


@dramatiq.actor(
    actor_name="reports.dispatch",
    queue_name="reports",
    max_retries=0,
    time_limit=300_000,
    broker=broker,
)
def dispatch() -> None:
    dispatch_due()
