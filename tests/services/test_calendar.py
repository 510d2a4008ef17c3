"""The calendar service: windows and filters, search, DST-correct moves, duplicates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from socialmuse.models import AuditEvent, Post, PostTag, PostTarget, Tag
from socialmuse.models.enums import PostStatus, Role, TargetStatus
from socialmuse.services import calendar, campaigns
from socialmuse.services.errors import NotFound, ValidationError
from tests.factories import brand, owner, teammate
from tests.services.calendar_helpers import Paris, post_at, sandbox

PARIS_WINTER = datetime(2027, 3, 26, 8, 0, tzinfo=UTC)  # Friday 09:00 CET
WEEK = (datetime(2027, 3, 21, 23, 0, tzinfo=UTC), datetime(2027, 4, 4, 22, 0, tzinfo=UTC))


@pytest.fixture()
def paris(session: Session) -> Paris:
    person = owner(session)
    brand_id = brand(session, person, "Bakery", tz="Europe/Paris")
    account = sandbox(session, person, brand_id)
    return person, brand_id, account


def test_window_and_filters(session: Session, paris: Paris) -> None:
    person, brand_id, account = paris
    other_account = sandbox(session, person, brand_id, handle="second")
    launch = campaigns.create_campaign(
        session, actor=person.actor, brand_id=brand_id, name="Spring launch", color="#e5484d"
    )
    first = post_at(session, person, brand_id, [account], PARIS_WINTER, text="Croissants")
    second = post_at(
        session,
        person,
        brand_id,
        [other_account],
        PARIS_WINTER + timedelta(days=1),
        text="Baguettes",
        status=PostStatus.DRAFT,
    )
    post_at(session, person, brand_id, [account], PARIS_WINTER + timedelta(days=30))
    campaigns.set_post_campaign(session, actor=person.actor, post_id=second, campaign_id=launch.id)
    tag = Tag(organization_id=person.actor.organization_id, name="bread", color="#30A46C")
    session.add(tag)
    session.flush()
    session.add(PostTag(post_id=first, tag_id=tag.id or 0))
    session.commit()

    def ids(**filters) -> list[int]:  # type: ignore[no-untyped-def]
        found = calendar.list_calendar(
            session,
            actor=person.actor,
            brand_id=brand_id,
            start_utc=WEEK[0],
            end_utc=WEEK[1],
            **filters,
        )
        return [e.id for e in found]

    assert ids() == [first, second]
    assert ids(account_ids=[other_account]) == [second]
    assert ids(campaign_id=launch.id) == [second]
    assert ids(tag_ids=[tag.id]) == [first]
    assert ids(statuses=["draft"]) == [second]
    entry = calendar.list_calendar(
        session, actor=person.actor, brand_id=brand_id, start_utc=WEEK[0], end_utc=WEEK[1]
    )[1]
    assert entry.campaign_name == "Spring launch" and entry.campaign_color == "#E5484D"
    assert [t.handle for t in entry.targets] == ["second"]
    assert entry.targets[0].platform == "sandbox"


def test_search_matches_words_and_survives_query_syntax(
    session: Session,
    paris: Paris,
) -> None:
    person, brand_id, account = paris
    croissant = post_at(
        session, person, brand_id, [account], PARIS_WINTER, text="Croissants are back!"
    )
    workshop = post_at(
        session,
        person,
        brand_id,
        [account],
        PARIS_WINTER + timedelta(hours=2),
        text="Sourdough workshop",
        first_comment="Tickets at the counter",
    )

    def search(query: str) -> list[int]:
        found = calendar.list_calendar(
            session,
            actor=person.actor,
            brand_id=brand_id,
            start_utc=WEEK[0],
            end_utc=WEEK[1],
            query=query,
        )
        return [e.id for e in found]

    assert search("crois") == [croissant]
    assert search("SOURDOUGH workshop") == [workshop]
    assert search("tickets") == [workshop]  # the first comment is searched too
    assert search("croissants workshop") == []  # every word must match
    for hostile in ['"foo', "AND", "OR NOT", "zq:w* & !y", "NEAR(x y)", "don't"]:
        assert search(hostile) == []
    for wordless in ["   ", "(", "'", "\\", '"*"']:
        assert search(wordless) == [croissant, workshop]  # no words: no search filter
    # Edits reach the index (SQLite triggers / PostgreSQL generated column).
    post = session.get(Post, croissant)
    assert post is not None
    post.text = "Pains au chocolat"
    session.add(post)
    session.commit()
    assert search("crois") == []
    assert search("chocolat") == [croissant]


def test_reschedule_keeps_wall_time_across_dst(session: Session, paris: Paris) -> None:
    person, brand_id, account = paris
    post_id = post_at(session, person, brand_id, [account], PARIS_WINTER)
    entry = calendar.reschedule_post(
        session, actor=person.actor, post_id=post_id, at="2027-03-29T09:00"
    )
    # After the change to summer time, 09:00 in Paris is 07:00 UTC (it was 08:00 before).
    assert entry.scheduled_at == datetime(2027, 3, 29, 7, 0, tzinfo=UTC)
    target = session.exec(select(PostTarget).where(PostTarget.post_id == post_id)).one()
    assert target.scheduled_at == datetime(2027, 3, 29, 7, 0, tzinfo=UTC)
    assert target.status == TargetStatus.SCHEDULED
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "post.rescheduled")).one()
    assert event.details["to"].startswith("2027-03-29T07:00")


def test_reschedule_refusals(session: Session, paris: Paris) -> None:
    person, brand_id, account = paris
    post_id = post_at(session, person, brand_id, [account], PARIS_WINTER)
    with pytest.raises(ValidationError, match="does not exist in Europe/Paris"):
        calendar.reschedule_post(
            session, actor=person.actor, post_id=post_id, at="2027-03-28T02:30"
        )
    with pytest.raises(ValidationError, match="in the past"):
        calendar.reschedule_post(
            session, actor=person.actor, post_id=post_id, at="2020-01-01T09:00"
        )
    published = post_at(
        session, person, brand_id, [account], PARIS_WINTER, status=PostStatus.PUBLISHED
    )
    with pytest.raises(ValidationError, match="already published"):
        calendar.reschedule_post(
            session, actor=person.actor, post_id=published, at="2027-04-01T09:00"
        )
    in_flight = post_at(
        session, person, brand_id, [account], PARIS_WINTER, target_status=TargetStatus.PUBLISHING
    )
    with pytest.raises(ValidationError, match="being published right now"):
        calendar.reschedule_post(
            session, actor=person.actor, post_id=in_flight, at="2027-04-01T09:00"
        )
    session.rollback()
    assert session.get(Post, post_id).scheduled_at == PARIS_WINTER  # type: ignore[union-attr]


def test_partly_published_post_moves_only_unsent_targets(
    session: Session,
    paris: Paris,
) -> None:
    person, brand_id, account = paris
    other = sandbox(session, person, brand_id, handle="second")
    post_id = post_at(
        session, person, brand_id, [account, other], PARIS_WINTER, status=PostStatus.FAILED
    )
    sent = session.exec(
        select(PostTarget).where(
            PostTarget.post_id == post_id, PostTarget.social_account_id == other
        )
    ).one()
    sent.status = TargetStatus.PUBLISHED
    session.add(sent)
    session.commit()
    calendar.reschedule_post(session, actor=person.actor, post_id=post_id, at="2027-04-02T10:00")
    rows = {
        t.social_account_id: t
        for t in session.exec(select(PostTarget).where(PostTarget.post_id == post_id)).all()
    }
    assert rows[account].status == TargetStatus.SCHEDULED
    assert rows[account].scheduled_at == datetime(2027, 4, 2, 8, 0, tzinfo=UTC)
    assert rows[other].status == TargetStatus.PUBLISHED
    assert rows[other].scheduled_at == PARIS_WINTER


def test_duplicate_makes_a_draft_copy(session: Session, paris: Paris) -> None:
    person, brand_id, account = paris
    other = sandbox(session, person, brand_id, handle="second")
    post_id = post_at(
        session, person, brand_id, [account, other], PARIS_WINTER, first_comment="More soon"
    )
    tag = Tag(organization_id=person.actor.organization_id, name="bread")
    session.add(tag)
    session.flush()
    session.add(PostTag(post_id=post_id, tag_id=tag.id or 0))
    session.commit()
    copy_id = calendar.duplicate_post(session, actor=person.actor, post_id=post_id)
    assert copy_id != post_id
    copy = session.get(Post, copy_id)
    assert copy is not None
    assert copy.status == PostStatus.DRAFT and copy.source == "duplicate"
    assert copy.text == "Fresh bread at nine" and copy.first_comment == "More soon"
    assert copy.scheduled_at == PARIS_WINTER  # still ahead, so it keeps its place
    targets = session.exec(select(PostTarget).where(PostTarget.post_id == copy_id)).all()
    assert sorted(t.social_account_id for t in targets) == sorted([account, other])
    assert {t.status for t in targets} == {TargetStatus.DRAFT}
    assert session.exec(select(PostTag.tag_id).where(PostTag.post_id == copy_id)).all() == [tag.id]


def test_scope_and_roles(session: Session, paris: Paris) -> None:
    person, brand_id, account = paris
    other_brand = brand(session, person, "Other")
    post_id = post_at(session, person, brand_id, [account], PARIS_WINTER)
    scoped = teammate(session, person, role=Role.TEAM_MEMBER, brand_ids=(other_brand,))
    with pytest.raises(NotFound):
        calendar.list_calendar(
            session, actor=scoped.actor, brand_id=brand_id, start_utc=WEEK[0], end_utc=WEEK[1]
        )
    with pytest.raises(NotFound):
        calendar.reschedule_post(
            session, actor=scoped.actor, post_id=post_id, at="2027-04-01T09:00"
        )
    with pytest.raises(ValidationError):
        calendar.list_calendar(
            session, actor=person.actor, brand_id=brand_id, start_utc=WEEK[1], end_utc=WEEK[0]
        )


def test_unscheduled_drafts_on_request(session: Session, paris: Paris) -> None:
    person, brand_id, account = paris
    draft = post_at(session, person, brand_id, [account], None, status=PostStatus.DRAFT)
    window = {"start_utc": WEEK[0], "end_utc": WEEK[1]}
    assert calendar.list_calendar(session, actor=person.actor, brand_id=brand_id, **window) == []
    found = calendar.list_calendar(
        session, actor=person.actor, brand_id=brand_id, include_unscheduled=True, **window
    )
    assert [e.id for e in found] == [draft] and found[0].at is None


def test_grid_cells_are_local_across_dst(session: Session, paris: Paris) -> None:
    """The week of the change to summer time: 09:00 Paris sits in the 09:00 row on both sides."""
    from zoneinfo import ZoneInfo

    from socialmuse.state.calendar_grid import build_days, build_slots, entry_view, period

    person, brand_id, account = paris
    before = post_at(session, person, brand_id, [account], PARIS_WINTER)  # Fri 26, 08:00 UTC
    after = post_at(
        session, person, brand_id, [account], datetime(2027, 3, 29, 7, 0, tzinfo=UTC)
    )  # Mon 29, 07:00 UTC: 09:00 CEST
    week = period("week", datetime(2027, 3, 28).date(), "Europe/Paris")
    assert (week.first.isoformat(), week.last.isoformat()) == ("2027-03-22", "2027-03-28")
    assert week.start_utc == datetime(2027, 3, 21, 23, 0, tzinfo=UTC)  # midnight CET
    assert week.end_utc == datetime(2027, 3, 28, 22, 0, tzinfo=UTC)  # midnight CEST
    found = calendar.list_calendar(
        session, actor=person.actor, brand_id=brand_id, start_utc=WEEK[0], end_utc=WEEK[1]
    )
    views = [entry_view(e, ZoneInfo("Europe/Paris")) for e in found]
    assert [(v.id, v.date, v.time) for v in views] == [
        (str(before), "2027-03-26", "09:00"),
        (str(after), "2027-03-29", "09:00"),
    ]
    two_weeks = period("week", datetime(2027, 3, 29).date(), "Europe/Paris")
    slots = build_slots(two_weeks, views)
    nine = [s for s in slots if s.hour == "9" and s.posts]
    assert [(s.date, [p.id for p in s.posts]) for s in nine] == [("2027-03-29", [str(after)])]
    month = period("month", datetime(2027, 3, 10).date(), "Europe/Paris")
    days = build_days(month, views, datetime(2027, 3, 1).date())
    assert days[0].date == "2027-03-01" and days[-1].date == "2027-04-04"
    by_date = {d.date: [p.id for p in d.posts] for d in days}
    assert by_date["2027-03-26"] == [str(before)] and by_date["2027-03-29"] == [str(after)]


def test_search_heals_after_a_rebuilt_post_table(session: Session, paris: Paris) -> None:
    """A later SQLite batch migration on ``post`` drops its triggers; upgrading puts them back."""
    from sqlalchemy import text

    from socialmuse import db

    person, brand_id, account = paris
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DROP TRIGGER post_fts_ai"))
        session.commit()
    baguette = post_at(session, person, brand_id, [account], PARIS_WINTER, text="Baguette day")
    db.migrate()
    found = calendar.list_calendar(
        session,
        actor=person.actor,
        brand_id=brand_id,
        start_utc=WEEK[0],
        end_utc=WEEK[1],
        query="baguette",
    )
    assert [e.id for e in found] == [baguette]


def test_moving_to_the_same_time_changes_nothing(session: Session, paris: Paris) -> None:
    person, brand_id, account = paris
    post_id = post_at(session, person, brand_id, [account], PARIS_WINTER)
    entry = calendar.reschedule_post(
        session, actor=person.actor, post_id=post_id, at="2027-03-26T09:00"
    )
    assert entry.scheduled_at == PARIS_WINTER
    assert (
        session.exec(select(AuditEvent).where(AuditEvent.action == "post.rescheduled")).all() == []
    )
