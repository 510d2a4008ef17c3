"""Posting slots: weekly wall times in the brand's zone, the next free one, DST days."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from socialmuse.models import Post, PostTarget
from socialmuse.models.enums import PostStatus, Role, TargetStatus
from socialmuse.services import slots
from socialmuse.services.errors import PermissionDenied, ValidationError
from tests.factories import brand, owner, teammate
from tests.services.calendar_helpers import Paris, post_at, sandbox

# Friday 2027-03-26, two days before Europe/Paris moves to summer time (Sunday 28th, 02:00).
FRIDAY_NOON = datetime(2027, 3, 26, 11, 0, tzinfo=UTC)


@pytest.fixture()
def paris(session: Session) -> Paris:
    person = owner(session)
    brand_id = brand(session, person, "Bakery", tz="Europe/Paris")
    return person, brand_id, sandbox(session, person, brand_id)


def test_slot_crud_and_refusals(session: Session, paris: Paris) -> None:
    person, brand_id, account = paris
    added = slots.add_slot(session, actor=person.actor, account_id=account, weekday=1, at="09:30")
    assert (added.weekday_label, added.time_label, added.minute_of_day) == ("Tuesday", "09:30", 570)
    with pytest.raises(ValidationError, match="already has a slot"):
        slots.add_slot(session, actor=person.actor, account_id=account, weekday=1, at="9:30")
    with pytest.raises(ValidationError, match="not a time of day"):
        slots.add_slot(session, actor=person.actor, account_id=account, weekday=1, at="25:00")
    with pytest.raises(ValidationError, match="day of the week"):
        slots.add_slot(session, actor=person.actor, account_id=account, weekday=7, at="10:00")
    replaced = slots.set_weekly_slots(
        session, actor=person.actor, account_id=account, weekdays=[0, 2], times=["18:00", "08:15"]
    )
    assert [(s.weekday, s.time_label) for s in replaced] == [
        (0, "08:15"),
        (0, "18:00"),
        (2, "08:15"),
        (2, "18:00"),
    ]
    slots.delete_slot(session, actor=person.actor, slot_id=replaced[0].id)
    listed = slots.list_slots(session, actor=person.actor, brand_id=brand_id)
    assert [(s.weekday, s.time_label, s.handle) for s in listed] == [
        (0, "18:00", "bakery"),
        (2, "08:15", "bakery"),
        (2, "18:00", "bakery"),
    ]
    member = teammate(session, person, role=Role.TEAM_MEMBER)
    with pytest.raises(PermissionDenied):
        slots.add_slot(session, actor=member.actor, account_id=account, weekday=3, at="10:00")


def test_next_free_slot_keeps_wall_time_across_dst(session: Session, paris: Paris) -> None:
    person, brand_id, account = paris
    for day in (4, 0):  # Friday and Monday at 09:00 Paris time
        slots.add_slot(session, actor=person.actor, account_id=account, weekday=day, at="09:00")
    first = slots.next_free_slot(
        session, actor=person.actor, brand_id=brand_id, account_ids=[account], after=FRIDAY_NOON
    )
    # Friday 09:00 has passed; Monday 29th 09:00 is summer time: 07:00 UTC.
    assert first == datetime(2027, 3, 29, 7, 0, tzinfo=UTC)
    post_at(session, person, brand_id, [account], first)
    second = slots.next_free_slot(
        session, actor=person.actor, brand_id=brand_id, account_ids=[account], after=FRIDAY_NOON
    )
    assert second == datetime(2027, 4, 2, 7, 0, tzinfo=UTC)  # Friday 2 April 09:00 CEST
    # A failed or cancelled delivery frees its slot again.
    post_at(
        session,
        person,
        brand_id,
        [account],
        second,
        status=PostStatus.FAILED,
        target_status=TargetStatus.CANCELLED,
    )
    assert (
        slots.next_free_slot(
            session,
            actor=person.actor,
            brand_id=brand_id,
            account_ids=[account],
            after=FRIDAY_NOON,
        )
        == second
    )


def test_slot_in_the_dst_gap_is_skipped_that_day() -> None:
    # Sunday 02:30 does not exist in Paris on 2027-03-28; the next Sunday it does.
    found = slots.slot_instants([(6, 150)], "Europe/Paris", FRIDAY_NOON, days=10)
    assert found == [datetime(2027, 4, 4, 0, 30, tzinfo=UTC)]
    # New York falls back on 2027-11-07: 01:30 happens twice; the first (EDT) is used.
    fall = slots.slot_instants(
        [(6, 90)], "America/New_York", datetime(2027, 11, 6, tzinfo=UTC), days=2
    )
    assert fall == [datetime(2027, 11, 7, 5, 30, tzinfo=UTC)]


def test_next_free_slot_needs_slots(session: Session, paris: Paris) -> None:
    person, brand_id, account = paris
    with pytest.raises(ValidationError, match=r"@bakery .* has no posting slots"):
        slots.next_free_slot(session, actor=person.actor, brand_id=brand_id, account_ids=[account])
    other_brand = brand(session, person, "Other")
    stranger = sandbox(session, person, other_brand, handle="elsewhere")
    with pytest.raises(ValidationError, match="another brand"):
        slots.next_free_slot(
            session, actor=person.actor, brand_id=brand_id, account_ids=[account, stranger]
        )


def test_union_of_accounts_slots_and_any_taken_blocks(session: Session, paris: Paris) -> None:
    person, brand_id, account = paris
    other = sandbox(session, person, brand_id, handle="second")
    slots.add_slot(session, actor=person.actor, account_id=account, weekday=0, at="09:00")
    slots.add_slot(session, actor=person.actor, account_id=other, weekday=0, at="12:00")
    monday_nine = datetime(2027, 3, 29, 7, 0, tzinfo=UTC)
    post_at(session, person, brand_id, [other], monday_nine)  # the other account is busy then
    found = slots.next_free_slot(
        session,
        actor=person.actor,
        brand_id=brand_id,
        account_ids=[account, other],
        after=FRIDAY_NOON,
    )
    assert found == datetime(2027, 3, 29, 10, 0, tzinfo=UTC)  # Monday 12:00 CEST


def test_queue_post_schedules_a_draft_at_the_next_free_slot(session: Session, paris: Paris) -> None:
    person, brand_id, account = paris
    slots.add_slot(session, actor=person.actor, account_id=account, weekday=0, at="09:00")
    slots.add_slot(session, actor=person.actor, account_id=account, weekday=3, at="17:45")
    draft = post_at(session, person, brand_id, [account], None, status=PostStatus.DRAFT)
    expected = slots.next_free_slot(
        session, actor=person.actor, brand_id=brand_id, account_ids=[account]
    )
    when = slots.queue_post(session, actor=person.actor, post_id=draft)
    session.commit()
    assert when == expected
    zone_time = when.astimezone(ZoneInfo("Europe/Paris"))
    assert (zone_time.weekday(), zone_time.strftime("%H:%M")) in {(0, "09:00"), (3, "17:45")}
    post = session.get(Post, draft)
    assert post is not None and post.status == PostStatus.SCHEDULED and post.scheduled_at == when
    target = session.exec(select(PostTarget).where(PostTarget.post_id == draft)).one()
    assert (target.status, target.scheduled_at) == (TargetStatus.SCHEDULED, when)
    # The slot is now taken: the next draft goes to the following one.
    second = post_at(session, person, brand_id, [account], None, status=PostStatus.DRAFT)
    assert slots.queue_post(session, actor=person.actor, post_id=second) > when
