"""The calendar in the browser: views in the brand's timezone, moving posts, filters, search;
Settings → Posting slots; the evergreen panel on a post's page.

One person signs up once for the module; posts are seeded through the services (as the
composer would create them), then everything else is done by clicking.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from socialmuse import routes
from socialmuse.db import session_scope
from socialmuse.models import Post
from socialmuse.services import accounts, auth, brands, calendar, campaigns, posts, tags
from tests.browser.people import PASSWORD, choose, email_for, sign_up, unique

pytestmark = pytest.mark.browser

ZONE = "Europe/Paris"


@dataclass
class Planner:
    page: Page
    handle: str
    day: date
    croissants: int
    sourdough: int


def _a_quiet_day() -> date:
    """A day a few days ahead whose neighbours are in the same month (one month grid)."""
    day = datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=3)
    if not 2 <= day.day <= 26:
        day = (day.replace(day=1) + timedelta(days=32)).replace(day=10)
    return day


def _paris(day: date, hh_mm: str) -> datetime:
    hour, minute = map(int, hh_mm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(ZONE)).astimezone(
        UTC
    )


@pytest.fixture(scope="module")
def planner(browser: Browser, app_url: str) -> Iterator[Planner]:
    context = browser.new_context(base_url=app_url)
    page = context.new_page()
    email = email_for("planner")
    sign_up(page, email=email)
    day = _a_quiet_day()
    handle = unique("bakery")
    with session_scope() as session:
        token = auth.log_in(session, email=email, password=PASSWORD).token
        actor = auth.actor_for(session, token=token, organization_id=None)
        brand = brands.create_brand(session, actor=actor, name=unique("Bakery"), timezone=ZONE)
        account = accounts.connect_sandbox(session, actor=actor, brand_id=brand.id, handle=handle)
        croissants = posts.create_post(
            session,
            actor=actor,
            brand_id=brand.id,
            account_ids=[account.id],
            text="Croissants at nine, warm from the oven",
            at=f"{day.isoformat()}T09:00",
        ).id
        sourdough = calendar.duplicate_post(session, actor=actor, post_id=croissants)
        draft = session.get(Post, sourdough)
        assert draft is not None
        draft.text = "Sourdough workshop on Saturday"
        session.add(draft)
        calendar.reschedule_post(
            session, actor=actor, post_id=sourdough, at=f"{day.isoformat()}T16:45"
        )
        launch = campaigns.create_campaign(
            session, actor=actor, brand_id=brand.id, name="Spring launch", color="#E5484D"
        )
        campaigns.set_post_campaign(session, actor=actor, post_id=sourdough, campaign_id=launch.id)
        tags.set_post_tags(
            session, post_id=sourdough, tags=tags.ensure_tags(session, actor=actor, names=["bread"])
        )
    page.goto(routes.CALENDAR)
    expect(page.locator("#calendar-timezone")).to_have_text(ZONE)
    yield Planner(page, handle, day, croissants, sourdough)
    context.close()


def _entry(page: Page, post_id: int) -> Locator:
    return page.locator(f'.calendar-entry[data-post-id="{post_id}"]')


def _in_day(page: Page, day: date, post_id: int) -> Locator:
    return page.locator(f'.calendar-day[data-date="{day.isoformat()}"]').locator(
        f'.calendar-entry[data-post-id="{post_id}"]'
    )


def _scheduled_at(post_id: int) -> datetime | None:
    with session_scope() as session:
        post = session.get(Post, post_id)
        assert post is not None
        return post.scheduled_at


def _view(page: Page, name: str) -> None:
    page.locator("#calendar-views").get_by_role("radio", name=name).click()
    expect(page.locator("#calendar")).to_have_attribute("data-view", name.lower())


def test_views_show_local_times_and_posts_move(planner: Planner) -> None:
    page, day = planner.page, planner.day
    page.locator("#calendar-go-to").fill(day.isoformat())
    expect(page.locator("#calendar-title")).to_have_text(f"{day:%B %Y}")
    croissants = _in_day(page, day, planner.croissants)
    expect(croissants).to_contain_text("09:00")
    expect(croissants.locator(".entry-status")).to_have_text("scheduled")
    expect(croissants.locator('.network-dot[data-network="Sandbox"]')).to_have_count(1)
    sourdough = _in_day(page, day, planner.sourdough)
    expect(sourdough).to_contain_text("16:45")
    expect(sourdough.locator(".entry-status")).to_have_text("draft")
    expect(sourdough.locator(".entry-campaign")).to_have_text("Spring launch")

    _view(page, "Week")
    slot = page.locator(f'.calendar-slot[data-date="{day.isoformat()}"][data-hour="9"]')
    expect(slot.locator(f'[data-post-id="{planner.croissants}"]')).to_be_visible()
    # Dropped on an hour, a post keeps its minutes: 16:45 → 10:45 the same day.
    morning = page.locator(f'.calendar-slot[data-date="{day.isoformat()}"][data-hour="10"]')
    _entry(page, planner.sourdough).drag_to(morning)
    expect(morning.locator(f'[data-post-id="{planner.sourdough}"]')).to_contain_text("10:45")
    assert _scheduled_at(planner.sourdough) == _paris(day, "10:45")
    _view(page, "Day")
    expect(page.locator("#calendar-title")).to_contain_text(f"{day.day} {day:%B %Y}")
    late_morning = page.locator(f'.calendar-slot[data-date="{day.isoformat()}"][data-hour="10"]')
    expect(late_morning.locator(f'[data-post-id="{planner.sourdough}"]')).to_contain_text("10:45")
    _view(page, "List")
    expect(
        page.locator("#calendar-list").locator(_entry(page, planner.croissants))
    ).to_contain_text("09:00")
    _view(page, "Month")

    # Drag the croissants to the day before: same local time, new date.
    before = day - timedelta(days=1)
    _entry(page, planner.croissants).drag_to(
        page.locator(f'.calendar-day[data-date="{before.isoformat()}"]')
    )
    expect(_in_day(page, before, planner.croissants)).to_contain_text("09:00")
    expect(_in_day(page, day, planner.croissants)).to_have_count(0)
    assert _scheduled_at(planner.croissants) == _paris(before, "09:00")

    # The keyboard way: Move to… with a date-time field; the past is refused in the dialog.
    _entry(page, planner.croissants).locator(".entry-actions").click()
    page.get_by_role("menuitem", name="Move to…").click()
    field = page.locator("#move-at")
    expect(field).to_have_value(f"{before.isoformat()}T09:00")
    field.fill("2020-01-01T09:00")
    page.locator("#move-submit").click()
    expect(page.locator("#move-at-error")).to_contain_text("in the past")
    after = day + timedelta(days=1)
    field.fill(f"{after.isoformat()}T11:15")
    page.locator("#move-submit").click()
    expect(_in_day(page, after, planner.croissants)).to_contain_text("11:15")
    assert _scheduled_at(planner.croissants) == _paris(after, "11:15")

    # Open: the excerpt links to the post's page.
    _entry(page, planner.croissants).get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/posts/{planner.croissants}/?$"))
    expect(page.locator("#post-text")).to_contain_text("Croissants at nine")
    page.go_back()
    expect(page.locator("#calendar-timezone")).to_have_text(ZONE)


def test_filters_and_search(planner: Planner) -> None:
    page = planner.page
    page.goto(routes.CALENDAR)
    _view(page, "List")
    page.locator("#calendar-go-to").fill(planner.day.isoformat())
    croissants, sourdough = _entry(page, planner.croissants), _entry(page, planner.sourdough)
    expect(croissants).to_be_visible()
    expect(sourdough).to_be_visible()

    choose(page, "#filter-status", "Draft")
    expect(croissants).to_have_count(0)
    expect(sourdough).to_be_visible()
    page.locator("#calendar-clear").click()
    expect(croissants).to_be_visible()

    choose(page, "#filter-campaign_filter", "Spring launch")
    expect(croissants).to_have_count(0)
    expect(sourdough).to_be_visible()
    page.locator("#calendar-clear").click()
    expect(croissants).to_be_visible()

    page.locator("#calendar-search").fill("sourd")
    page.locator("#calendar-search").press("Enter")
    expect(croissants).to_have_count(0)
    expect(sourdough).to_contain_text("Sourdough workshop")
    page.locator("#calendar-clear").click()
    expect(croissants).to_be_visible()
    # Query syntax is taken as plain words: no error, the words still match.
    page.locator("#calendar-search").fill('"Sourdough* -workshop(')
    page.locator("#calendar-search").press("Enter")
    expect(croissants).to_have_count(0)
    expect(sourdough).to_be_visible()
    page.locator("#calendar-clear").click()
    expect(croissants).to_be_visible()

    # Duplicate from the menu: a draft copy appears beside the original.
    croissants.locator(".entry-actions").click()
    page.get_by_role("menuitem", name="Duplicate").click()
    expect(page.locator(".calendar-entry", has_text="Croissants at nine")).to_have_count(2)


def test_posting_slots_and_evergreen(planner: Planner) -> None:
    page = planner.page
    page.goto(routes.SETTINGS_SLOTS)
    expect(page.locator("#page-heading")).to_have_text("Posting slots")
    card = page.locator(f'[data-account="Sandbox @{planner.handle}"]')

    def add_slot(day: str, time: str) -> None:
        card.get_by_role("combobox", name="Day of the week").click()
        page.get_by_role("option", name=day).click()
        card.get_by_label("Time").fill(time)
        card.locator(".add-slot").click()

    add_slot("Wednesday", "07:45")
    expect(card.locator('.slot[data-slot="Wed 07:45"]')).to_be_visible()
    expect(card.locator(".next-free")).to_contain_text("07:45 Europe/Paris")
    add_slot("Wednesday", "07:45")  # the same slot again
    expect(card.get_by_role("alert")).to_contain_text("already has a slot on Wednesday at 07:45")
    card.get_by_role("button", name="Remove slot Wed 07:45").click()
    expect(card.locator(".slot")).to_have_count(0)

    page.goto(routes.post_path(planner.croissants))
    panel = page.locator("#evergreen-panel")
    page.locator("#evergreen-submit").click()
    expect(page.locator("#evergreen-variations-error")).to_contain_text("at least one variation")
    page.locator("#evergreen-interval_days").fill("20")
    page.locator("#evergreen-variations").fill(
        "Warm croissants, again\n---\nNine o'clock croissants"
    )
    page.locator("#evergreen-submit").click()
    expect(panel.locator("#evergreen-state")).to_have_text("recycling")
    expect(page.locator("#evergreen-summary")).to_contain_text("0 of 5 copies made")
    page.reload()
    expect(page.locator("#evergreen-interval_days")).to_have_value("20")
    expect(page.locator("#evergreen-variations")).to_have_value(
        "Warm croissants, again\n---\nNine o'clock croissants"
    )


def test_campaigns_and_tags_dialog(planner: Planner) -> None:
    page = planner.page
    page.goto(routes.CALENDAR)
    _view(page, "List")
    page.locator("#calendar-go-to").fill(planner.day.isoformat())
    sourdough = _entry(page, planner.sourdough)
    expect(sourdough).to_contain_text("# bread")

    page.locator("#calendar-labels").click()
    dialog = page.get_by_role("dialog")
    dialog.locator("#new-campaign-name").fill("Summer")
    dialog.locator("#new-campaign-add").click()
    expect(dialog.locator('[data-campaign="Summer"]')).to_be_visible()
    tag = dialog.locator('[data-tag="bread"]')
    tag.get_by_label("Name of tag bread").fill("sourdough")
    tag.get_by_role("button", name="Save").click()
    expect(dialog.locator('[data-tag="sourdough"]')).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(sourdough).to_contain_text("# sourdough")
    choose(page, "#filter-campaign_filter", "Summer")
    expect(page.locator("#calendar-list-empty")).to_be_visible()
