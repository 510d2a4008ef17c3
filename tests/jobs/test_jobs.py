"""Jobs on the real queue (embedded Valkey or Redis): the scheduler and housekeeping."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from types import ModuleType

import pytest
import redis
from sqlmodel import Session, select

from socialmuse.models import AuthSession, Invitation, utcnow
from socialmuse.models.enums import Role
from socialmuse.services import team
from tests.factories import owner


@pytest.fixture()
def jobs(backend: dict[str, str]) -> Iterator[ModuleType]:
    import jobs as jobs_pkg

    jobs_pkg.broker.flush_all()
    yield jobs_pkg
    jobs_pkg.broker.flush_all()


def test_broker_uses_the_configured_queue(jobs: ModuleType, backend: dict[str, str]) -> None:
    client = jobs.broker.client
    assert client.ping()
    kwargs = client.connection_pool.connection_kwargs
    assert str(kwargs["port"]) in backend["SOCIALMUSE_REDIS_URL"]


def test_two_schedulers_enqueue_each_slot_once(jobs: ModuleType, backend: dict[str, str]) -> None:
    from jobs.scheduler import HEARTBEAT_KEY, Scheduler

    client = redis.Redis.from_url(backend["SOCIALMUSE_REDIS_URL"])
    for key in client.scan_iter("socialmuse:scheduler:*"):
        client.delete(key)
    now = [1_000_000.0]
    first = Scheduler(client, lambda: now[0], dispatch=False)
    second = Scheduler(client, lambda: now[0], dispatch=False)
    every = ["maintenance.housekeeping", "accounts.refresh_due", "evergreen.recycle_due"]
    assert first.tick() == every
    assert second.tick() == []
    assert float(client.get(HEARTBEAT_KEY) or 0) == pytest.approx(now[0])
    now[0] += 600
    assert second.tick() == ["accounts.refresh_due", "evergreen.recycle_due"]
    now[0] += 3600
    assert first.tick() == every
    assert jobs.broker.client.llen("socialmuse:maintenance") == 2 + 3  # housekeeping, evergreen
    assert jobs.broker.client.llen("socialmuse:accounts") == 3


def test_housekeeping_actor_purges_old_logins_and_invitations(
    jobs: ModuleType, session: Session
) -> None:
    from dramatiq import Worker

    person = owner(session)
    team.create_invitation(
        session, actor=person.actor, email="old@example.com", role=Role.TEAM_MEMBER
    )
    live = team.create_invitation(
        session, actor=person.actor, email="new@example.com", role=Role.TEAM_MEMBER
    )
    long_ago = utcnow() - timedelta(days=40)
    stale_login = AuthSession(
        user_id=person.actor.user_id, token_hash="x" * 64, expires_at=long_ago
    )
    session.add(stale_login)
    old = session.exec(select(Invitation).where(Invitation.email == "old@example.com")).one()
    old.expires_at = long_ago
    session.add(old)
    session.commit()

    jobs.maintenance.housekeeping.send()
    worker = Worker(jobs.broker, worker_threads=1)
    worker.start()
    try:
        jobs.broker.join("maintenance", timeout=30_000)
        worker.join()
    finally:
        worker.stop()

    session.expire_all()
    hashes = session.exec(select(AuthSession.token_hash)).all()
    assert "x" * 64 not in hashes and len(hashes) == 1
    emails = session.exec(select(Invitation.email)).all()
    assert emails == [live.invitation.email]


def test_scheduler_dispatch_and_worker_publish_a_due_post(
    jobs: ModuleType, session: Session
) -> None:
    from dramatiq import Worker

    from socialmuse.models import PostTarget
    from socialmuse.models.enums import TargetStatus
    from socialmuse.services import accounts, posts
    from tests.factories import brand

    person = owner(session)
    brand_id = brand(session, person)
    account = accounts.connect_sandbox(
        session, actor=person.actor, brand_id=brand_id, handle="worker"
    )
    posts.create_post(
        session,
        actor=person.actor,
        brand_id=brand_id,
        account_ids=[account.id],
        text="Through the queue",
        now=True,
    )
    session.commit()

    assert jobs.publishing.dispatch_due() == 1
    worker = Worker(jobs.broker, worker_threads=2)
    worker.start()
    try:
        jobs.broker.join("publishing", timeout=30_000)
        worker.join()
    finally:
        worker.stop()
    session.expire_all()
    [target] = session.exec(select(PostTarget)).all()
    assert target.status == TargetStatus.PUBLISHED and target.permalink
    assert jobs.publishing.dispatch_due() == 0
