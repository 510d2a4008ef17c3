"""The scheduler loop: one tick every few seconds decides what work is due and enqueues it.

Several schedulers may run at once (scaled out): each periodic job is guarded by a Redis
``SET NX PX`` lock named for its time slot, so a slot is enqueued once whichever process
gets there first. Each tick also claims due post targets (atomically, in the database)
and enqueues them.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

import dramatiq
import redis
from sqlalchemy.exc import SQLAlchemyError

from jobs.accounts import refresh_due
from jobs.broker import broker, redis_url
from jobs.evergreen import recycle_due
from jobs.maintenance import housekeeping
from jobs.metrics import dispatch as metrics_dispatch
from jobs.publishing import dispatch_due
from jobs.reports import dispatch as reports_dispatch

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "socialmuse:scheduler:heartbeat"
METRICS_EVERY = 60
REPORTS_EVERY = 10  # due scheduled reports and milestone emails


@dataclass(frozen=True)
class Periodic:
    """An actor enqueued once per ``every_seconds`` slot across all schedulers."""

    name: str
    every_seconds: int
    actor: dramatiq.Actor


PERIODIC: tuple[Periodic, ...] = (
    Periodic("maintenance.housekeeping", 3600, housekeeping),
    Periodic("accounts.refresh_due", 600, refresh_due),
    Periodic("evergreen.recycle_due", 300, recycle_due),
)


class Scheduler:
    """Runs ``tick`` until stopped; tests call ``tick`` directly with a fake clock."""

    def __init__(
        self,
        client: redis.Redis,
        clock: Callable[[], float] = time.time,
        *,
        dispatch: bool = True,
    ) -> None:
        self.client = client
        self.clock = clock
        self.dispatch = dispatch
        self.stopping = threading.Event()

    def tick(self) -> list[str]:
        """Record a heartbeat, then enqueue every periodic job whose slot is new."""
        now = self.clock()
        self.client.set(HEARTBEAT_KEY, f"{now:.3f}", ex=300)
        enqueued = []
        if self.dispatch and (count := dispatch_due()):
            enqueued.append(f"posts.publish_target x{count}")
        metrics_slot = f"socialmuse:scheduler:slot:metrics.dispatch:{int(now // METRICS_EVERY)}"
        if self.dispatch and self.client.set(metrics_slot, "1", nx=True, ex=METRICS_EVERY * 2):
            metrics_dispatch.send()  # claims due metric reads once a minute, whoever ticks
            enqueued.append("metrics.dispatch")
        reports_slot = f"socialmuse:scheduler:slot:reports.dispatch:{int(now // REPORTS_EVERY)}"
        if self.dispatch and self.client.set(reports_slot, "1", nx=True, ex=REPORTS_EVERY * 2):
            reports_dispatch.send()  # claims due scheduled reports, mails milestone alerts
            enqueued.append("reports.dispatch")
        for job in PERIODIC:
            slot = int(now // job.every_seconds)
            key = f"socialmuse:scheduler:slot:{job.name}:{slot}"
            if self.client.set(key, "1", nx=True, ex=job.every_seconds * 2):
                job.actor.send()
                enqueued.append(job.name)
        return enqueued

    def run(self, interval: float = 1.0) -> None:
        log.info("scheduler started (tick every %.1fs)", interval)
        while not self.stopping.is_set():
            try:
                for name in self.tick():
                    log.info("enqueued %s", name)
            except (redis.RedisError, SQLAlchemyError) as exc:
                log.warning("scheduler tick failed, will retry: %s", exc)
            self.stopping.wait(interval)
        log.info("scheduler stopped")


def main(interval: float = 1.0) -> None:
    """Entry point for ``socialmuse scheduler``: stops cleanly on SIGTERM or Ctrl-C."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(message)s")
    scheduler = Scheduler(redis.Redis.from_url(redis_url()))

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        scheduler.stopping.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    _ = broker  # the broker must exist before any actor is sent
    scheduler.run(interval)
