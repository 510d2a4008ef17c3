"""Headroom (goals G5, G7): pipeline throughput against Dramatiq's own, and the claim query.

How much of Dramatiq's own speed the pipeline keeps, and the cost of the scheduler's claim
query on a table with many scheduled rows.

1. Pipeline throughput: N targets due now over 500 accounts of a Mastodon emulator with no
   latency, 2 worker processes × 8 threads, the scheduler running; throughput = N / (last
   published − first started). Baseline, same run: N messages to a no-op actor on the same
   broker and workers. Reported as a ratio.
2. Claim query: ``claim_due_targets`` (limit 500) timed in a rolled-back transaction on a
   table holding ``--rows`` future scheduled targets, with 500 due and with none due (the
   idle tick). Baseline: a primary-key lookup on the same table and connection.

Run from the repository root:  .venv/bin/python benchmarks/headroom.py [--targets N --rows M]
"""

from __future__ import annotations

import argparse
import time
import uuid
from datetime import timedelta

from _bench import Backend, backend_args, emit, machine, noop_baseline, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=2000)
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=200)
    backend_args(parser)
    args = parser.parse_args()
    print("machine:", machine())
    backend = Backend(args)
    logdir = backend.dir / "logs"
    logdir.mkdir()
    from sqlalchemy import func, insert, update
    from sqlmodel import select

    from socialmuse.models import Post, PostTarget, PublishAttempt, utcnow
    from socialmuse.models.enums import PostStatus, TargetStatus
    from socialmuse.services.publishing import claim_due_targets
    from tests.faults.harness import (
        Emulator,
        all_final,
        seed_mastodon,
        start_scheduler,
        start_worker,
        wait_until,
    )

    emulator = Emulator("mastodon", logdir, accounts=args.accounts, latency=0.0)
    procs = [emulator]
    try:
        with backend.session() as session:
            seeded = seed_mastodon(
                session, emulator, targets=args.targets, when=utcnow() + timedelta(hours=1)
            )
            env = backend.env()
            procs.append(
                start_worker(
                    env, logdir / "worker.log", processes=args.processes, threads=args.threads
                )
            )
            procs.append(start_scheduler(env, logdir / "scheduler.log"))
            session.execute(update(PostTarget).values(scheduled_at=utcnow()))
            session.commit()
            wait_until(lambda: all_final(session, args.targets), 900, "all targets final", 0.5)
            first = session.exec(select(func.min(PublishAttempt.started_at))).one()
            last = session.exec(select(func.max(PostTarget.published_at))).one()
            pipeline = args.targets / max(1e-9, (last - first).total_seconds())
            for proc in reversed(procs[1:]):
                proc.stop()
            net = emulator.counts()
            base = noop_baseline(
                backend,
                logdir,
                count=args.targets,
                processes=args.processes,
                threads=args.threads,
            )

            # 2. the claim query on a big table
            org = session.get(Post, 1).organization_id  # type: ignore[union-attr]
            brand = seeded.brand_id
            future = utcnow() + timedelta(days=30)
            per_post = len(seeded.account_ids)
            posts = args.rows // per_post + 1
            now = utcnow()
            post_rows = [
                {
                    "organization_id": org,
                    "brand_id": brand,
                    "status": PostStatus.SCHEDULED,
                    "text": f"later #{i}",
                    "thread_parts": [],
                    "scheduled_at": future,
                    "is_evergreen": False,
                    "source": "bench",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(posts)
            ]
            began = time.monotonic()
            ids = list(session.execute(insert(Post).returning(Post.id), post_rows).scalars())
            rows = []
            for n in range(args.rows):
                rows.append(
                    {
                        "organization_id": org,
                        "post_id": ids[n // per_post],
                        "social_account_id": seeded.account_ids[n % per_post],
                        "status": TargetStatus.SCHEDULED,
                        "options": {},
                        "scheduled_at": future if n >= 500 else utcnow() - timedelta(seconds=1),
                        "attempt_count": 0,
                        "idempotency_key": uuid.uuid4().hex,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            for i in range(0, len(rows), 5000):
                session.execute(insert(PostTarget), rows[i : i + 5000])
            session.commit()
            if session.get_bind().dialect.name == "postgresql":
                from sqlalchemy import text

                session.execute(text("ANALYZE posttarget"))
                session.commit()
            fill = time.monotonic() - began

            def timed(fn) -> list[float]:  # type: ignore[no-untyped-def]
                out = []
                for _ in range(args.repeats):
                    t = time.perf_counter()
                    fn()
                    out.append((time.perf_counter() - t) * 1000)
                    session.rollback()
                return out

            claimed = []
            with_due = timed(lambda: claimed.append(len(claim_due_targets(session, limit=500))))
            session.execute(
                update(PostTarget)
                .where(PostTarget.scheduled_at < utcnow())
                .values(scheduled_at=future)
            )
            session.commit()
            idle = timed(lambda: claim_due_targets(session, limit=500))
            target_id = seeded.target_ids[0]
            pk = timed(lambda: session.get(PostTarget, target_id, populate_existing=True))
        emit(
            "headroom",
            {
                "machine": machine(),
                "backend": backend.kind,
                "scale": vars(args) | {"database_url": None, "redis_url": None},
                "pipeline_throughput_per_s": pipeline,
                "noop_throughput_per_s": base["throughput"],
                "ratio_pipeline_vs_noop": pipeline / base["throughput"],
                "duplicates_on_network": len(net["duplicates"]),
                "table_rows": args.rows + args.targets,
                "fill_seconds": fill,
                "claimed_per_call": sorted(set(claimed)),
                "claim_500_due_ms": summary(with_due),
                "claim_idle_ms": summary(idle),
                "pk_lookup_ms": summary(pk),
                "ratio_claim_p99_vs_pk_p99": summary(with_due)["p99"] / summary(pk)["p99"],
                "goal_claim_p99_ms": 5,
            },
        )
    finally:
        for proc in reversed(procs):
            proc.stop()
        backend.close()


if __name__ == "__main__":
    main()
