"""Analytics in the browser: dashboard KPIs and every chart follow the filters, exports hold
the numbers on screen, and a scheduled report arrives at the test SMTP server."""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from socialmuse import routes
from socialmuse.db import session_scope
from socialmuse.models import Campaign, Post, PostTarget, utcnow
from socialmuse.models.enums import AccountStatus, Platform, PostStatus, TargetStatus
from socialmuse.platforms.base import PostMetrics
from socialmuse.services import auth, brands
from tests.browser.mail import Inbox
from tests.browser.people import PASSWORD, email_for, fill_form, sign_up, unique
from tests.factories import Person
from tests.services.analytics_helpers import account, audience, published

pytestmark = pytest.mark.browser


@dataclass
class Seeded:
    email: str
    brand: str


def _seed(page: Page) -> Seeded:
    """A person signed up in the browser, and (through the services) a brand with X and
    Mastodon history: 75 engagements in the last week, 10 more 20 days ago.
    """
    email, brand_name = email_for("analyst"), unique("Roastery")
    sign_up(page, email=email, name="Ana Analyst")
    now = utcnow()
    with session_scope() as session:
        token = auth.log_in(session, email=email, password=PASSWORD).token
        actor = auth.actor_for(session, token=token, organization_id=None)
        person = Person(token=token, actor=actor, email=email)
        brand_id = brands.create_brand(
            session, actor=actor, name=brand_name, timezone="Europe/Paris"
        ).id
        session.commit()
        x = account(session, person, brand_id, Platform.X, unique("roast_x"))
        masto = account(session, person, brand_id, Platform.MASTODON, unique("roast_m"))
        campaign = Campaign(organization_id=actor.organization_id, brand_id=brand_id, name="Autumn")
        session.add(campaign)
        session.commit()
        published(
            session,
            x,
            now - timedelta(days=2),
            text="New beans #coffee",
            metrics=PostMetrics(impressions=1000, likes=40, comments=5, shares=5),
            campaign_id=campaign.id,
        )
        published(
            session,
            masto,
            now - timedelta(days=3),
            text="Cosy evening #coffee",
            metrics=PostMetrics(impressions=None, likes=20, comments=2, shares=3),
        )
        published(
            session,
            x,
            now - timedelta(days=20),
            text="Old news",
            metrics=PostMetrics(impressions=400, likes=10, comments=0, shares=0),
        )
        audience(session, x, now - timedelta(days=10), 1000)
        audience(session, x, now - timedelta(hours=1), 1040)
        # Something to act on: a delivery that failed, an account whose access ended.
        expired = account(session, person, brand_id, Platform.BLUESKY, unique("roast_b"))
        expired.status = AccountStatus.RECONNECT_NEEDED
        expired.last_error = "The app password was revoked."
        post = Post(
            organization_id=actor.organization_id,
            brand_id=brand_id,
            status=PostStatus.FAILED,
            text="Launch day went wrong",
            scheduled_at=now - timedelta(hours=2),
        )
        session.add_all([expired, post])
        session.flush()
        session.add(
            PostTarget(
                organization_id=actor.organization_id,
                post_id=post.id or 0,
                social_account_id=expired.id or 0,
                status=TargetStatus.FAILED,
                scheduled_at=now - timedelta(hours=2),
                last_error_message="Bluesky refused the login.",
            )
        )
    page.goto(routes.DASHBOARD)
    expect(page.locator("#page-heading")).to_have_text("Dashboard")
    return Seeded(email=email, brand=brand_name)


def _pdf_text(data: bytes) -> str:
    """The PDF's page text: its content streams, inflated."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S)
    out = []
    for raw in streams:
        try:
            out.append(zlib.decompress(raw).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(out)


def test_dashboard_and_analytics_follow_filters_and_export(page: Page) -> None:
    seeded = _seed(page)
    expect(page.locator("#kpi-engagements")).to_have_text("85")  # 30 days by default
    page.locator("#dashboard-period").select_option("7")
    expect(page.locator("#kpi-engagements")).to_have_text("75")
    expect(page.locator("#kpi-engagements-change")).to_contain_text("+75")  # nothing before
    expect(page.locator("#kpi-follower_growth")).to_have_text("40")
    failing = page.locator("#dashboard-failing")
    expect(failing).to_contain_text("Launch day went wrong")
    expect(failing).to_contain_text("Bluesky refused the login.")
    expect(failing.get_by_role("link", name="Open to retry")).to_have_attribute(
        "href", re.compile(r"/posts/\d+$")
    )
    reconnect = page.locator("#dashboard-reconnect")
    expect(reconnect).to_contain_text("The app password was revoked.")
    expect(reconnect.get_by_role("link")).to_have_attribute("href", routes.SETTINGS_ACCOUNTS)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Analytics").click()
    expect(page.locator("#page-heading")).to_have_text("Analytics")
    expect(page.locator("#kpi-engagements")).to_have_text("85")
    for chart in ("#chart-engagement", "#chart-networks", "#chart-followers"):
        expect(page.locator(f"{chart} .js-plotly-plot")).to_be_visible()
    expect(page.locator("#chart-engagement")).to_contain_text("Mastodon")
    expect(page.locator("#network-table")).to_contain_text("Mastodon")
    expect(page.locator("#top-posts tbody tr")).to_have_count(3)
    expect(page.locator("#top-posts tbody tr").first).to_contain_text("New beans")
    page.locator("#sort-engagements").click()  # ascending now
    expect(page.locator("#top-posts tbody tr").first).to_contain_text("Old news")
    expect(page.locator("#hashtags")).to_contain_text("#coffee")
    expect(page.locator("#campaigns")).to_contain_text("Autumn")
    expect(page.locator("#best-source")).to_contain_text("not enough history yet")
    expect(page.locator("#chart-best-times .js-plotly-plot")).to_be_visible()

    page.locator("#period-7").click()
    expect(page.locator("#kpi-engagements")).to_have_text("75")
    page.locator("#filter-network").select_option("mastodon")
    expect(page.locator("#kpi-engagements")).to_have_text("25")
    expect(page.locator("#network-table")).not_to_contain_text("X")
    expect(page.locator("#top-posts tbody tr")).to_have_count(1)
    page.locator("#filter-network").select_option("all")
    expect(page.locator("#kpi-engagements")).to_have_text("75")
    expect(page.locator("#kpi-impressions")).to_have_text("1,000")

    with page.expect_download() as csv_download:
        page.locator("#export-csv").click()
    archive = zipfile.ZipFile(csv_download.value.path())
    kpis = {
        row["kpi"]: row["value"]
        for row in csv.DictReader(io.StringIO(archive.read("kpis.csv").decode("utf-8-sig")))
    }
    assert float(kpis["engagements"]) == 75 and float(kpis["impressions"]) == 1000
    assert "Cosy evening #coffee" in archive.read("top_posts.csv").decode("utf-8-sig")

    with page.expect_download() as pdf_download:
        page.locator("#export-pdf").click()
    pdf = open(pdf_download.value.path(), "rb").read()  # noqa: SIM115
    assert pdf.startswith(b"%PDF-")
    text = _pdf_text(pdf)
    assert seeded.brand in text and "(75) Tj" in text and "(1,000) Tj" in text

    # Bad input: each area says what is wrong in plain words, the rest keeps working.
    page.locator("#competitor-handle").fill("rival.bsky.social")
    page.locator("#competitor-submit").click()
    expect(page.locator("#competitor-platform-error")).to_contain_text(
        "Connect a Bluesky account to this brand first"
    )
    expect(page.locator("#kpi-engagements")).to_have_text("75")
    page.locator("#filter-end").fill("2020-01-07")
    expect(page.locator("#filter-error")).to_have_text("The end date is before the start date.")
    page.locator("#filter-start").fill("2020-01-01")
    expect(page.locator("#chart-engagement-empty")).to_contain_text("No metrics were collected")
    expect(page.locator("#top-posts-empty")).to_contain_text("No posts with metrics")
    expect(page.locator("#kpi-engagements")).to_have_text("0")


def test_a_scheduled_report_arrives(page: Page, mail_server: Inbox, tmp_path: Path) -> None:
    seeded = _seed(page)
    page.goto(routes.ANALYTICS)
    page.locator("#reports-link").click()
    expect(page.locator("#page-heading")).to_have_text("Reports")
    page.locator("#schedule-recipients").fill("not-an-address")
    page.locator("#schedule-submit").click()
    expect(page.locator("#schedule-recipients-error")).to_contain_text("Not an email address")
    recipient = f"{unique('boss')}@example.com"
    page.locator("#schedule-name").fill("Weekly digest")
    page.locator("#schedule-recipients").fill(recipient)
    page.locator("#schedule-format").select_option("pdf")
    page.locator("#schedule-submit").click()
    row = page.locator('#schedules tr[data-schedule="Weekly digest"]')
    expect(row).to_contain_text("Weekly on Monday at 09:00 (Europe/Paris), PDF")
    expect(row.locator(".schedule-result")).to_have_text("Not sent yet")

    logo = tmp_path / "logo.png"
    Image.new("RGB", (160, 48), (230, 72, 77)).save(logo)
    page.locator("input[type=file]").set_input_files(str(logo))
    expect(page.locator("#logo-name")).to_contain_text(".png")

    row.locator(".schedule-send").click()
    message = mail_server.wait_for(recipient)
    assert message["Subject"].startswith(f"{seeded.brand}: Weekly digest")
    (attachment,) = [p for p in message.walk() if p.get_filename()]
    assert attachment.get_filename().endswith(".pdf")
    pdf = attachment.get_payload(decode=True)
    assert pdf.startswith(b"%PDF-") and pdf.count(b"/Subtype /Image") >= 4  # logo, 3 charts
    page.locator("#schedules-refresh").click()
    expect(row.locator(".schedule-result")).to_contain_text("Sent")


def test_the_demo_history_fills_every_chart_and_follows_the_filters(page: Page) -> None:
    from socialmuse.services import demo

    with session_scope() as session:
        login = demo.seed_demo(session)
        demo.seed_history(session, login)
    page.goto(routes.LOGIN)
    fill_form(page, "login", email=login.email, password=login.password)
    page.locator("#login-submit").click()
    expect(page.locator("#page-heading")).to_have_text("Dashboard")
    engagements = page.locator("#kpi-engagements")
    expect(engagements).not_to_have_text(re.compile(r"^(0|—|)$"))

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Analytics").click()
    expect(page.locator("#page-heading")).to_have_text("Analytics")
    for chart in ("#chart-engagement", "#chart-networks", "#chart-followers"):
        expect(page.locator(f"{chart} .js-plotly-plot")).to_be_visible()
    expect(page.locator("#top-posts tbody tr").first).to_be_visible()
    expect(page.locator("#chart-best-times .js-plotly-plot")).to_be_visible()
    page.locator("#period-90").click()
    expect(engagements).not_to_have_text(re.compile(r"^(0|—|)$"))
    ninety = engagements.inner_text()
    page.locator("#period-7").click()
    expect(engagements).not_to_have_text(ninety)  # a week of 90 days' history is less
