"""The baseline actor: the broker and middleware of ``jobs``, and an actor that does nothing.

``python -m dramatiq benchmarks.noop_jobs`` consumes it. Each call records
``[index, sent_at, started_at, finished_at]`` in the Redis list ``bench:noop`` (one RPUSH,
the least a measurable actor can do).
"""

from __future__ import annotations

import json
import time

import dramatiq

from jobs.broker import broker


@dramatiq.actor(actor_name="bench.noop", queue_name="bench", max_retries=0, broker=broker)
def noop(index: int, sent_at: float) -> None:
    started = time.time()
    broker.client.rpush("bench:noop", json.dumps([index, sent_at, started, time.time()]))
