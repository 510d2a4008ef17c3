"""The metrics actors on the real queue: the scheduler's minute slot, dispatch, the worker."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from types import ModuleType

import pytest
import redis
from sqlmodel import Session, select

from socialmuse.models import utcnow
from socialmuse.models.enums import Platform
from socialmuse.models.metrics import PostMetricSchedule, PostMetricSnapshot
from socialmuse.platforms.base import AccountContext, AccountMetrics, PostMetrics
from socialmuse.platforms.registry import overridden
from tests.factories import brand, owner
from tests.services.analytics_helpers import account, published


class Steady:
    platform = Platform.SANDBOX

    def fetch_post_metrics(self, account: AccountContext, external_id: str) -> PostMetrics:
        return PostMetrics(impressions=70, likes=7)

    def fetch_account_metrics(self, account: AccountContext) -> AccountMetrics:
        return AccountMetrics(followers=321)


@pytest.fixture()
def jobs(backend: dict[str, str]) -> Iterator[ModuleType]:
    import jobs as jobs_pkg

    jobs_pkg.broker.flush_all()
    yield jobs_pkg
    jobs_pkg.broker.flush_all()


def test_the_scheduler_enqueues_metrics_dispatch_once_a_minute(
    jobs: ModuleType, backend: dict[str, str], session: Session
) -> None:
    from jobs.scheduler import Scheduler

    client = redis.Redis.from_url(backend["SOCIALMUSE_REDIS_URL"])
    for key in client.scan_iter("socialmuse:scheduler:*"):
        client.delete(key)
    now = [2_000_000.0]
    first, second = Scheduler(client, lambda: now[0]), Scheduler(client, lambda: now[0])
    assert "metrics.dispatch" in first.tick()
    assert "metrics.dispatch" not in second.tick()
    now[0] += 60
    assert "metrics.dispatch" in second.tick()
    assert jobs.broker.client.llen("socialmuse:metrics") == 2


def test_dispatch_enqueues_claims_and_the_actor_stores_them(
    jobs: ModuleType, session: Session
) -> None:
    from dramatiq import Worker

    from jobs import metrics

    person = owner(session)
    acct = account(session, person, brand(session, person, tz="UTC"))
    target = published(session, acct, utcnow() - timedelta(hours=2), count=False)
    # Registered and claimed in one pass: the +1 h read is due, and the account's daily one.
    assert metrics.dispatch_due() == 2
    session.expire_all()
    schedule = session.get(PostMetricSchedule, target.id)
    assert schedule is not None and schedule.lease_expires_at is not None
    assert metrics.dispatch_due() == 0  # both leased
    worker = Worker(jobs.broker, worker_timeout=100, worker_threads=2)
    with overridden(Platform.SANDBOX, Steady()):
        worker.start()
        jobs.broker.join("metrics", timeout=30_000)
        worker.join()
        worker.stop()
    session.expire_all()
    shots = session.exec(select(PostMetricSnapshot)).all()
    assert [(s.target_id, s.impressions) for s in shots] == [(target.id, 70)]
