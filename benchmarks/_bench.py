"""What the publishing benchmarks share: a throwaway backend, processes, a no-op baseline.

Default backend: a fresh SQLite file and an embedded Valkey in a temporary directory (the
default install). ``--database-url``/``--redis-url`` point at PostgreSQL and a Redis
instead; the database's schema is dropped and rebuilt, so never give it one you care about.
The processes, seeding and emulator come from tests/faults/harness.py.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def backend_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--redis-url", default=None, help="Redis URL (default: embedded Valkey)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")


class Backend:
    """Sets SOCIALMUSE_* in this process, migrates, and gives children the same env."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="sm-bench-"))
        self.valkey = None
        env = {"SOCIALMUSE_DATA_DIR": str(self.dir), "SOCIALMUSE_ENV": "development"}
        if args.redis_url:
            redis_url = args.redis_url
        else:
            from socialmuse.embedded_redis import EmbeddedValkey

            self.valkey = EmbeddedValkey(self.dir)
            redis_url = self.valkey.start()
        database_url = args.database_url or f"sqlite:///{self.dir / 'socialmuse.db'}"
        env |= {"SOCIALMUSE_DATABASE_URL": database_url, "SOCIALMUSE_REDIS_URL": redis_url}
        os.environ.update(env)
        from socialmuse import db
        from socialmuse.settings import get_settings

        get_settings.cache_clear()
        if args.database_url:
            from sqlalchemy import text

            engine = db.build_engine(database_url)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            engine.dispose()
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        db.reset_engine()
        db.migrate()
        self.redis_url = redis_url
        self.kind = (
            ("PostgreSQL" if args.database_url else "SQLite")
            + " + "
            + ("Redis" if args.redis_url else "embedded Valkey")
        )
        self.keep = args.keep

    def env(self, **extra: str) -> dict[str, str]:
        from tests.faults.harness import child_env

        return child_env(**extra)

    def session(self) -> Any:
        from sqlmodel import Session

        from socialmuse import db

        return Session(db.get_engine(), expire_on_commit=False)

    def close(self) -> None:
        if self.valkey is not None:
            self.valkey.stop()
        if not self.keep:
            import shutil

            shutil.rmtree(self.dir, ignore_errors=True)


def machine() -> str:
    load = os.getloadavg()
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}, "
        f"load average at start {load[0]:.2f}"
    )


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": pct(values, 50),
        "p99": pct(values, 99),
        "max": max(values) if values else float("nan"),
        "mean": statistics.fmean(values) if values else float("nan"),
    }


def noop_baseline(
    backend: Backend,
    logdir: Path,
    *,
    count: int,
    processes: int,
    threads: int,
    spacing: float = 0.0,
) -> dict[str, Any]:
    """The same number of messages through a no-op actor on the same broker and workers.

    Each message carries its send time; the actor records when it started. With ``spacing``
    0 all are sent at once (a burst); otherwise one every ``spacing`` seconds.
    Returns start delays (started − sent), and throughput (messages / (last − first start)).
    """
    import redis

    from tests.faults.harness import start_worker, wait_until

    client = redis.Redis.from_url(backend.redis_url)
    client.delete("bench:noop")
    env = backend.env()
    worker = start_worker(
        env,
        logdir / "noop-worker.log",
        processes=processes,
        threads=threads,
        module="benchmarks.noop_jobs",
    )
    try:
        os.environ.setdefault("SOCIALMUSE_REDIS_URL", backend.redis_url)
        from benchmarks.noop_jobs import noop

        began = time.time()
        for i in range(count):
            noop.send(i, time.time())
            if spacing:
                time.sleep(max(0.0, began + (i + 1) * spacing - time.time()))
        wait_until(lambda: client.llen("bench:noop") >= count, 600, "the no-op messages")
    finally:
        worker.stop()
    rows = [json.loads(r) for r in client.lrange("bench:noop", 0, -1)]
    starts = [r[2] for r in rows]
    delays = [r[2] - r[1] for r in rows]
    ends = [r[3] for r in rows]
    return {
        "delays": summary(delays),
        "first_start_to_last_start": max(starts) - min(starts),
        "throughput": count / max(1e-9, max(ends) - min(starts)),
        "all_started_after": max(starts) - began,
    }


def emit(name: str, figures: dict[str, Any]) -> None:
    print(json.dumps({"benchmark": name, **figures}, indent=2, default=str))
