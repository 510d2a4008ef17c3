"""Publishing under real faults: a killed worker, a restarted queue, a network that lies.

Real processes throughout: the Mastodon emulator (``python -m socialmuse.emulators``), a
Dramatiq worker (``python -m dramatiq jobs``) and the scheduler (``socialmuse scheduler``),
all on the suite's database. The promise checked every time: each target ends published
exactly once on the network (the emulator's count per account equals the targets, no text
appears twice) or failed/unconfirmed with a reason; nothing is lost.

Leases (2 min queued, 5 min publishing) are expired by ``harness.heal`` once the system is
quiet instead of being waited out; see harness.py.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from sqlmodel import Session

from socialmuse.models import utcnow
from socialmuse.services.publishing import PUBLISH_LEASE, QUEUE_LEASE

from .harness import (
    Emulator,
    Seeded,
    Timeout,
    all_final,
    attempt_outcomes,
    child_env,
    external_ids,
    heal,
    outcome_report,
    quiet,
    seed_mastodon,
    start_scheduler,
    start_worker,
    status_counts,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(420)]

# Past both leases, so one pass heals a stranded queued target and a dead worker's target.
ADVANCE = (max(QUEUE_LEASE, PUBLISH_LEASE) + timedelta(seconds=30)).total_seconds()
BURST = 500


def _clear_queue(url: str) -> None:
    client = redis.Redis.from_url(url)
    for key in client.scan_iter("socialmuse:*"):
        client.delete(key)
    client.close()


@pytest.fixture()
def env(backend: dict[str, str]) -> Iterator[dict[str, str]]:
    url = os.environ["SOCIALMUSE_REDIS_URL"]
    _clear_queue(url)
    yield child_env()
    _clear_queue(url)


@pytest.fixture()
def started(tmp_path: Path) -> Iterator[list]:
    """Everything a test starts, stopped afterwards whatever happened."""
    procs: list = []
    yield procs
    for proc in reversed(procs):
        proc.stop()


def drive_to_final(
    session: Session, env: dict[str, str], total: int, log: Path, passes: int = 4
) -> list[dict[str, int]]:
    """Let the running worker and scheduler finish; heal stranded targets when quiet."""
    healed = []
    for _ in range(passes):
        try:
            wait_until(lambda: all_final(session, total), 20, "all targets final", 0.5)
            return healed
        except Timeout:
            pass
        quiet(session, env["SOCIALMUSE_REDIS_URL"])
        if all_final(session, total):
            return healed
        healed.append(heal(env, ADVANCE, log))
    wait_until(
        lambda: all_final(session, total),
        60,
        f"all targets final (now {status_counts(session)}, heal passes {healed})",
        0.5,
    )
    return healed


def assert_exactly_once(session: Session, emulator: Emulator, seeded: Seeded) -> None:
    counts = emulator.counts()
    assert counts["duplicates"] == [], f"posted twice: {counts['duplicates'][:5]}"
    not_published = outcome_report(session, seeded.target_ids)
    assert not_published == [], f"not published: {not_published[:10]}"
    assert counts["per_account"] == seeded.per_remote
    assert counts["total"] == len(seeded.target_ids)
    ids = external_ids(session)
    assert len(ids) == len(set(ids)) == len(seeded.target_ids)
    assert counts["status_429"] == 0


def test_worker_killed_mid_burst_publishes_each_target_once(
    session: Session, env: dict[str, str], tmp_path: Path, started: list
) -> None:
    emulator = Emulator("mastodon", tmp_path, accounts=100, latency=0.1)
    started.append(emulator)
    seeded = seed_mastodon(session, emulator, targets=BURST, when=utcnow())
    worker = start_worker(env, tmp_path / "worker-1.log")
    started.append(worker)
    started.append(start_scheduler(env, tmp_path / "scheduler.log"))

    wait_until(
        lambda: status_counts(session).get("published", 0) >= 100, 120, "100 targets published"
    )
    worker.kill9()
    at_kill = status_counts(session)
    stranded = at_kill.get("publishing", 0) + at_kill.get("queued", 0)
    assert stranded > 0, f"the kill hit nothing in flight: {at_kill}"
    started.append(start_worker(env, tmp_path / "worker-2.log"))

    healed = drive_to_final(session, env, BURST, tmp_path / "heal.log")

    assert_exactly_once(session, emulator, seeded)
    if at_kill.get("publishing", 0):  # the dead worker's attempts are recorded as unknown
        assert attempt_outcomes(session)["unknown"] >= at_kill["publishing"], (at_kill, healed)


class ThrowawayRedis:
    """A queue this test may restart: the embedded Valkey (AOF), or a bare redis-server with
    no persistence at all on the external backend (the shared 6379 is never touched)."""

    def __init__(self, data: Path, embedded: bool) -> None:
        self.embedded = embedded
        if embedded:
            from socialmuse.embedded_redis import EmbeddedValkey

            self.valkey = EmbeddedValkey(data)
        else:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                self.port = int(sock.getsockname()[1])
            self.proc: subprocess.Popen[bytes] | None = None
        self.url = self.start()

    def start(self) -> str:
        if self.embedded:
            return self.valkey.start()
        server = shutil.which("redis-server") or shutil.which("valkey-server")
        assert server, "the external backend's Redis test needs redis-server on PATH"
        self.proc = subprocess.Popen(
            [
                server,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        url = f"redis://127.0.0.1:{self.port}/0"

        def answers() -> bool:
            try:
                return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
            except redis.RedisError:
                return False

        wait_until(answers, 15, "the throwaway redis-server")
        return url

    def stop(self) -> None:
        if self.embedded:
            self.valkey.stop()
        elif self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(15)


def test_queue_restarted_mid_burst_loses_and_duplicates_nothing(
    session: Session, backend: dict[str, str], tmp_path: Path, started: list
) -> None:
    queue = ThrowawayRedis(
        tmp_path / "queue", embedded=os.environ.get("SOCIALMUSE_TEST_BACKEND") != "external"
    )
    started.append(queue)
    env = child_env(SOCIALMUSE_REDIS_URL=queue.url)
    emulator = Emulator("mastodon", tmp_path, accounts=100, latency=0.1)
    started.append(emulator)
    seeded = seed_mastodon(session, emulator, targets=BURST, when=utcnow())
    worker = start_worker(env, tmp_path / "worker.log")
    started.append(worker)
    scheduler = start_scheduler(env, tmp_path / "scheduler.log")
    started.append(scheduler)

    wait_until(
        lambda: status_counts(session).get("published", 0) >= 100, 120, "100 targets published"
    )
    queue.stop()
    at_stop = status_counts(session)
    assert at_stop.get("published", 0) < BURST, f"the restart came too late: {at_stop}"
    queue.start()

    healed = drive_to_final(session, env, BURST, tmp_path / "heal.log")

    assert worker.alive() and scheduler.alive(), "a process died with the queue"
    assert_exactly_once(session, emulator, seeded)
    print(f"at restart {at_stop}; heal passes {healed}")


def test_network_saves_then_errors_or_times_out_reconcile_finds_each_post(
    session: Session, env: dict[str, str], tmp_path: Path, started: list
) -> None:
    emulator = Emulator("mastodon", tmp_path, accounts=20, latency=0.02)
    started.append(emulator)
    seeded = seed_mastodon(session, emulator, targets=200, when=utcnow(), tag="faulty")
    emulator.fault("error_after_save", times=10)
    # held longer than the adapter's 30 s read timeout: the client sees a timeout
    emulator.fault("timeout_after_save", times=4, delay=35.0)
    started.append(start_worker(env, tmp_path / "worker.log"))
    started.append(start_scheduler(env, tmp_path / "scheduler.log"))

    wait_until(lambda: all_final(session, 200), 150, "all targets final", 0.5)

    assert_exactly_once(session, emulator, seeded)
    assert attempt_outcomes(session)["unknown"] == 14
    posts = emulator.log("POST", "/api/v1/statuses")
    assert len(posts) == 200, "a target whose outcome was unknown was posted again blindly"
    lookups = [r for r in emulator.log("GET", "/api/v1/accounts/") if "/statuses" in r["path"]]
    print(f"reconcile lookups for 14 unknown outcomes: {len(lookups)}")
