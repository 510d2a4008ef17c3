"""Publishing actors: thin wrappers over services.publishing / services.reconcile.

Actors never retry on their own (``max_retries=0``): the target's state machine decides what
is retried and when, and a worker that dies mid-actor is healed by the scheduler's sweep.
"""

from __future__ import annotations

import os
import socket
import threading

import dramatiq

from jobs.broker import broker
from socialmuse.db import session_scope
from socialmuse.models.enums import TargetStatus
from socialmuse.services import publishing, reconcile


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


@dramatiq.actor(
    actor_name="posts.publish_target",
    queue_name="publishing",
    max_retries=0,
    time_limit=180_000,
    broker=broker,
)
def publish_target(target_id: int) -> None:
    status = publishing.publish_target(target_id, worker=_worker_name())
    if status == TargetStatus.UNCONFIRMED:
        reconcile_target.send(target_id)


@dramatiq.actor(
    actor_name="posts.reconcile_target",
    queue_name="publishing",
    max_retries=0,
    time_limit=120_000,
    broker=broker,
)
def reconcile_target(target_id: int) -> None:
    if reconcile.reconcile_target(target_id) == "requeued":
        publish_target.send(target_id)


def dispatch_due(limit: int = 200) -> int:
    """One scheduler pass: claim due targets, heal stale ones, enqueue after commit."""
    with session_scope() as session:
        claimed = publishing.claim_due_targets(session, limit=limit)
    with session_scope() as session:
        requeue, to_reconcile = reconcile.sweep(session)
    for target_id in [*claimed, *requeue]:
        publish_target.send(target_id)
    for target_id in to_reconcile:
        reconcile_target.send(target_id)
    return len(claimed)
