"""Real processes for fault tests and benchmarks: emulator, Dramatiq worker, scheduler.

No pytest here, so ``benchmarks/`` reuses it. Everything a child needs comes from the
environment it is given (SOCIALMUSE_DATABASE_URL, SOCIALMUSE_REDIS_URL, ...); the seeding and
the checks run in the calling process on the same database.

Leases: a target queued for 2 minutes or publishing for 5 is healed by the scheduler's sweep.
Waiting that long makes a slow suite, so ``heal`` runs the very same sweep in a separate
process with the clock moved past the leases, and only once nothing is in flight on a live
worker (``quiet``): for the code under test that is indistinguishable from the minutes
having passed.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import psutil
import redis
from sqlalchemy import func
from sqlmodel import Session, col, select

from socialmuse.models import Post, PostTarget, PublishAttempt
from socialmuse.models.enums import Platform, PostStatus, TargetStatus

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PYTHON = sys.executable
FINAL = {TargetStatus.PUBLISHED, TargetStatus.FAILED}


class Timeout(AssertionError):
    """A deadline passed; the message says what was awaited and what the state was."""


def wait_until(
    predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.2
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Timeout(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


class Proc:
    """A child in its own process group; output to a log file we can read and grep."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.argv, self.log = argv, log
        self._fh = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            argv,
            cwd=REPO,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdout=self._fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_output(self, text: str, timeout: float) -> None:
        def seen() -> bool:
            if text in self.output():
                return True
            if not self.alive():
                raise AssertionError(
                    f"{self.argv[:3]} exited ({self.proc.returncode}) before {text!r}:\n"
                    + self.output()[-3000:]
                )
            return False

        wait_until(seen, timeout, f"{text!r} from {' '.join(self.argv[:4])}")

    def tree(self) -> list[psutil.Process]:
        try:
            root = psutil.Process(self.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def kill9(self) -> list[int]:
        """SIGKILL the whole tree, children first (no graceful requeue, no cleanup)."""
        procs = self.tree()
        for proc in reversed(procs):
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.kill()
        self.proc.wait(timeout=30)
        psutil.wait_procs(procs, timeout=10)
        return [p.pid for p in procs]

    def stop(self, timeout: float = 30) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill9()
        # children of a killed group (e.g. dramatiq forks) must not outlive the run
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        self._fh.close()


class Emulator:
    """``python -m socialmuse.emulators`` in its own process, with K accounts made up front."""

    def __init__(
        self, network: str, logdir: Path, *, accounts: int, latency: float = 0.0, **opts: Any
    ) -> None:
        info = logdir / f"{network}-accounts.json"
        info.unlink(missing_ok=True)
        argv = [PYTHON, "-m", "socialmuse.emulators", network, "--accounts", str(accounts)]
        argv += ["--latency", str(latency), "--accounts-file", str(info)]
        for name, value in opts.items():
            argv += [f"--{name.replace('_', '-')}", str(value)]
        self.proc = Proc(argv, dict(os.environ), logdir / f"{network}-emulator.log")
        wait_until(info.exists, 60, f"the {network} emulator to start")
        data = json.loads(info.read_text())
        self.url: str = data["url"]
        self.accounts: list[dict[str, str]] = data["accounts"]
        self.http = httpx.Client(base_url=self.url, timeout=60)

    def counts(self) -> dict[str, Any]:
        result: dict[str, Any] = self.http.get("/_emulator/counts").json()
        return result

    def log(self, method: str | None = None, path_prefix: str = "") -> list[dict[str, Any]]:
        params = {"path_prefix": path_prefix} | ({"method": method} if method else {})
        result: list[dict[str, Any]] = self.http.get("/_emulator/log", params=params).json()
        return result

    def fault(self, kind: str, *, times: int = 1, **extra: Any) -> None:
        body = {"method": "POST", "path_prefix": "/api/v1/statuses", "kind": kind}
        self.http.post("/_emulator/faults", json=body | {"remaining": times} | extra)

    def latency(self, seconds: float) -> None:
        self.http.post("/_emulator/latency", json={"latency": seconds})

    def stop(self) -> None:
        self.http.close()
        self.proc.stop()


def child_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFLEX_")}
    return env | overrides


def start_worker(
    env: dict[str, str], log: Path, *, processes: int = 1, threads: int = 4, module: str = "jobs"
) -> Proc:
    argv = [PYTHON, "-m", "dramatiq", module, "--processes", str(processes)]
    argv += ["--threads", str(threads)]
    worker = Proc(argv, env, log)

    def ready() -> bool:
        if not worker.alive():
            raise AssertionError(f"the worker exited:\n{worker.output()[-3000:]}")
        return worker.output().count("Worker process is ready for action.") >= processes

    wait_until(ready, 60, "the Dramatiq worker to be ready")
    return worker


def start_scheduler(env: dict[str, str], log: Path) -> Proc:
    scheduler = Proc([str(BIN / "socialmuse"), "scheduler"], env, log)
    scheduler.wait_output("scheduler started", 60)
    return scheduler


# Seeding -------------------------------------------------------------------------------


@dataclass
class Seeded:
    brand_id: int
    account_ids: list[int]  # ours, in the order of the emulator's accounts
    target_ids: list[int]
    per_remote: dict[str, int]  # remote account id → number of targets


def seed_mastodon(
    session: Session,
    emulator: Emulator,
    *,
    targets: int,
    when: datetime | list[datetime],
    accounts: int | None = None,
    tag: str = "burst",
) -> Seeded:
    """One organisation, one brand, ``accounts`` Mastodon accounts, ``targets`` posts.

    Accounts are stored directly (what ``connect_mastodon`` would store after asking the
    instance), so 500 accounts cost no HTTP. Post ``i`` goes to account ``i % accounts`` with
    the unique text ``"<tag> #i"``, so a duplicate on the network is a repeated text.
    """
    from socialmuse.platforms.base import ConnectedAccount
    from socialmuse.services.accounts import store_connection
    from tests.factories import brand, owner

    person = owner(session)
    brand_id = brand(session, person)
    remote = emulator.accounts[: accounts or len(emulator.accounts)]
    ours = []
    for acc in remote:
        connected = ConnectedAccount(
            external_id=acc["id"],
            handle=f"{acc['username']}@{emulator.url.split('//')[1]}",
            display_name=acc["username"],
            credentials={
                "access_token": acc["token"],
                "instance_url": emulator.url,
                "max_characters": 500,
            },
        )
        public = store_connection(
            session,
            actor=person.actor,
            brand_id=brand_id,
            platform=Platform.MASTODON,
            connected=connected,
            instance_url=emulator.url,
        )
        ours.append(public.id)
    session.commit()
    times = when if isinstance(when, list) else [when] * targets
    posts = [
        Post(
            organization_id=person.actor.organization_id,
            brand_id=brand_id,
            status=PostStatus.SCHEDULED,
            text=f"{tag} #{i}",
            scheduled_at=times[i],
        )
        for i in range(targets)
    ]
    session.add_all(posts)
    session.flush()
    rows = [
        PostTarget(
            organization_id=person.actor.organization_id,
            post_id=post.id or 0,
            social_account_id=ours[i % len(ours)],
            status=TargetStatus.SCHEDULED,
            scheduled_at=times[i],
        )
        for i, post in enumerate(posts)
    ]
    session.add_all(rows)
    session.commit()
    per_remote = Counter(remote[i % len(remote)]["id"] for i in range(targets))
    return Seeded(brand_id, ours, [t.id or 0 for t in rows], dict(per_remote))


# Observing -----------------------------------------------------------------------------


def status_counts(session: Session) -> dict[str, int]:
    session.expire_all()
    rows = session.exec(
        select(PostTarget.status, func.count()).group_by(PostTarget.status)  # type: ignore[call-overload]
    ).all()
    session.rollback()  # end the read transaction: SQLite would otherwise pin a snapshot
    return {str(TargetStatus(s).value): int(n) for s, n in rows}


def all_final(session: Session, total: int) -> bool:
    counts = status_counts(session)
    return sum(counts.get(s.value, 0) for s in FINAL) == total


def queue_depth(redis_url: str, queue: str = "publishing") -> int:
    """Messages waiting in the Dramatiq queue (not those prefetched or held by a worker)."""
    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        return int(client.llen(f"socialmuse:{queue}"))
    except redis.RedisError:
        return -1
    finally:
        client.close()


def publishing_on_live_workers(session: Session) -> int:
    """Targets in ``publishing`` whose current attempt belongs to a process still alive."""
    session.expire_all()
    workers = session.exec(
        select(PublishAttempt.worker)
        .join(PostTarget, col(PostTarget.id) == col(PublishAttempt.target_id))
        .where(
            PostTarget.status == TargetStatus.PUBLISHING,
            col(PublishAttempt.number) == col(PostTarget.attempt_count),
        )
    ).all()
    session.rollback()
    live = 0
    for worker in workers:
        parts = (worker or "").split(":")
        if len(parts) >= 2 and parts[1].isdigit() and psutil.pid_exists(int(parts[1])):
            live += 1
    return live


def quiet(session: Session, redis_url: str, settle: float = 2.0, timeout: float = 120) -> None:
    """Wait until no message waits, nothing is publishing on a live worker, and the counts
    have not moved for ``settle`` seconds: what is left is stranded, not in flight."""
    last: list[Any] = [None, time.monotonic()]

    def still() -> bool:
        state = (status_counts(session), queue_depth(redis_url))
        if state != last[0]:
            last[0], last[1] = state, time.monotonic()
            return False
        return (
            state[1] == 0
            and publishing_on_live_workers(session) == 0
            and time.monotonic() - last[1] >= settle
        )

    wait_until(still, timeout, "the queue to drain and the workers to go quiet", 0.25)


def heal(env: dict[str, str], advance_seconds: float, log: Path) -> dict[str, Any]:
    """One sweep pass, in its own process, with the clock ``advance_seconds`` ahead."""
    out = subprocess.run(
        [PYTHON, "-m", "tests.faults.heal", "--advance", str(advance_seconds)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    with open(log, "a") as fh:
        fh.write(out.stdout + out.stderr)
    if out.returncode != 0:
        raise AssertionError(f"heal pass failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def outcome_report(session: Session, ids: Iterable[int]) -> list[tuple[int, str, str | None]]:
    """(id, status, last error) for targets that did not end published."""
    session.expire_all()
    rows = session.exec(
        select(PostTarget).where(
            col(PostTarget.id).in_(list(ids)), PostTarget.status != TargetStatus.PUBLISHED
        )
    ).all()
    session.rollback()
    return [(t.id or 0, str(t.status), t.last_error_message) for t in rows]


def external_ids(session: Session) -> list[str]:
    session.expire_all()
    ids = [e for e in session.exec(select(PostTarget.external_id)).all() if e]
    session.rollback()
    return ids


def attempt_outcomes(session: Session) -> Counter[str]:
    session.expire_all()
    outcomes = Counter(str(o) for o in session.exec(select(PublishAttempt.outcome)).all())
    session.rollback()
    return outcomes
