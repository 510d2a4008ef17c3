"""The publishing protocol: exactly once, each target on its own, nothing silently lost."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from socialmuse.models import PostTarget, PublishAttempt, SocialAccount, utcnow
from socialmuse.models.enums import AccountStatus, Platform, PostStatus, TargetStatus
from socialmuse.platforms.base import (
    AccountContext,
    AuthExpired,
    ConnectedAccount,
    OutcomeUnknown,
    PlatformError,
    PostContent,
    Problem,
    Published,
    RateLimited,
    Rejected,
    Transient,
)
from socialmuse.platforms.registry import overridden
from socialmuse.services import accounts, posts, publishing, reconcile
from tests.factories import Person, brand, owner


class Scripted:
    """A network whose answers the test writes in advance; it counts what it created."""

    platform = Platform.SANDBOX

    def __init__(self, *outcomes: PlatformError | None) -> None:
        self.outcomes = list(outcomes)
        self.created: dict[str, Published] = {}
        self.publish_calls: list[str] = []
        self.refresh_ok = True

    def validate(self, content: PostContent) -> list[Problem]:
        return []

    def publish(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published:
        self.publish_calls.append(idempotency_key)
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if isinstance(outcome, OutcomeUnknown) and outcome.code == "after_save":
            self.created.setdefault(idempotency_key, self._new(idempotency_key))
        if outcome is not None:
            raise outcome
        return self.created.setdefault(idempotency_key, self._new(idempotency_key))

    def _new(self, key: str) -> Published:
        n = len(self.created) + 1
        return Published(external_id=f"p{n}", permalink=f"https://sandbox.test/p{n}")

    def find_published(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published | None:
        return self.created.get(idempotency_key)

    def refresh(self, account: AccountContext) -> ConnectedAccount:
        if not self.refresh_ok:
            raise AuthExpired("Sandbox refused the refresh.", platform_message="invalid_grant")
        return ConnectedAccount(
            external_id=account.external_id,
            handle=account.handle,
            display_name="",
            credentials={"token": "fresh"},
        )


@pytest.fixture()
def world(session: Session) -> tuple[Person, int, list[int]]:
    person = owner(session)
    brand_id = brand(session, person)
    ids = [
        accounts.connect_sandbox(session, actor=person.actor, brand_id=brand_id, handle=h).id
        for h in ("one", "two")
    ]
    session.commit()
    return person, brand_id, ids


def schedule(session: Session, world: tuple[Person, int, list[int]], n: int = 1) -> int:
    person, brand_id, ids = world
    post = posts.create_post(
        session, actor=person.actor, brand_id=brand_id, account_ids=ids[:n], text="Hello", now=True
    )
    session.commit()
    return post.id


def run_once(session: Session) -> list[TargetStatus | None]:
    claimed = publishing.claim_due_targets(session)
    session.commit()
    return [publishing.publish_target(t) for t in claimed]


def targets(session: Session) -> list[PostTarget]:
    session.expire_all()
    return list(session.exec(select(PostTarget).order_by(PostTarget.id)).all())


@pytest.fixture()
def network() -> Iterator[Scripted]:
    adapter = Scripted()
    with overridden(Platform.SANDBOX, adapter):  # type: ignore[arg-type]
        yield adapter


def test_success_is_recorded_once_and_a_second_delivery_is_a_no_op(session, world, network):
    schedule(session, world)
    assert run_once(session) == [TargetStatus.PUBLISHED]
    [target] = targets(session)
    assert target.external_id == "p1" and target.permalink == "https://sandbox.test/p1"
    assert publishing.publish_target(target.id or 0) is None  # the message came twice
    assert network.publish_calls == [target.idempotency_key]
    attempts = session.exec(select(PublishAttempt)).all()
    assert [(a.number, a.outcome) for a in attempts] == [(1, "success")]


def test_claiming_is_exclusive(session, world, network):
    schedule(session, world, n=2)
    first = publishing.claim_due_targets(session)
    session.commit()
    assert len(first) == 2 and publishing.claim_due_targets(session) == []


def test_targets_fail_independently(session, world, network):
    network.outcomes = [Rejected("too long", code="422", platform_message="Text too long"), None]
    post_id = schedule(session, world, n=2)
    assert sorted(run_once(session)) == [TargetStatus.FAILED, TargetStatus.PUBLISHED]
    person = world[0]
    detail = posts.get_post(session, actor=person.actor, post_id=post_id)
    assert detail.status == PostStatus.PARTIALLY_PUBLISHED
    failed = next(t for t in detail.targets if t.status == TargetStatus.FAILED)
    assert "Text too long" in (failed.last_error or "")


def test_rate_limit_waits_for_the_network_reset_time(session, world, network):
    reset = utcnow() + timedelta(minutes=7)
    network.outcomes = [RateLimited("slow down", retry_at=reset, http_status=429)]
    schedule(session, world)
    assert run_once(session) == [TargetStatus.SCHEDULED]
    [target] = targets(session)
    assert target.next_attempt_at == reset
    account = session.get(SocialAccount, target.social_account_id)
    assert account is not None and account.status == AccountStatus.RATE_LIMITED
    assert publishing.claim_due_targets(session) == []
    assert publishing.claim_due_targets(session, now=reset + timedelta(seconds=1)) == [target.id]


def test_transient_errors_back_off_then_give_up(session, world, network):
    network.outcomes = [Transient("down", http_status=503)] * publishing.MAX_ATTEMPTS
    schedule(session, world)
    later = utcnow()
    for _ in range(publishing.MAX_ATTEMPTS):
        later += publishing.BACKOFF_CAP + timedelta(seconds=1)
        claimed = publishing.claim_due_targets(session, now=later)
        session.commit()
        for target_id in claimed:
            publishing.publish_target(target_id)
    [target] = targets(session)
    assert target.status == TargetStatus.FAILED and target.attempt_count == publishing.MAX_ATTEMPTS
    assert "Gave up after" in (target.last_error_message or "")


def test_expired_token_is_refreshed_once(session, world, network):
    network.outcomes = [AuthExpired("expired", http_status=401)]
    schedule(session, world)
    assert run_once(session) == [TargetStatus.PUBLISHED]
    [target] = targets(session)
    account = session.get(SocialAccount, target.social_account_id)
    assert account is not None
    assert accounts.context_for(account).credentials["token"] == "fresh"


def test_refused_refresh_marks_the_account_reconnect_needed(session, world, network):
    network.outcomes = [AuthExpired("expired", http_status=401)]
    network.refresh_ok = False
    schedule(session, world)
    assert run_once(session) == [TargetStatus.FAILED]
    [target] = targets(session)
    account = session.get(SocialAccount, target.social_account_id)
    assert account is not None and account.status == AccountStatus.RECONNECT_NEEDED


def test_unknown_outcome_is_reconciled_not_retried(session, world, network):
    network.outcomes = [OutcomeUnknown("timeout", code="after_save")]
    schedule(session, world)
    assert run_once(session) == [TargetStatus.UNCONFIRMED]
    assert reconcile.reconcile_target(targets(session)[0].id or 0) == "published"
    [target] = targets(session)
    assert target.status == TargetStatus.PUBLISHED and target.external_id == "p1"
    assert len(network.publish_calls) == 1 and len(network.created) == 1


def test_unknown_outcome_that_never_landed_is_sent_again_with_the_same_key(session, world, network):
    network.outcomes = [OutcomeUnknown("timeout", code="before_save")]
    schedule(session, world)
    run_once(session)
    target_id = targets(session)[0].id or 0
    assert reconcile.reconcile_target(target_id) == "requeued"
    assert publishing.publish_target(target_id) == TargetStatus.PUBLISHED
    assert len(set(network.publish_calls)) == 1 and len(network.publish_calls) == 2


def test_sweep_heals_a_lost_queue_message_and_a_dead_worker(session, world, network):
    schedule(session, world, n=2)
    first, second = publishing.claim_due_targets(session)
    session.commit()
    with session.no_autoflush:
        work = publishing.begin_attempt(session, second, worker="doomed")
    session.commit()
    assert work is not None
    later = utcnow() + publishing.PUBLISH_LEASE + timedelta(seconds=1)
    requeue, to_reconcile = reconcile.sweep(session, now=later)
    session.commit()
    assert requeue == [first] and to_reconcile == [second]
    assert reconcile.reconcile_target(second) == "requeued"  # the network never saw it
    assert publishing.publish_target(second) == TargetStatus.PUBLISHED
    assert publishing.publish_target(first) == TargetStatus.PUBLISHED
    assert len(network.created) == 2


def test_disconnecting_cancels_what_was_not_sent_yet(session, world, network):
    person, _brand, ids = world
    post_id = schedule(session, world, n=2)
    accounts.disconnect(session, actor=person.actor, account_id=ids[0])
    session.commit()
    assert run_once(session) == [TargetStatus.PUBLISHED]
    detail = posts.get_post(session, actor=person.actor, post_id=post_id)
    assert sorted(t.status for t in detail.targets) == [
        TargetStatus.CANCELLED,
        TargetStatus.PUBLISHED,
    ]
    assert detail.status == PostStatus.PARTIALLY_PUBLISHED


def test_sweep_does_not_resend_reconcile_every_tick(session, world, network):
    network.outcomes = [OutcomeUnknown("timeout", code="before_save")]
    schedule(session, world)
    run_once(session)
    target_id = targets(session)[0].id
    now = utcnow()
    assert reconcile.sweep(session, now=now)[1] == [target_id]
    session.commit()
    assert reconcile.sweep(session, now=now + timedelta(seconds=1))[1] == []
    later = now + reconcile.RECONCILE_LEASE + timedelta(seconds=1)
    assert reconcile.sweep(session, now=later)[1] == [target_id]


def test_a_late_worker_cannot_undo_what_reconcile_decided(session, world, network):
    schedule(session, world)
    [target_id] = publishing.claim_due_targets(session)
    session.commit()
    work = publishing.begin_attempt(session, target_id, worker="slow")
    session.commit()
    assert work is not None
    target = session.get(PostTarget, target_id)
    target.status, target.external_id = TargetStatus.PUBLISHED, "found-by-reconcile"
    session.add(target)
    session.commit()
    late = Transient("network down", http_status=503)
    assert publishing.finish_attempt(session, work, late) == TargetStatus.PUBLISHED
    session.commit()
    [row] = targets(session)
    assert row.status == TargetStatus.PUBLISHED and row.external_id == "found-by-reconcile"
