"""Metric collection: the decaying cadence, failures that never lose snapshots, single claims."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, col, func, select

from socialmuse import db
from socialmuse.models import Notification, SocialAccount
from socialmuse.models.enums import AccountStatus, Platform
from socialmuse.models.metrics import (
    AccountMetricSnapshot,
    MetricDaily,
    MilestoneAlert,
    PostMetricLatest,
    PostMetricSchedule,
    PostMetricSnapshot,
)
from socialmuse.platforms.base import (
    AccountContext,
    AccountMetrics,
    AuthExpired,
    ConnectedAccount,
    OutcomeUnknown,
    PlatformError,
    PostMetrics,
    RateLimited,
    Rejected,
    Transient,
)
from socialmuse.platforms.registry import overridden
from socialmuse.services import metrics_collection as mc
from tests.factories import brand, owner
from tests.services.analytics_helpers import account, published

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Scripted:
    """A network whose metrics answers are scripted: each call pops the next one."""

    platform = Platform.SANDBOX

    def __init__(self, answers: list[PostMetrics | AccountMetrics | PlatformError]) -> None:
        self.answers = answers
        self.calls = 0

    def _next(self) -> PostMetrics | AccountMetrics:
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, PlatformError):
            raise answer
        return answer

    def fetch_post_metrics(self, account: AccountContext, external_id: str) -> PostMetrics:
        answer = self._next()
        assert isinstance(answer, PostMetrics)
        return answer

    def fetch_account_metrics(self, account: AccountContext) -> AccountMetrics:
        answer = self._next()
        assert isinstance(answer, AccountMetrics)
        return answer

    def refresh(self, account: AccountContext) -> ConnectedAccount:
        raise AuthExpired("refused", code="invalid_grant")


def _world(session: Session) -> tuple[SocialAccount, int]:
    person = owner(session)
    acct = account(session, person, brand(session, person, tz="UTC"))
    target = published(session, acct, T0, count=False)
    with db.session_scope() as s:
        assert mc.register_published(s, now=T0 + timedelta(minutes=1)) == 1
    return acct, target.id or 0


def _claim(at: datetime) -> list[mc.Claim]:
    with db.session_scope() as s:
        return mc.claim_due_posts(s, now=at)


def _snapshots(session: Session, target_id: int) -> list[PostMetricSnapshot]:
    session.expire_all()
    return list(
        session.exec(
            select(PostMetricSnapshot)
            .where(PostMetricSnapshot.target_id == target_id)
            .order_by(col(PostMetricSnapshot.id))
        ).all()
    )


def test_cadence_decays_from_an_hour_to_weekly_until_ninety_days() -> None:
    hours = [c.total_seconds() / 3600 for c in mc.CADENCE]
    assert hours[:5] == [1, 6, 24, 72, 168]
    assert all(b - a == 168 for a, b in itertools.pairwise(hours[4:-1]))
    assert hours[-1] == 90 * 24


def test_a_published_target_is_read_on_each_step_of_the_cadence(session: Session) -> None:
    acct, target_id = _world(session)
    schedule = session.get(PostMetricSchedule, target_id)
    assert schedule is not None and schedule.next_collect_at == T0 + timedelta(hours=1)
    assert _claim(T0 + timedelta(minutes=30)) == []
    day = session.exec(select(MetricDaily).where(MetricDaily.social_account_id == acct.id)).one()
    assert day.posts_published == 1
    fake = Scripted([PostMetrics(impressions=100 * n, likes=n) for n in range(1, 30)])
    with overridden(Platform.SANDBOX, fake):
        moments = [T0 + c for c in mc.CADENCE]
        for step, moment in enumerate(moments):
            claims = _claim(moment)
            assert claims == [mc.Claim(target_id, step)]
            assert mc.collect_post(target_id, step, now=moment).status == "stored"
    assert fake.calls == len(mc.CADENCE)
    session.expire_all()
    schedule = session.get(PostMetricSchedule, target_id)
    assert schedule is not None and schedule.finished
    assert _claim(T0 + timedelta(days=200)) == []
    shots = _snapshots(session, target_id)
    assert [s.impressions for s in shots] == [100 * n for n in range(1, len(mc.CADENCE) + 1)]
    latest = session.get(PostMetricLatest, target_id)
    assert latest is not None and latest.impressions == 100 * len(mc.CADENCE)
    total = session.exec(
        select(func.sum(MetricDaily.impressions)).where(MetricDaily.social_account_id == acct.id)
    ).one()
    assert total == 100 * len(mc.CADENCE)  # daily gains add up to the latest count


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        (RateLimited("slow down", retry_at=T0 + timedelta(hours=9), http_status=429), None),
        (Transient("server error", code="server_error", http_status=503), "server_error"),
        (OutcomeUnknown("timed out", code="timeout"), "timeout"),
        (Rejected("gone", code="endpoint_deprecated", http_status=410), "endpoint_deprecated"),
    ],
)
def test_a_failed_read_is_retried_later_and_keeps_earlier_snapshots(
    session: Session, failure: PlatformError, code: str | None
) -> None:
    _acct, target_id = _world(session)
    first = PostMetrics(impressions=50, likes=5)
    fake = Scripted([first, failure, PostMetrics(impressions=80, likes=9)])
    with overridden(Platform.SANDBOX, fake):
        at1 = T0 + timedelta(hours=1)
        assert mc.collect_post(*_one(at1), now=at1).status == "stored"
        at2 = T0 + timedelta(hours=6)
        outcome = mc.collect_post(*_one(at2), now=at2)
        assert outcome.status == "retry" and outcome.retry_at is not None
        assert outcome.retry_at > at2
        if isinstance(failure, RateLimited):
            assert outcome.retry_at == failure.retry_at  # the network's own reset time
        session.expire_all()
        schedule = session.get(PostMetricSchedule, target_id)
        assert schedule is not None
        assert (schedule.collect_step, schedule.failures) == (1, 1)
        assert schedule.last_error_message and failure.message in schedule.last_error_message
        if code:
            assert schedule.last_error_code == code
        assert _claim(at2 + timedelta(minutes=1)) == []  # not hammered straight away
        shots = _snapshots(session, target_id)
        assert [(s.impressions, s.likes) for s in shots] == [(50, 5)]
        later = outcome.retry_at
        assert mc.collect_post(*_one(later), now=later).status == "stored"
    shots = _snapshots(session, target_id)
    assert [(s.impressions, s.likes) for s in shots] == [(50, 5), (80, 9)]
    schedule = session.get(PostMetricSchedule, target_id)
    assert schedule is not None and (schedule.collect_step, schedule.failures) == (2, 0)


def _one(at: datetime) -> tuple[int, int]:
    claims = _claim(at)
    assert len(claims) == 1
    return claims[0].target_id, claims[0].step


def test_a_step_failing_again_and_again_is_skipped_not_lost(session: Session) -> None:
    _acct, target_id = _world(session)
    errors: list[PostMetrics | AccountMetrics | PlatformError] = [
        Transient("down", code="server_error") for _ in range(mc.MAX_FAILURES)
    ]
    fake = Scripted([PostMetrics(likes=1), *errors])
    with overridden(Platform.SANDBOX, fake):
        at = T0 + timedelta(hours=1)
        mc.collect_post(*_one(at), now=at)
        at = T0 + timedelta(hours=6)
        outcomes = []
        for _ in range(mc.MAX_FAILURES):
            outcomes.append(mc.collect_post(*_one(at), now=at))
            assert outcomes[-1].retry_at is not None
            at = outcomes[-1].retry_at
    assert [o.status for o in outcomes] == ["retry"] * (mc.MAX_FAILURES - 1) + ["skipped"]
    session.expire_all()
    schedule = session.get(PostMetricSchedule, target_id)
    assert schedule is not None and schedule.collect_step == 2 and not schedule.finished
    assert len(_snapshots(session, target_id)) == 1


def test_expired_auth_flags_the_account_and_keeps_collecting_later(session: Session) -> None:
    acct, _target_id = _world(session)
    fake = Scripted([AuthExpired("token revoked", code="invalid_token", http_status=401)])
    with overridden(Platform.SANDBOX, fake):
        at = T0 + timedelta(hours=1)
        outcome = mc.collect_post(*_one(at), now=at)
    assert outcome.status == "retry" and outcome.retry_at == at + timedelta(hours=6)
    session.expire_all()
    refreshed = session.get(SocialAccount, acct.id)
    assert refreshed is not None and refreshed.status == AccountStatus.RECONNECT_NEEDED


def test_a_post_deleted_on_the_network_ends_its_schedule(session: Session) -> None:
    _acct, target_id = _world(session)
    fake = Scripted([PostMetrics(likes=3), Rejected("no such post", code="not_found")])
    with overridden(Platform.SANDBOX, fake):
        at = T0 + timedelta(hours=1)
        mc.collect_post(*_one(at), now=at)
        at = T0 + timedelta(hours=6)
        assert mc.collect_post(*_one(at), now=at).status == "ended"
    session.expire_all()
    schedule = session.get(PostMetricSchedule, target_id)
    assert schedule is not None and schedule.finished
    assert len(_snapshots(session, target_id)) == 1


def test_a_step_is_claimed_once_and_stored_once(session: Session) -> None:
    _acct, target_id = _world(session)
    at = T0 + timedelta(hours=1)
    first = _claim(at)
    assert first == [mc.Claim(target_id, 0)]
    assert _claim(at) == []  # leased
    # The lease ran out while the first worker was still busy: a second one claims the step.
    late = at + mc.LEASE + timedelta(seconds=1)
    assert _claim(late) == [mc.Claim(target_id, 0)]
    with db.session_scope() as s:
        one = mc.record_post_result(s, target_id, 0, PostMetrics(likes=4), now=late)
    with db.session_scope() as s:
        two = mc.record_post_result(s, target_id, 0, PostMetrics(likes=5), now=late)
    assert (one.status, two.status) == ("stored", "skipped")
    assert [s.likes for s in _snapshots(session, target_id)] == [4]


def test_concurrent_claimers_never_share_a_target(session: Session) -> None:
    person = owner(session)
    acct = account(session, person, brand(session, person, tz="UTC"))
    targets = {published(session, acct, T0, count=False).id for _ in range(40)}
    with db.session_scope() as s:
        mc.register_published(s, now=T0)
    results: list[list[mc.Claim]] = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        barrier.wait()
        for _ in range(5):
            with db.session_scope() as s:
                results.append(mc.claim_due_posts(s, now=T0 + timedelta(hours=2), limit=5))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    claimed = [c.target_id for batch in results for c in batch]
    assert len(claimed) == len(set(claimed)) == len(targets)


def test_account_audience_is_read_daily_and_milestones_fire_once(session: Session) -> None:
    person = owner(session)
    acct = account(session, person, brand(session, person, tz="UTC"))
    with db.session_scope() as s:
        mc.register_published(s, now=T0)
    fake = Scripted(
        [AccountMetrics(followers=f, following=3, posts=9) for f in (990, 1004, 1010, 5003)]
    )
    at = T0
    with overridden(Platform.SANDBOX, fake):
        for _ in range(4):
            with db.session_scope() as s:
                assert mc.claim_due_accounts(s, now=at) == [acct.id]
            with db.session_scope() as s:
                assert mc.claim_due_accounts(s, now=at) == []
            assert mc.collect_account(acct.id or 0, now=at).status == "stored"
            at += mc.ACCOUNT_EVERY
    session.expire_all()
    shots = session.exec(
        select(AccountMetricSnapshot.followers).where(
            AccountMetricSnapshot.social_account_id == acct.id
        )
    ).all()
    assert sorted(shots) == [990, 1004, 1010, 5003]
    days = session.exec(
        select(MetricDaily.followers)
        .where(MetricDaily.social_account_id == acct.id)
        .order_by(col(MetricDaily.day))
    ).all()
    assert list(days) == [990, 1004, 1010, 5003]
    alerts = session.exec(select(MilestoneAlert.threshold)).all()
    assert sorted(alerts) == [1000, 5000]
    notes = session.exec(
        select(Notification.title).where(Notification.user_id == person.actor.user_id)
    ).all()
    assert len(notes) == 2 and any("1,000 followers" in n for n in notes)


def test_sandbox_metrics_grow_with_age_and_are_deterministic(
    session: Session, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from socialmuse.platforms.sandbox import SandboxAdapter

    sandbox = SandboxAdapter(tmp_path_factory.mktemp("sandbox") / "sandbox.db")
    connected = sandbox.connect(handle="grower")
    ctx = AccountContext(
        platform=Platform.SANDBOX,
        external_id=connected.external_id,
        handle="grower",
        base_url="",
        credentials=connected.credentials,
    )
    from socialmuse.platforms.base import PostContent

    published_post = sandbox.publish(ctx, PostContent(text="hello"), idempotency_key="k1")
    start = datetime.now(UTC)
    readings = []
    for hours in (1, 6, 24, 72, 168, 24 * 30):
        sandbox.clock = lambda h=hours: start + timedelta(hours=h)
        readings.append(sandbox.fetch_post_metrics(ctx, published_post.external_id))
    impressions = [r.impressions or 0 for r in readings]
    assert impressions == sorted(impressions) and impressions[0] > 0
    assert impressions[2] > 0.7 * impressions[-1]  # most of it in the first day
    sandbox.clock = lambda: start + timedelta(hours=6)
    assert sandbox.fetch_post_metrics(ctx, published_post.external_id) == readings[1]
    with pytest.raises(Rejected):
        sandbox.fetch_post_metrics(ctx, "missing")
    assert sandbox.fetch_account_metrics(ctx).followers > 0
