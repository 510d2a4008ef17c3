"""Evergreen: marking a post, recycling on its rule, rotating texts, caps, no double copies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from socialmuse import db
from socialmuse.models import Brand, EvergreenRule, Post, PostTarget
from socialmuse.models.enums import PostStatus, Role, TargetStatus
from socialmuse.services import evergreen, slots
from socialmuse.services.errors import PermissionDenied, ValidationError
from tests.factories import brand, owner, teammate
from tests.services.calendar_helpers import Library, post_at, sandbox

PUBLISHED = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@pytest.fixture()
def library(session: Session) -> Library:
    person = owner(session)
    brand_id = brand(session, person, "Bakery", tz="Europe/Paris")
    account = sandbox(session, person, brand_id)
    post_id = post_at(
        session,
        person,
        brand_id,
        [account],
        PUBLISHED,
        text="Our sourdough recipe",
        status=PostStatus.PUBLISHED,
    )
    return person, brand_id, account, post_id


def copies(session: Session, post_id: int) -> list[Post]:
    session.expire_all()
    return list(
        session.exec(
            select(Post).where(Post.recycled_from_post_id == post_id).order_by(col(Post.id))
        ).all()
    )


def test_marking_needs_a_different_valid_variation(session: Session, library: Library) -> None:
    person, _brand_id, _account, post_id = library
    with pytest.raises(ValidationError, match="at least one variation") as refused:
        evergreen.set_evergreen(
            session, actor=person.actor, post_id=post_id, variations=["Our  sourdough recipe", ""]
        )
    assert refused.value.field == "variations"
    with pytest.raises(ValidationError, match=r"Variation 1, Sandbox \(@bakery\)"):
        evergreen.set_evergreen(
            session, actor=person.actor, post_id=post_id, variations=["x" * 1001]
        )
    with pytest.raises(ValidationError, match="between 1 and 365"):
        evergreen.set_evergreen(
            session, actor=person.actor, post_id=post_id, interval_days=0, variations=["New"]
        )
    rule = evergreen.set_evergreen(
        session,
        actor=person.actor,
        post_id=post_id,
        interval_days=30,
        cooldown_days=45,
        variations=["Bake it yourself", "Bake it yourself", "Our sourdough, step by step"],
    )
    assert rule.variations == ["Bake it yourself", "Our sourdough, step by step"]
    # The first copy waits for the longer of interval and cooldown after publication.
    assert rule.next_recycle_at == PUBLISHED + timedelta(days=45)
    assert session.get(Post, post_id).is_evergreen  # type: ignore[union-attr]
    assert [
        r.post_id for r in evergreen.list_evergreen(session, actor=person.actor, brand_id=_brand_id)
    ] == [post_id]
    evergreen.clear_evergreen(session, actor=person.actor, post_id=post_id)
    assert evergreen.get_evergreen(session, actor=person.actor, post_id=post_id) is None
    assert not session.get(Post, post_id).is_evergreen  # type: ignore[union-attr]


def test_recycles_rotating_texts_until_the_cap(session: Session, library: Library) -> None:
    person, _brand_id, account, post_id = library
    evergreen.set_evergreen(
        session,
        actor=person.actor,
        post_id=post_id,
        interval_days=30,
        max_recycles=3,
        cooldown_days=7,
        variations=["Bake it yourself", "Step by step"],
    )
    session.commit()
    due = PUBLISHED + timedelta(days=30)
    assert evergreen.recycle_due(session, due - timedelta(minutes=1)) == []
    made = evergreen.recycle_due(session, due)
    session.commit()
    assert len(made) == 1
    assert evergreen.recycle_due(session, due) == []  # run twice: nothing more
    first = copies(session, post_id)
    assert [(p.text, p.source, p.status) for p in first] == [
        ("Bake it yourself", "evergreen", PostStatus.SCHEDULED)
    ]
    target = session.exec(select(PostTarget).where(PostTarget.post_id == made[0])).one()
    assert (target.social_account_id, target.status) == (account, TargetStatus.SCHEDULED)
    assert target.scheduled_at == due  # no posting slots: the copy goes out when due
    rule = session.get(EvergreenRule, post_id)
    assert rule is not None and rule.recycled_count == 1
    assert rule.next_recycle_at == due + timedelta(days=30)
    for step in (2, 3):
        evergreen.recycle_due(session, PUBLISHED + timedelta(days=30 * step))
        session.commit()
    texts = [p.text for p in copies(session, post_id)]
    assert texts == ["Bake it yourself", "Step by step", "Our sourdough recipe"]
    assert all(a != b for a, b in zip(["Our sourdough recipe", *texts], texts, strict=False))
    session.expire_all()
    rule = session.get(EvergreenRule, post_id)
    assert rule is not None and (rule.active, rule.next_recycle_at) == (False, None)
    assert evergreen.recycle_due(session, PUBLISHED + timedelta(days=365)) == []


def test_copy_goes_to_the_next_free_slot_and_cooldown_holds(
    session: Session, library: Library
) -> None:
    person, _brand_id, account, post_id = library
    slots.add_slot(session, actor=person.actor, account_id=account, weekday=0, at="09:00")
    evergreen.set_evergreen(
        session,
        actor=person.actor,
        post_id=post_id,
        interval_days=2,
        cooldown_days=10,
        variations=["Bake it yourself"],
    )
    session.commit()
    due = datetime(2027, 3, 26, 11, 0, tzinfo=UTC)  # a Friday
    made = evergreen.recycle_due(session, due)
    session.commit()
    copy = session.get(Post, made[0])
    assert copy is not None
    assert copy.scheduled_at == datetime(2027, 3, 29, 7, 0, tzinfo=UTC)  # Monday 09:00 Paris
    rule = session.get(EvergreenRule, post_id)
    assert rule is not None
    session.refresh(rule)
    # The cooldown counts from the copy's time, and beats the 2-day interval.
    assert rule.next_recycle_at == datetime(2027, 4, 8, 7, 0, tzinfo=UTC)


def test_unpublished_post_is_postponed(session: Session) -> None:
    person = owner(session)
    brand_id = brand(session, person, "Bakery")
    account = sandbox(session, person, brand_id)
    post_id = post_at(session, person, brand_id, [account], PUBLISHED, text="Later")
    evergreen.set_evergreen(
        session,
        actor=person.actor,
        post_id=post_id,
        interval_days=5,
        cooldown_days=0,
        variations=["Sooner"],
    )
    session.commit()
    now = PUBLISHED + timedelta(days=6)
    assert evergreen.recycle_due(session, now) == []
    session.commit()
    session.expire_all()
    rule = session.get(EvergreenRule, post_id)
    assert rule is not None and rule.recycled_count == 0
    assert rule.next_recycle_at == now + timedelta(days=5)


def test_two_recyclers_at_once_make_one_copy(
    session: Session,
    library: Library,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The second recycler read the rule as due, but the first claims and commits before it."""
    person, _brand_id, _account, post_id = library
    evergreen.set_evergreen(
        session, actor=person.actor, post_id=post_id, interval_days=30, variations=["Again"]
    )
    session.commit()
    due = PUBLISHED + timedelta(days=30)
    real = evergreen.free_slot_for
    first_made: list[int] = []

    def race(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not first_made:
            first_made.append(-1)
            with Session(db.get_engine(), expire_on_commit=False) as rival:
                first_made.extend(evergreen.recycle_due(rival, due))
                rival.commit()
        return real(*args, **kwargs)

    monkeypatch.setattr(evergreen, "free_slot_for", race)
    with Session(db.get_engine(), expire_on_commit=False) as late:
        assert evergreen.recycle_due(late, due) == []
        late.commit()
    assert len(first_made) == 2  # the marker and the rival's one copy
    assert [p.id for p in copies(session, post_id)] == first_made[1:]


def test_the_scheduled_job_recycles_what_is_due(session: Session, library: Library) -> None:
    from jobs.evergreen import run_recycle

    person, _brand_id, _account, post_id = library
    evergreen.set_evergreen(
        session, actor=person.actor, post_id=post_id, interval_days=30, variations=["Again"]
    )
    session.commit()  # published in January 2026: the first copy is long due
    made = run_recycle()
    assert [p.id for p in copies(session, post_id)] == made and len(made) == 1
    assert run_recycle() == []


def test_only_an_approver_sets_evergreen_where_posts_need_approval(
    session: Session, library: Library
) -> None:
    person, brand_id, _account, post_id = library
    brand_row = session.get(Brand, brand_id)
    assert brand_row is not None
    brand_row.approval_policy = {"required_for": "team_members", "steps": ["brand_owner"]}
    session.add(brand_row)
    session.commit()
    member = teammate(session, person, role=Role.TEAM_MEMBER)
    with pytest.raises(PermissionDenied, match="only an approver"):
        evergreen.set_evergreen(session, actor=member.actor, post_id=post_id, variations=["Hi"])
    rule = evergreen.set_evergreen(session, actor=person.actor, post_id=post_id, variations=["Hi"])
    assert rule.active
