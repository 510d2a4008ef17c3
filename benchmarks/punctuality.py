"""Punctuality under normal load (goal G2): 30 targets a minute, one every 2 s, N minutes.

Mastodon emulator with 200 ms latency, the worker as ``socialmuse run`` starts it (1 process,
4 threads) and the scheduler. Reported: started_at − scheduled_at of each first attempt,
p50 (goal ≤ 1.5 s) and p99 (goal ≤ 5 s). Baseline, same run: a no-op actor sent one message
every 2 s on the same broker and worker settings (Dramatiq's own idle pickup latency).

Run from the repository root:  .venv/bin/python benchmarks/punctuality.py [--minutes 10]
"""

from __future__ import annotations

import argparse
from datetime import timedelta

from _bench import Backend, backend_args, emit, machine, noop_baseline, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--per-minute", type=int, default=30)
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--baseline-messages", type=int, default=30)
    backend_args(parser)
    args = parser.parse_args()
    print("machine:", machine())
    backend = Backend(args)
    logdir = backend.dir / "logs"
    logdir.mkdir()
    from sqlalchemy import func
    from sqlmodel import select

    from socialmuse.models import PostTarget, PublishAttempt, utcnow
    from tests.faults.harness import (
        Emulator,
        all_final,
        seed_mastodon,
        start_scheduler,
        start_worker,
        status_counts,
        wait_until,
    )

    total = int(args.minutes * args.per_minute)
    spacing = 60.0 / args.per_minute
    emulator = Emulator("mastodon", logdir, accounts=args.accounts, latency=args.latency)
    procs = [emulator]
    try:
        with backend.session() as session:
            env = backend.env()
            procs.append(
                start_worker(
                    env, logdir / "worker.log", processes=args.processes, threads=args.threads
                )
            )
            procs.append(start_scheduler(env, logdir / "scheduler.log"))
            first_due = utcnow() + timedelta(seconds=15)
            times = [first_due + timedelta(seconds=i * spacing) for i in range(total)]
            seeded = seed_mastodon(session, emulator, targets=total, when=times)
            wait_until(
                lambda: all_final(session, total),
                args.minutes * 60 + 300,
                "all targets final",
                2.0,
            )
            first = (
                select(PublishAttempt.target_id, func.min(PublishAttempt.started_at))
                .where(PublishAttempt.number == 1)
                .group_by(PublishAttempt.target_id)
            )
            starts = dict(session.exec(first).all())  # type: ignore[call-overload]
            due = dict(
                session.exec(select(PostTarget.id, PostTarget.scheduled_at)).all()  # type: ignore[call-overload]
            )
            delays = [
                (starts[t] - due[t]).total_seconds() for t in seeded.target_ids if t in starts
            ]
            counts = status_counts(session)
        for proc in reversed(procs[1:]):
            proc.stop()
        net = emulator.counts()
        ours = summary(delays)
        base = noop_baseline(
            backend,
            logdir,
            count=args.baseline_messages,
            processes=args.processes,
            threads=args.threads,
            spacing=spacing,
        )
        emit(
            "punctuality",
            {
                "machine": machine(),
                "backend": backend.kind,
                "scale": vars(args) | {"targets": total, "database_url": None, "redis_url": None},
                "statuses": counts,
                "start_delay_s": ours,
                "goal": {"p50": 1.5, "p99": 5.0},
                "duplicates_on_network": len(net["duplicates"]),
                "http_429": net["status_429"],
                "baseline_noop_pickup_s": base["delays"],
                "ratio_p50_vs_noop": ours["p50"] / max(1e-9, base["delays"]["p50"]),
                "ratio_p99_vs_noop": ours["p99"] / max(1e-9, base["delays"]["p99"]),
            },
        )
    finally:
        for proc in reversed(procs):
            proc.stop()
        backend.close()


if __name__ == "__main__":
    main()
