"""Best time to post: a known best slot comes first; thin history falls back, labelled."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from socialmuse.models.enums import Platform
from socialmuse.platforms.base import PostMetrics
from socialmuse.services import analytics
from tests.factories import brand, owner
from tests.services.analytics_helpers import account, audience, published

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 4, 20, 12, 0, tzinfo=UTC)


def local(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 30, tzinfo=NEW_YORK).astimezone(UTC)


def metrics(impressions: int | None, engagements: int) -> PostMetrics:
    return PostMetrics(impressions=impressions, likes=engagements)


def test_the_known_best_slot_is_ranked_first_across_a_dst_change(session: Session) -> None:
    person = owner(session)
    acct = account(session, person, brand(session, person, tz="America/New_York"), Platform.X)
    # Eight weeks around the 8 March 2026 DST change: Tuesdays 9:30 local do 10 %,
    # Thursdays 15:30 do 4 %, Saturdays 20:30 do 2 %: 24 posts, every slot sampled 8 times.
    first_tuesday = date(2026, 2, 17)
    for week in range(8):
        tuesday = first_tuesday + timedelta(weeks=week)
        published(session, acct, local(tuesday, 9), metrics=metrics(1000, 100))
        published(session, acct, local(tuesday + timedelta(days=2), 15), metrics=metrics(1000, 40))
        published(session, acct, local(tuesday + timedelta(days=4), 20), metrics=metrics(2000, 40))
    result = analytics.best_times(
        session, actor=person.actor, account_id=acct.id or 0, min_sample=20, now=NOW
    )
    assert result.source == "own_history" and result.reason is None
    assert result.sample_size == 24 and result.timezone == "America/New_York"
    ranked = [(s.weekday_name, s.hour, s.sample_size) for s in result.slots]
    assert ranked == [("Tuesday", 9, 8), ("Thursday", 15, 8), ("Saturday", 20, 8)]
    assert result.slots[0].score == 10.0
    assert result.heatmap[1][9] == 10.0 and result.heatmap[0][0] is None
    figure = analytics.best_times_figure(result)
    assert figure.data[0].z[1][9] == 10.0


def test_thin_history_falls_back_to_network_defaults_labelled(session: Session) -> None:
    person = owner(session)
    acct = account(session, person, brand(session, person, tz="Europe/Paris"), Platform.LINKEDIN)
    for n in range(5):
        published(session, acct, NOW - timedelta(days=n + 1), metrics=metrics(1000, 100 - n))
    result = analytics.best_times(session, actor=person.actor, account_id=acct.id or 0, now=NOW)
    assert result.source == "network_defaults"
    assert result.sample_size == 5 and result.min_sample == analytics.MIN_SAMPLE
    assert result.reason and "LinkedIn" in result.reason and "5 post" in result.reason
    first = result.slots[0]
    assert (first.weekday_name, first.hour, first.sample_size) == ("Tuesday", 8, 0)
    assert analytics.best_times_figure(result).data[0].z[1][8] == 1.0


def test_no_slot_with_enough_posts_also_means_defaults(session: Session) -> None:
    person = owner(session)
    acct = account(session, person, brand(session, person, tz="UTC"), Platform.BLUESKY)
    start = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
    for n in range(30):  # thirty posts, each in a different hour: no slot reaches 3
        published(session, acct, start + timedelta(hours=n * 25), metrics=metrics(None, 5))
    result = analytics.best_times(
        session, actor=person.actor, account_id=acct.id or 0, min_sample=30, now=NOW
    )
    assert result.source == "network_defaults" and result.sample_size == 30


def test_networks_without_impressions_rank_by_engagement_per_follower(session: Session) -> None:
    person = owner(session)
    acct = account(session, person, brand(session, person, tz="UTC"), Platform.MASTODON)
    audience(session, acct, NOW - timedelta(days=1), 500)
    monday = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    for week in range(4):
        base = monday + timedelta(weeks=week)
        published(session, acct, base, metrics=metrics(None, 10))  # Monday 8:00, 2 %
        published(session, acct, base + timedelta(days=4, hours=9), metrics=metrics(None, 25))
    result = analytics.best_times(
        session, actor=person.actor, account_id=acct.id or 0, min_sample=8, now=NOW
    )
    assert result.source == "own_history"
    assert [(s.weekday_name, s.hour, s.score) for s in result.slots] == [
        ("Friday", 17, 5.0),
        ("Monday", 8, 2.0),
    ]
