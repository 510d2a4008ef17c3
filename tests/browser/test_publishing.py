"""Publishing from the browser: connect a Sandbox account, compose, watch the post go out."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from socialmuse import routes
from tests.browser.people import create_brand, email_for, fill_form, navigate, sign_up, unique

pytestmark = pytest.mark.browser

POST_PAGE = re.compile(r"/posts/\d+/?$")
# Up to a minute until the scheduled minute, then a scheduler tick and a worker round trip.
PUBLISH_TIMEOUT_MS = 90_000


def _open_accounts(page: Page) -> None:
    navigate(page, "Settings")
    page.get_by_role("navigation", name="Settings sections").get_by_role(
        "link", name="Accounts"
    ).click()
    expect(page.locator("#page-heading")).to_have_text("Accounts")


def _connect_sandbox(page: Page, handle: str) -> None:
    fill_form(page, "connect-sandbox", handle=handle)
    page.locator("#connect-sandbox-submit").click()
    expect(page.locator(f'#account-table tr[data-account="{handle}"]')).to_be_visible()


def _brand_with_sandbox(page: Page, *, timezone: str = "Europe/Paris") -> str:
    """A new person, their brand in ``timezone`` and one Sandbox account; returns its handle."""
    sign_up(page, email=email_for("poster"))
    page.goto(routes.SETTINGS_BRANDS)
    create_brand(page, name=unique("Bakery"), timezone=timezone)
    _open_accounts(page)
    handle = unique("bakery_test")
    _connect_sandbox(page, handle)
    return handle


def _open_compose(page: Page) -> None:
    navigate(page, "Compose")
    expect(page.locator("#page-heading")).to_have_text("Compose")


def _target(page: Page):
    return page.locator("#targets [data-target]").first


def test_a_post_scheduled_for_the_next_minute_is_published_on_time(page: Page) -> None:
    timezone = "Asia/Tokyo"
    handle = _brand_with_sandbox(page, timezone=timezone)
    row = page.locator(f'#account-table tr[data-account="{handle}"]')
    expect(row).to_contain_text("test network — nothing leaves this server")
    expect(row).to_contain_text("connected")

    _open_compose(page)
    text = "Fresh bread at nine. " + unique("batch")
    page.locator("#compose-text").fill(text)
    expect(page.locator('#compose-counts [data-network="sandbox"]')).to_contain_text(
        f"{len(text)} / 1,000"
    )
    page.get_by_role("radio", name="Schedule for").click()
    expect(page.locator("#compose-timezone")).to_contain_text(timezone)
    due = (datetime.now(ZoneInfo(timezone)) + timedelta(minutes=1)).replace(second=0, microsecond=0)
    page.locator("#compose-date").fill(due.strftime("%Y-%m-%d"))
    page.locator("#compose-time").fill(due.strftime("%H:%M"))
    submitted = datetime.now(UTC)
    page.locator("#compose-submit").click()

    expect(page).to_have_url(POST_PAGE)
    expect(page.locator("#post-text")).to_have_text(text)
    target = _target(page)
    due_utc = due.astimezone(UTC)
    expect(target.locator(".scheduled")).to_contain_text(f"{due:%Y-%m-%d %H:%M} {timezone}")
    expect(target.locator(".scheduled")).to_contain_text(f"{due_utc:%Y-%m-%d %H:%M} UTC")

    # The page refreshes itself: no reload, the delivery turns published with its link.
    expect(target).to_have_attribute("data-status", "published", timeout=PUBLISH_TIMEOUT_MS)
    expect(target.locator(".status")).to_have_text("published")
    expect(page.locator("#post-status")).to_have_text("published")
    expect(target.locator("a.permalink")).to_have_attribute("href", re.compile(r"/sandbox/\w+$"))
    expect(target.locator(".attempt")).to_have_count(1)
    expect(target.locator(".attempt")).to_contain_text("published")

    published_at = datetime.fromisoformat(
        target.locator(".published").get_attribute("data-published-at") or ""
    )
    # Never early; a few seconds late at most (later only if the minute began while submitting).
    assert published_at >= due_utc, f"published at {published_at}, before {due_utc}"
    late = (published_at - max(due_utc, submitted)).total_seconds()
    assert late < 5, f"published {late:.1f}s after the scheduled minute"

    _open_compose(page)
    recent = page.locator("#recent-posts tr[data-post]").first
    expect(recent).to_contain_text("published")
    recent.get_by_role("link").click()
    expect(page).to_have_url(POST_PAGE)


def test_refusals_stay_where_the_person_typed_and_keep_what_they_typed(page: Page) -> None:
    _brand_with_sandbox(page)
    _open_compose(page)

    too_long = "a" * 1001
    page.locator("#compose-text").fill(too_long)
    counter = page.locator('#compose-counts [data-network="sandbox"]')
    expect(counter).to_contain_text("1,001 / 1,000")
    page.locator("#compose-submit").click()
    expect(page.locator("#compose-text-error")).to_contain_text("allows 1,000 characters")
    expect(page.locator("#compose-text")).to_have_value(too_long)
    expect(page).to_have_url(re.compile(r"/compose/?$"))

    page.locator("#compose-text").fill("See you yesterday.")
    page.get_by_role("radio", name="Schedule for").click()
    an_hour_ago = datetime.now(ZoneInfo("Europe/Paris")) - timedelta(hours=1)
    page.locator("#compose-date").fill(an_hour_ago.strftime("%Y-%m-%d"))
    page.locator("#compose-time").fill(an_hour_ago.strftime("%H:%M"))
    page.locator("#compose-submit").click()
    expect(page.locator("#compose-at-error")).to_contain_text("in the past")
    expect(page.locator("#compose-text-error")).to_have_count(0)
    expect(page.locator("#compose-text")).to_have_value("See you yesterday.")
    expect(page.locator("#compose-date")).to_have_value(an_hour_ago.strftime("%Y-%m-%d"))
    expect(page.locator("#compose-time")).to_have_value(an_hour_ago.strftime("%H:%M"))
    expect(page.locator("#recent-posts-empty")).to_be_visible()  # nothing was created


def test_a_refused_post_shows_the_networks_words_and_can_be_retried(page: Page) -> None:
    _brand_with_sandbox(page)
    _open_compose(page)
    page.locator("#compose-text").fill("This one will bounce #fail-rejected")
    page.locator("#compose-submit").click()

    expect(page).to_have_url(POST_PAGE)
    target = _target(page)
    expect(target).to_have_attribute("data-status", "failed")
    expect(page.locator("#post-status")).to_have_text("failed")
    attempt = target.locator(".attempt")
    expect(attempt).to_have_count(1)
    expect(attempt).to_contain_text("refused by the network")
    expect(attempt).to_contain_text("422")
    expect(attempt).to_contain_text("Sandbox refused the post")
    expect(attempt).to_contain_text('said: "Rejected on request"')

    target.get_by_role("button", name="Retry").click()
    expect(target.locator(".attempt")).to_have_count(2)
    expect(target).to_have_attribute("data-status", "failed")
    expect(target.get_by_role("button", name="Retry")).to_be_visible()


def test_disconnect_removes_the_account_from_the_list(page: Page) -> None:
    handle = _brand_with_sandbox(page)
    other = unique("spare")
    _connect_sandbox(page, other)

    row = page.locator(f'#account-table tr[data-account="{handle}"]')
    row.get_by_role("button", name="Disconnect").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Disconnect account").click()
    expect(row).to_have_count(0)
    expect(page.locator(f'#account-table tr[data-account="{other}"]')).to_be_visible()

    _open_compose(page)
    expect(page.locator("#compose-accounts")).not_to_contain_text(handle)
    expect(page.locator("#compose-accounts")).to_contain_text(other)


def test_a_refused_network_connection_is_explained_at_the_field(page: Page) -> None:
    _brand_with_sandbox(page)
    fill_form(page, "connect-mastodon", instance_url="https://mastodon.example")
    page.locator("#connect-mastodon-submit").click()
    expect(page.locator("#connect-mastodon-access_token-error")).to_contain_text("access token")
    expect(page.locator("#connect-mastodon-instance_url")).to_have_value("https://mastodon.example")
