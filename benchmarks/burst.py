"""Top-of-the-minute burst (goal G3): 3,000 targets due at the same instant.

500 emulated Mastodon accounts (200 ms latency per request), 2 worker processes, the
scheduler running. Reported: first-attempt start delay (started_at − scheduled_at: p50, p99,
max; goal: all started within 120 s), time until all final, duplicates on the network (goal
0) and 429 answers (goal 0). Baseline, same run, same broker and worker settings: the same
number of messages sent at once to a no-op actor (``benchmarks/noop_jobs.py``).

Run from the repository root:  .venv/bin/python benchmarks/burst.py [--targets N ...]
"""

from __future__ import annotations

import argparse
import time
from datetime import timedelta

from _bench import Backend, backend_args, emit, machine, noop_baseline, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=3000)
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    backend_args(parser)
    args = parser.parse_args()
    print("machine:", machine())
    backend = Backend(args)
    logdir = backend.dir / "logs"
    logdir.mkdir()
    from sqlalchemy import func, update
    from sqlmodel import col, select

    from socialmuse.models import Post, PostTarget, PublishAttempt, utcnow
    from tests.faults.harness import (
        Emulator,
        all_final,
        seed_mastodon,
        start_scheduler,
        start_worker,
        status_counts,
        wait_until,
    )

    emulator = Emulator("mastodon", logdir, accounts=args.accounts, latency=args.latency)
    procs = [emulator]
    try:
        with backend.session() as session:
            began = time.monotonic()
            seeded = seed_mastodon(
                session, emulator, targets=args.targets, when=utcnow() + timedelta(hours=1)
            )
            print(f"seeded {args.targets} targets in {time.monotonic() - began:.1f}s")
            env = backend.env()
            procs.append(
                start_worker(
                    env, logdir / "worker.log", processes=args.processes, threads=args.threads
                )
            )
            procs.append(start_scheduler(env, logdir / "scheduler.log"))
            due = utcnow() + timedelta(seconds=2)
            session.execute(update(PostTarget).values(scheduled_at=due))
            session.execute(update(Post).values(scheduled_at=due))
            session.commit()
            wait_until(lambda: all_final(session, args.targets), 900, "all targets final", 1.0)
            finished = utcnow()
            first = (
                select(PublishAttempt.target_id, func.min(PublishAttempt.started_at))
                .where(PublishAttempt.number == 1)
                .group_by(PublishAttempt.target_id)
            )
            starts = {t: s for t, s in session.exec(first).all()}  # type: ignore[call-overload]
            delays = [(starts[t] - due).total_seconds() for t in seeded.target_ids if t in starts]
            published = session.exec(
                select(func.max(PostTarget.published_at)).where(
                    col(PostTarget.id).in_(seeded.target_ids)
                )
            ).one()
            counts = status_counts(session)
        for proc in reversed(procs[1:]):
            proc.stop()
        net = emulator.counts()
        ours = summary(delays)
        base = noop_baseline(
            backend, logdir, count=args.targets, processes=args.processes, threads=args.threads
        )
        emit(
            "burst",
            {
                "machine": machine(),
                "backend": backend.kind,
                "scale": vars(args) | {"database_url": None, "redis_url": None},
                "statuses": counts,
                "start_delay_s": ours,
                "all_started_within_s": ours["max"],
                "goal_all_started_s": 120,
                "last_published_after_s": (published - due).total_seconds() if published else None,
                "all_final_after_s": (finished - due).total_seconds(),
                "duplicates_on_network": len(net["duplicates"]),
                "statuses_on_network": net["total"],
                "http_429": net["status_429"],
                "missing_first_attempts": args.targets - len(delays),
                "baseline_noop": base,
                "ratio_all_started_vs_noop": ours["max"] / max(1e-9, base["all_started_after"]),
                "ideal_all_started_s": (args.targets // (args.processes * args.threads))
                * args.latency,
                "ratio_p99_vs_noop": ours["p99"] / max(1e-9, base["delays"]["p99"]),
            },
        )
    finally:
        for proc in reversed(procs):
            proc.stop()
        backend.close()
        print("logs:", logdir if args.keep else "(removed; --keep to keep them)")


if __name__ == "__main__":
    main()
