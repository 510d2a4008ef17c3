"""Reports: CSV equals the service numbers, the PDF is a real white-label PDF, schedules
run at local times across DST and each run is claimed exactly once."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlmodel import Session

from socialmuse.models import Brand, Campaign
from socialmuse.models.enums import Platform, Role
from socialmuse.models.reports import ReportSchedule
from socialmuse.platforms.base import PostMetrics
from socialmuse.services import analytics, report_schedules, reports
from socialmuse.services.errors import PermissionDenied, ValidationError
from socialmuse.services.report_schedules import ScheduleInput
from tests.factories import Person, brand, owner, teammate
from tests.services.analytics_helpers import account, audience, published

PARIS = ZoneInfo("Europe/Paris")
START, END = date(2026, 3, 10), date(2026, 3, 16)


def paris(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS).astimezone(UTC)


@dataclass
class World:
    person: Person
    brand_id: int


@pytest.fixture()
def world(session: Session) -> World:
    person = owner(session)
    brand_id = brand(session, person, "Café Lumière", tz="Europe/Paris")
    x = account(session, person, brand_id, Platform.X, "cafe_x")
    masto = account(session, person, brand_id, Platform.MASTODON, "cafe_m")
    campaign = Campaign(
        organization_id=person.actor.organization_id, brand_id=brand_id, name="Spring"
    )
    session.add(campaign)
    session.commit()
    published(
        session,
        x,
        paris(date(2026, 3, 10), 10),
        text='#Coffee time, with "quotes", commas',
        metrics=PostMetrics(impressions=1000, likes=40, comments=5, shares=5),
        campaign_id=campaign.id,
    )
    published(
        session,
        masto,
        paris(date(2026, 3, 12), 18),
        text="Evening #coffee ☕",
        metrics=PostMetrics(impressions=None, likes=20, comments=2, shares=3),
    )
    published(
        session,
        x,
        paris(date(2026, 3, 3), 9),
        text="last week",
        metrics=PostMetrics(impressions=500, likes=10, comments=0, shares=0),
    )
    audience(session, x, paris(date(2026, 3, 9), 23), 1200)
    audience(session, x, paris(date(2026, 3, 16), 22), 1260)
    return World(person, brand_id)


def _csv(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_tables_equal_the_service_numbers(session: Session, world: World) -> None:
    actor = world.person.actor
    summary = analytics.summary(session, actor=actor, brand_id=world.brand_id, start=START, end=END)
    exported = reports.export(
        session, actor=actor, brand_id=world.brand_id, start=START, end=END, format="csv"
    )
    assert exported.filename == "cafe-lumiere-2026-03-10-2026-03-16.zip"
    archive = zipfile.ZipFile(io.BytesIO(exported.data))
    assert {f"{k}.csv" for k in reports.TABLES} <= set(archive.namelist())

    kpis = {row["kpi"]: row for row in _csv(archive.read("kpis.csv"))}
    assert float(kpis["engagements"]["value"]) == summary.engagements.value == 75
    assert float(kpis["engagements"]["previous"]) == summary.engagements.previous == 10
    assert float(kpis["impressions"]["value"]) == 1000
    assert float(kpis["follower_growth"]["value"]) == 60

    top = _csv(archive.read("top_posts.csv"))
    assert [int(r["engagements"]) for r in top] == [50, 25]
    assert top[0]["text"] == '#Coffee time, with "quotes", commas'
    assert top[1]["text"] == "Evening #coffee ☕"

    networks = {r["network"]: r for r in _csv(archive.read("networks.csv"))}
    service = analytics.network_comparison(
        session, actor=actor, brand_id=world.brand_id, start=START, end=END
    ).frame
    for row in service.itertuples():
        assert int(networks[row.network]["engagements"]) == row.engagements

    hashtags = _csv(archive.read("hashtags.csv"))
    assert hashtags[0]["hashtag"] == "#coffee" and int(hashtags[0]["engagements"]) == 75
    campaigns = {r["campaign"]: int(r["engagements"]) for r in _csv(archive.read("campaigns.csv"))}
    assert campaigns == {"Spring": 50, "No campaign": 25}
    readme = archive.read("README.txt").decode()
    assert "Europe/Paris" in readme and "competitors: No competitors tracked yet" in readme

    one = reports.export(
        session,
        actor=actor,
        brand_id=world.brand_id,
        start=START,
        end=END,
        format="csv",
        table="engagement",
    )
    assert one.filename.endswith("-engagement.csv") and one.content_type == "text/csv"
    daily = _csv(one.data)
    assert sum(int(r["engagements"]) for r in daily) == 75


def test_filters_reach_the_export(session: Session, world: World) -> None:
    data = reports.build_report(
        session,
        actor=world.person.actor,
        brand_id=world.brand_id,
        start=START,
        end=END,
        platforms=["mastodon"],
    )
    assert data.summary.engagements.value == 25
    assert list(data.tables["top_posts"]["network"]) == ["Mastodon"]


def _pdf_text(data: bytes) -> str:
    return data.decode("latin-1")


def test_pdf_is_a_white_label_report(session: Session, world: World, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), (200, 30, 30)).save(logo)
    reports.set_logo(session, actor=world.person.actor, brand_id=world.brand_id, path=logo)
    brand_row = session.get(Brand, world.brand_id)
    assert brand_row is not None
    brand_row.color = "#E5484D"
    session.commit()
    data = reports.build_report(
        session, actor=world.person.actor, brand_id=world.brand_id, start=START, end=END
    )
    assert data.logo == logo.read_bytes()
    raw = reports.pdf_report(data, compress=False)
    text = _pdf_text(raw)
    assert raw.startswith(b"%PDF-")
    assert raw.rstrip().endswith(b"%%EOF")
    pages = len(re.findall(r"/Type /Page\b(?!s)", text))
    assert pages >= 2
    assert f"/Count {pages}" in text
    assert "Caf\xe9 Lumi\xe8re" in text  # the brand name, Latin-1 in the core font
    assert "(75) Tj" in text  # the engagements KPI
    assert "1,000" in text  # impressions
    assert "+650.0%" in text  # engagements change against the previous period (10 -> 75)
    assert text.count("/Subtype /Image") >= 4  # logo and three charts
    assert "0.898 0.2824 0.302 rg" in text  # the brand colour fills the header band
    compressed = reports.export(
        session,
        actor=world.person.actor,
        brand_id=world.brand_id,
        start=START,
        end=END,
        format="pdf",
    )
    assert compressed.content_type == "application/pdf"
    assert compressed.data.startswith(b"%PDF-") and len(compressed.data) < len(raw)


def test_pdf_of_an_empty_range_says_so(session: Session, world: World) -> None:
    data = reports.build_report(
        session,
        actor=world.person.actor,
        brand_id=world.brand_id,
        start=date(2025, 1, 1),
        end=date(2025, 1, 7),
    )
    text = _pdf_text(reports.pdf_report(data, compress=False))
    assert analytics.NO_DATA in text
    assert data.tables["engagement"].empty and data.reasons["engagement"] == analytics.NO_DATA


def test_logo_must_be_an_image(session: Session, world: World, tmp_path: Path) -> None:
    bogus = tmp_path / "logo.png"
    bogus.write_text("not an image")
    with pytest.raises(ValidationError) as raised:
        reports.set_logo(session, actor=world.person.actor, brand_id=world.brand_id, path=bogus)
    assert raised.value.field == "logo"


# ---------------------------------------------------------------- schedules


def _at(timezone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def test_weekly_runs_keep_local_time_across_dst() -> None:
    # Europe/Paris: clocks go forward on Sunday 29 March 2026, back on 25 October 2026.
    kwargs = {"frequency": "weekly", "weekday": 0, "day_of_month": 1, "timezone": "Europe/Paris"}
    first = report_schedules.next_run_after(
        **kwargs, local_time="09:00", after=_at("Europe/Paris", 2026, 3, 24, 12)
    )
    assert first == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # 09:00 CEST
    before = report_schedules.next_run_after(
        **kwargs, local_time="09:00", after=_at("Europe/Paris", 2026, 3, 20, 12)
    )
    assert before == datetime(2026, 3, 23, 8, 0, tzinfo=UTC)  # 09:00 CET
    assert first - before == timedelta(days=7, hours=-1)
    autumn = report_schedules.next_run_after(
        **kwargs, local_time="09:00", after=_at("Europe/Paris", 2026, 10, 25, 12)
    )
    assert autumn == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)


def test_skipped_and_repeated_wall_times() -> None:
    sunday = {"frequency": "weekly", "weekday": 6, "day_of_month": 1, "timezone": "Europe/Paris"}
    gap = report_schedules.next_run_after(
        **sunday, local_time="02:30", after=_at("Europe/Paris", 2026, 3, 28, 12)
    )
    assert gap == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST, right after the gap
    repeated = report_schedules.next_run_after(
        **sunday, local_time="02:30", after=_at("Europe/Paris", 2026, 10, 24, 12)
    )
    assert repeated == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # first 02:30 (CEST)
    again = report_schedules.next_run_after(**sunday, local_time="02:30", after=repeated)
    assert again == datetime(2026, 11, 1, 1, 30, tzinfo=UTC)  # once, then next week (CET)


def test_monthly_runs_and_periods() -> None:
    run = report_schedules.next_run_after(
        frequency="monthly",
        weekday=0,
        day_of_month=1,
        local_time="08:00",
        timezone="America/New_York",
        after=_at("America/New_York", 2026, 2, 15, 12),
    )
    assert run == datetime(2026, 3, 1, 13, 0, tzinfo=UTC)  # EST
    after_dst = report_schedules.next_run_after(
        frequency="monthly",
        weekday=0,
        day_of_month=1,
        local_time="08:00",
        timezone="America/New_York",
        after=run,
    )
    assert after_dst == datetime(2026, 4, 1, 12, 0, tzinfo=UTC)  # EDT
    assert report_schedules.report_period("monthly", run, "America/New_York") == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
    assert report_schedules.report_period("weekly", run, "America/New_York") == (
        date(2026, 2, 22),
        date(2026, 2, 28),
    )


def test_schedule_form_is_checked(session: Session, world: World) -> None:
    actor = world.person.actor
    with pytest.raises(ValidationError) as raised:
        report_schedules.create_schedule(
            session, actor=actor, brand_id=world.brand_id, data=ScheduleInput(recipients="nope")
        )
    assert raised.value.field == "recipients"
    with pytest.raises(ValidationError) as raised:
        report_schedules.create_schedule(
            session,
            actor=actor,
            brand_id=world.brand_id,
            data=ScheduleInput(recipients="a@example.com", local_time="25:00"),
        )
    assert raised.value.field == "local_time"
    created = report_schedules.create_schedule(
        session,
        actor=actor,
        brand_id=world.brand_id,
        data=ScheduleInput(recipients="a@example.com; b@example.com a@example.com", format="csv"),
        now=_at("Europe/Paris", 2026, 3, 24, 12),
    )
    assert created.recipients == ["a@example.com", "b@example.com"]
    assert created.description == "Weekly on Monday at 09:00 (Europe/Paris), CSV"
    assert created.next_run_at == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    member = teammate(session, world.person, role=Role.TEAM_MEMBER)
    with pytest.raises(PermissionDenied):
        report_schedules.delete_schedule(session, actor=member.actor, schedule_id=created.id)
    assert [
        s.id
        for s in report_schedules.list_schedules(
            session, actor=member.actor, brand_id=world.brand_id
        )
    ] == [created.id]


def test_each_run_is_claimed_exactly_once(session: Session, world: World) -> None:
    now = _at("Europe/Paris", 2026, 3, 24, 12)
    created = report_schedules.create_schedule(
        session,
        actor=world.person.actor,
        brand_id=world.brand_id,
        data=ScheduleInput(recipients="a@example.com"),
        now=now,
    )
    session.commit()
    due = created.next_run_at + timedelta(seconds=1)
    stale = session.get(ReportSchedule, created.id)
    assert stale is not None
    expected = stale.next_run_at
    claims = report_schedules.claim_due(session, now=due)
    session.commit()
    assert [(c.schedule_id, c.run_at) for c in claims] == [(created.id, created.next_run_at)]
    assert report_schedules.claim_due(session, now=due) == []
    # A second scheduler that read the row before the first claimed it loses the race.
    assert not report_schedules.claim(
        session, schedule_id=created.id, expected_next_run_at=expected, now=due
    )
    row = session.get(ReportSchedule, created.id)
    assert row is not None and row.pending_run_at == created.next_run_at
    # The lease expires without a result (a crashed worker): the same occurrence is retried.
    later = report_schedules.claim_due(session, now=due + report_schedules.LEASE)
    assert [c.run_at for c in later] == [created.next_run_at]
