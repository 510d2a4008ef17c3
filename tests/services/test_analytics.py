"""Analytics views on synthetic data with known answers: KPIs, charts, paging, empty ranges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from socialmuse.models import Campaign, PostTarget, SocialAccount
from socialmuse.models.enums import AccountStatus, Platform, TargetStatus
from socialmuse.platforms.base import PostMetrics
from socialmuse.services import accounts, analytics, posts
from socialmuse.services.errors import ValidationError
from tests.factories import Person, brand, owner
from tests.services.analytics_helpers import account, audience, published

PARIS = ZoneInfo("Europe/Paris")
START, END = date(2026, 3, 10), date(2026, 3, 16)


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS).astimezone(UTC)


def pm(impressions: int | None, engagements: int) -> PostMetrics:
    """Counts whose engagements add up to ``engagements`` (likes take the remainder)."""
    return PostMetrics(impressions=impressions, likes=engagements - 10, comments=5, shares=5)


@dataclass
class World:
    person: Person
    brand_id: int
    x: SocialAccount
    masto: SocialAccount
    targets: dict[str, int]


@pytest.fixture()
def world(session: Session) -> World:
    person = owner(session)
    brand_id = brand(session, person, "Cafe", tz="Europe/Paris")
    x = account(session, person, brand_id, Platform.X, "cafe_x")
    masto = account(session, person, brand_id, Platform.MASTODON, "cafe_m")
    campaign = Campaign(
        organization_id=person.actor.organization_id, brand_id=brand_id, name="Spring"
    )
    session.add(campaign)
    session.commit()
    t = {
        "a": published(
            session,
            x,
            paris(date(2026, 3, 10), 10),
            text="#Coffee time",
            metrics=pm(1000, 50),
            campaign_id=campaign.id,
        ),
        "b": published(
            session,
            x,
            paris(date(2026, 3, 12), 9),
            text="New #coffee and #cake",
            metrics=pm(2000, 100),
            campaign_id=campaign.id,
        ),
        # 23:30 on the last day, Paris time: inside the range although it is 22:30 UTC.
        "c": published(
            session, x, paris(date(2026, 3, 16), 23, 30), text="Late #cake", metrics=pm(3000, 150)
        ),
        "m": published(
            session,
            masto,
            paris(date(2026, 3, 14), 12),
            text="Hello fediverse",
            metrics=PostMetrics(likes=6, comments=2, shares=2),
        ),
        # Previous period (3–9 March) and just after the range (17 March 00:30 Paris).
        "p": published(session, x, paris(date(2026, 3, 5), 10), text="Older", metrics=pm(500, 25)),
        "after": published(
            session, x, paris(date(2026, 3, 17), 0, 30), text="Too late", metrics=pm(9000, 900)
        ),
    }
    audience(session, x, paris(date(2026, 3, 2), 20), 950)
    audience(session, x, paris(date(2026, 3, 9), 20), 1000)
    audience(session, x, paris(date(2026, 3, 16), 20), 1100)
    return World(person, brand_id, x, masto, {k: v.id or 0 for k, v in t.items()})


def test_summary_kpis_against_the_previous_period(session: Session, world: World) -> None:
    s = analytics.summary(
        session, actor=world.person.actor, brand_id=world.brand_id, start=START, end=END
    )
    assert (s.previous_start, s.previous_end) == (date(2026, 3, 3), date(2026, 3, 9))
    assert (s.posts_published.value, s.posts_published.previous) == (4, 1)
    assert (s.impressions.value, s.impressions.previous) == (6000, 500)
    assert (s.engagements.value, s.engagements.previous) == (310, 25)
    assert s.engagements.change == 285 and s.engagements.change_pct == 1140.0
    assert s.engagement_rate.value == pytest.approx(5.17)
    assert s.engagement_rate.previous == 5.0
    assert (s.follower_growth.value, s.follower_growth.previous) == (100, 50)
    assert s.followers == 1100 and s.reason is None
    assert [k.key for k in s.kpis()][:2] == ["posts_published", "impressions"]


def test_filters_narrow_every_number(session: Session, world: World) -> None:
    s = analytics.summary(
        session,
        actor=world.person.actor,
        brand_id=world.brand_id,
        start=START,
        end=END,
        platforms=["mastodon"],
    )
    assert (s.posts_published.value, s.engagements.value, s.impressions.value) == (1, 10, 0)
    assert s.engagement_rate.value is None  # Mastodon reports no impressions
    by_id = analytics.summary(
        session,
        actor=world.person.actor,
        brand_id=world.brand_id,
        start=START,
        end=END,
        account_ids=[world.x.id or 0],
    )
    assert by_id.engagements.value == 300


def test_empty_ranges_and_brands_without_accounts_say_why(session: Session, world: World) -> None:
    actor = world.person.actor
    empty = analytics.summary(
        session, actor=actor, brand_id=world.brand_id, start=date(2025, 1, 1), end=date(2025, 1, 7)
    )
    assert empty.reason == analytics.NO_DATA
    assert empty.engagements.value == 0 and empty.engagement_rate.value is None
    bare = brand(session, world.person, "Bare")
    assert analytics.summary(session, actor=actor, brand_id=bare, start=START, end=END).reason == (
        analytics.NO_ACCOUNTS
    )
    for view in (
        analytics.engagement_over_time,
        analytics.network_comparison,
        analytics.follower_growth,
        analytics.hashtag_performance,
        analytics.campaign_performance,
    ):
        frame = view(
            session,
            actor=actor,
            brand_id=world.brand_id,
            start=date(2025, 1, 1),
            end=date(2025, 1, 7),
        )
        assert frame.empty and frame.reason
    top = analytics.top_posts(session, actor=actor, brand_id=bare, start=START, end=END)
    assert top.items == [] and top.reason == analytics.NO_ACCOUNTS
    with pytest.raises(ValidationError):
        analytics.summary(session, actor=actor, brand_id=world.brand_id, start=END, end=START)


def test_top_posts_are_sorted_and_paged_in_the_database(session: Session, world: World) -> None:
    actor, t = world.person.actor, world.targets

    def page(order_by: str, offset: int, descending: bool = True) -> list[int]:
        result = analytics.top_posts(
            session,
            actor=actor,
            brand_id=world.brand_id,
            start=START,
            end=END,
            order_by=order_by,
            descending=descending,
            limit=2,
            offset=offset,
        )
        assert result.total == 4
        return [i.target_id for i in result.items]

    assert page("impressions", 0) + page("impressions", 2) == [t["c"], t["b"], t["a"], t["m"]]
    assert page("engagements", 0, descending=False) == [t["m"], t["a"]]
    assert page("published_at", 0) == [t["c"], t["m"]]
    rated = analytics.top_posts(
        session,
        actor=actor,
        brand_id=world.brand_id,
        start=START,
        end=END,
        order_by="engagement_rate",
    )
    assert [i.engagement_rate for i in rated.items] == [5.0, 5.0, 5.0, None]
    assert rated.items[0].network == "X"
    with pytest.raises(ValidationError):
        analytics.top_posts(
            session, actor=actor, brand_id=world.brand_id, start=START, end=END, order_by="text"
        )


def test_charts_data_and_figures(session: Session, world: World) -> None:
    actor = world.person.actor
    args = {"actor": actor, "brand_id": world.brand_id, "start": START, "end": END}
    over_time = analytics.engagement_over_time(session, **args)
    assert over_time.frame["engagements"].sum() == 310
    assert set(over_time.frame["network"]) == {"X", "Mastodon"}
    assert len(analytics.engagement_figure(over_time).data) == 2
    networks = analytics.network_comparison(session, **args)
    x_row = networks.frame.set_index("platform").loc["x"]
    assert (x_row["posts"], x_row["impressions"], x_row["engagements"]) == (3, 6000, 300)
    assert x_row["follower_growth"] == 100 and x_row["followers"] == 1100
    assert networks.frame.set_index("platform").loc["mastodon"]["engagements"] == 10
    assert len(analytics.network_figure(networks).data) == 2
    followers = analytics.follower_growth(session, **args)
    assert list(followers.frame["followers"]) == [1100]
    assert analytics.follower_figure(followers).data[0].name == "cafe_x (X)"
    tags = analytics.hashtag_performance(session, **args).frame.set_index("hashtag")
    assert tags.loc["#coffee"]["posts"] == 2 and tags.loc["#coffee"]["engagements"] == 150
    assert tags.loc["#cake"]["engagements"] == 250
    campaigns = analytics.campaign_performance(session, **args).frame.set_index("campaign")
    assert campaigns.loc["Spring"]["engagements"] == 150
    assert campaigns.loc["No campaign"]["posts"] == 2


def test_dashboard_lists(session: Session, world: World) -> None:
    actor = world.person.actor
    sandbox = accounts.connect_sandbox(session, actor=actor, brand_id=world.brand_id, handle="s")
    at = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M+00:00")
    created = posts.create_post(
        session,
        actor=actor,
        brand_id=world.brand_id,
        account_ids=[sandbox.id],
        text="Soon",
        at=at,
    )
    session.commit()
    upcoming = analytics.upcoming_posts(session, actor=actor, brand_id=world.brand_id)
    assert [u.post_id for u in upcoming] == [created.id] and upcoming[0].networks == ["Sandbox"]
    target = session.get(PostTarget, world.targets["a"])
    assert target is not None
    target.status, target.last_error_message = TargetStatus.FAILED, "X said no"
    world.masto.status = AccountStatus.RECONNECT_NEEDED
    session.add_all([target, world.masto])
    session.commit()
    failing = analytics.failing_targets(session, actor=actor, brand_id=world.brand_id)
    assert [(f.target_id, f.error) for f in failing] == [(world.targets["a"], "X said no")]
    needing = analytics.accounts_needing_reconnection(session, actor=actor, brand_id=world.brand_id)
    assert [a.handle for a in needing] == ["cafe_m"]


def test_last_days_are_local_days(session: Session) -> None:
    now = datetime(2026, 3, 16, 23, 30, tzinfo=UTC)  # already the 17th in Paris
    assert analytics.last_days("Europe/Paris", 7, now=now) == (date(2026, 3, 11), date(2026, 3, 17))
    assert analytics.previous_period(START, END) == (date(2026, 3, 3), date(2026, 3, 9))


def test_many_accounts_chart_followers_per_network(session: Session) -> None:
    person = owner(session)
    brand_id = brand(session, person, "Agency", tz="UTC")
    for n in range(analytics.FIGURE_MAX_LINES + 1):
        acct = account(session, person, brand_id, Platform.X if n % 2 else Platform.BLUESKY)
        audience(session, acct, datetime(2026, 3, 10, 12, tzinfo=UTC), 100)
        if n:  # the first account misses a day: its last value carries the network's total
            audience(session, acct, datetime(2026, 3, 11, 12, tzinfo=UTC), 110)
    data = analytics.follower_growth(
        session,
        actor=person.actor,
        brand_id=brand_id,
        start=date(2026, 3, 10),
        end=date(2026, 3, 11),
    )
    assert len(data.frame) == 2 * analytics.FIGURE_MAX_LINES + 1
    figure = analytics.follower_figure(data)
    lines = {trace.name: list(trace.y) for trace in figure.data}
    assert lines == {"Bluesky": [700.0, 760.0], "X": [600.0, 660.0]}
