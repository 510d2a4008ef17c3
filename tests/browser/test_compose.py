"""The composer, as a marketing person uses it: three networks, previews, versions, schedule.

One person, one brand (in New York time) with a Sandbox, an X (signed in through the X
emulator) and a Mastodon account (the Mastodon emulator), and two snippets made on
Settings → Snippets, shared by every test of the module (one login).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from socialmuse import routes
from socialmuse.db import session_scope
from socialmuse.emulators.base import EmulatorServer
from socialmuse.emulators.mastodon import MastodonEmulator
from socialmuse.emulators.x import XEmulator
from socialmuse.models import Brand
from tests.browser.people import (
    choose,
    create_brand,
    email_for,
    fill_form,
    sign_up,
    unique,
    url_path,
)

pytestmark = pytest.mark.browser

TIMEZONE = "America/New_York"
POST_PAGE = re.compile(r"/posts/\d+/?$")
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


@dataclass
class Studio:
    page: Page
    brand: str
    sandbox: str
    x: str
    mastodon: str
    mastodon_server: str


@pytest.fixture(scope="module")
def mastodon_network() -> Iterator[MastodonEmulator]:
    emulator = MastodonEmulator()
    with EmulatorServer(emulator):
        yield emulator


def _snippet(page: Page, kind: str, name: str, body: str) -> None:
    choose(page, "#new-snippet-kind", kind)
    fill_form(page, "new-snippet", name=name, body=body)
    page.locator("#new-snippet-submit").click()
    expect(page.locator(f'#snippet-table tr[data-snippet="{name}"]')).to_be_visible()


@pytest.fixture(scope="module")
def studio(
    browser: Browser, app_url: str, x_network: XEmulator, mastodon_network: MastodonEmulator
) -> Iterator[Studio]:
    context = browser.new_context(base_url=app_url)
    page = context.new_page()
    sign_up(page, email=email_for("composer"), name="Cora Composer")
    brand = unique("Bakery")
    page.goto(routes.SETTINGS_BRANDS)
    create_brand(page, name=brand, timezone=TIMEZONE)

    page.goto(routes.SETTINGS_ACCOUNTS)
    sandbox = unique("sandbox_bakery")
    fill_form(page, "connect-sandbox", handle=sandbox)
    page.locator("#connect-sandbox-submit").click()
    expect(page.locator(f'#account-table tr[data-account="{sandbox}"]')).to_be_visible()

    x_handle = unique("xbakery").replace("-", "_")
    x_network.create_user(x_handle)
    x_network.authorize_as = x_handle
    page.locator("#oauth-start-x").click()
    expect(page).to_have_url(url_path(routes.SETTINGS_ACCOUNTS))
    expect(page.locator(f'#account-table tr[data-account="{x_handle}"]')).to_be_visible()

    mastodon_handle = unique("toots").replace("-", "_")
    _, token = mastodon_network.create_account(mastodon_handle)
    fill_form(page, "connect-mastodon", instance_url=mastodon_network.base_url, access_token=token)
    page.locator("#connect-mastodon-submit").click()
    server = mastodon_network.base_url.split("://", 1)[1]
    mastodon_handle = f"{mastodon_handle}@{server}"  # Mastodon handles name their server
    expect(page.locator(f'#account-table tr[data-account="{mastodon_handle}"]')).to_be_visible()

    page.goto(routes.SETTINGS_SNIPPETS)
    _snippet(page, "Template", "Launch", "New at {brand}: fresh bread")
    _snippet(page, "Hashtag group", "Bakery tags", "bread, sourdough")
    yield Studio(page, brand, sandbox, x_handle, mastodon_handle, server)
    context.close()


def _open_compose(page: Page) -> None:
    page.goto(routes.COMPOSE)
    expect(page.locator("#page-heading")).to_have_text("Compose")
    expect(page.locator("#compose-accounts")).to_be_visible()


def _tick(page: Page, label: str) -> None:
    page.get_by_role("checkbox", name=label, exact=True).click()
    expect(page.get_by_role("checkbox", name=label, exact=True)).to_be_checked()


def _preview(page: Page, platform: str):
    return page.locator(f'#compose-previews .preview[data-preview="{platform}"]')


def test_compose_for_three_networks_with_one_own_version_then_schedule(studio: Studio) -> None:
    page = studio.page
    _open_compose(page)
    _tick(page, f"Sandbox @{studio.sandbox}")
    _tick(page, f"X @{studio.x}")
    _tick(page, f"Mastodon @{studio.mastodon}")

    url = "https://example.com/" + "a" * 60
    text = f"Fresh loaves today {url} #bakery with @friend"
    page.locator("#compose-text").fill(text)
    counts = page.locator("#compose-counts")
    # X and Mastodon count any link as 23; the Sandbox counts every character.
    weighted = len(text) - len(url) + 23
    expect(counts.locator('[data-network="x"]')).to_contain_text(f"{weighted} / 280")
    expect(counts.locator('[data-network="mastodon"]')).to_contain_text(f"{weighted} / 500")
    expect(counts.locator('[data-network="sandbox"]')).to_contain_text(f"{len(text)} / 1,000")

    x_card = _preview(page, "x")
    expect(x_card.locator(".pv-handle")).to_have_text(f"@{studio.x}")
    expect(x_card.locator(".pv-link")).to_have_text("example.com/" + "a" * 10 + "…")
    expect(x_card.locator(".pv-tag")).to_have_text("#bakery")
    expect(x_card.locator(".pv-mention")).to_have_text("@friend")
    expect(x_card.locator(".pv-count")).to_contain_text(f"{weighted} / 280")
    mastodon_card = _preview(page, "mastodon")
    expect(mastodon_card.locator(".pv-handle")).to_have_text(f"@{studio.mastodon}")
    assert studio.mastodon.endswith("@" + studio.mastodon_server)
    expect(_preview(page, "sandbox").locator(".pv-link")).to_have_text(url)

    # Mastodon gets its own words; the others keep the original.
    page.get_by_role("button", name=f"Mastodon @{studio.mastodon}", exact=True).click()
    expect(page.locator("#compose-customize")).to_be_visible()
    page.locator("#compose-text").fill("Toots only: sourdough at nine #fediverse")
    expect(mastodon_card).to_contain_text("Toots only: sourdough at nine")
    expect(mastodon_card).to_contain_text("own version")
    expect(x_card).to_contain_text("Fresh loaves today")
    page.locator("#compose-tab-all").click()
    expect(page.locator("#compose-text")).to_have_value(text)

    page.get_by_role("radio", name="Schedule for").click()
    expect(page.locator("#compose-timezone")).to_contain_text(TIMEZONE)
    day = (datetime.now(ZoneInfo(TIMEZONE)) + timedelta(days=2)).strftime("%Y-%m-%d")
    page.locator("#compose-date").fill(day)
    page.locator("#compose-time").fill("09:30")
    expect(page.locator("#compose-submit")).to_have_text("Schedule post")
    page.locator("#compose-submit").click()

    expect(page).to_have_url(POST_PAGE)
    expect(page.locator("#post-status")).to_have_text(re.compile("scheduled", re.I))
    targets = page.locator("#targets [data-target]")
    expect(targets).to_have_count(3)
    for i in range(3):
        expect(targets.nth(i).locator(".scheduled")).to_contain_text(f"{day} 09:30 {TIMEZONE}")

    # Reopened for editing, the Mastodon version is still its own.
    post_id = page.url.rstrip("/").rsplit("/", 1)[1]
    page.goto(f"{routes.COMPOSE}?post={post_id}")
    expect(page.locator("#compose-editing")).to_contain_text(post_id)
    expect(page.locator("#compose-text")).to_have_value(text)
    expect(_preview(page, "mastodon")).to_contain_text("Toots only")
    expect(page.locator("#compose-date")).to_have_value(day)
    expect(page.locator("#compose-time")).to_have_value("09:30")

    # On the calendar, in the brand's timezone; dragged to the next day it keeps 09:30.
    page.goto(routes.CALENDAR)
    expect(page.locator("#calendar-timezone")).to_have_text(TIMEZONE)
    page.locator("#calendar-go-to").fill(day)
    entry = page.locator(f'.calendar-day[data-date="{day}"] [data-post-id="{post_id}"]')
    expect(entry).to_contain_text("09:30")
    expect(entry.locator('.network-dot[data-network="Mastodon"]')).to_have_count(1)
    # Another day of the same month grid (a day dropped on keeps its local time).
    chosen = datetime.fromisoformat(day)
    other = chosen + timedelta(days=1)
    if other.month != chosen.month:
        other = chosen - timedelta(days=1)
    next_day = other.strftime("%Y-%m-%d")
    page.locator(f'.calendar-entry[data-post-id="{post_id}"]').drag_to(
        page.locator(f'.calendar-day[data-date="{next_day}"]')
    )
    moved = page.locator(f'[data-date="{next_day}"] [data-post-id="{post_id}"]')
    expect(moved).to_contain_text("09:30")
    page.goto(routes.post_path(post_id))
    expect(page.locator("#targets [data-target]").first.locator(".scheduled")).to_contain_text(
        f"{next_day} 09:30 {TIMEZONE}"
    )


def test_a_guardrail_refusal_sits_under_the_text_and_keeps_it(studio: Studio) -> None:
    with session_scope() as session:
        brand = session.exec(select(Brand).where(Brand.name == studio.brand)).one()
        brand.guardrails = {"banned_claims": ["cures everything"]}
        session.add(brand)
    page = studio.page
    try:
        _open_compose(page)
        _tick(page, f"Sandbox @{studio.sandbox}")
        text = "Our sourdough cures everything"
        page.locator("#compose-text").fill(text)
        page.locator("#compose-submit").click()
        expect(page.locator("#compose-text-error")).to_contain_text(
            "“cures everything” is a banned claim"
        )
        expect(page.locator("#compose-text")).to_have_value(text)
        expect(page).to_have_url(url_path(routes.COMPOSE))
    finally:
        with session_scope() as session:
            brand = session.exec(select(Brand).where(Brand.name == studio.brand)).one()
            brand.guardrails = {}
            session.add(brand)


def test_unsaved_text_survives_a_reload_until_discarded(studio: Studio) -> None:
    page = studio.page
    _open_compose(page)
    _tick(page, f"X @{studio.x}")
    page.locator("#compose-text").fill("Half-written thought about rye")
    page.wait_for_function(
        "() => (localStorage.getItem('socialmuse_compose_drafts') || '')"
        ".includes('Half-written thought about rye')"
    )
    page.reload()
    expect(page.locator("#compose-text")).to_have_value("Half-written thought about rye")
    expect(page.locator("#compose-restored")).to_contain_text("unsaved changes")
    expect(page.get_by_role("checkbox", name=f"X @{studio.x}", exact=True)).to_be_checked()

    page.locator("#compose-discard").click()
    expect(page.locator("#compose-text")).to_have_value("")
    expect(page.locator("#compose-restored")).to_have_count(0)
    page.reload()
    expect(page.locator("#compose-text")).to_have_value("")


def test_template_hashtags_variable_and_a_counted_short_link(
    studio: Studio, tmp_path: Path
) -> None:
    page = studio.page
    _open_compose(page)
    _tick(page, f"Sandbox @{studio.sandbox}")

    page.locator("#compose-templates").click()
    page.get_by_role("menuitem", name="Launch").click()
    expect(page.get_by_role("menu")).to_have_count(0)
    expect(page.locator("#compose-text")).to_have_value("New at {brand}: fresh bread")
    page.locator("#compose-hashtags").click()
    page.get_by_role("menuitem", name="Bakery tags").click()
    expect(page.get_by_role("menu")).to_have_count(0)
    expect(page.locator("#compose-text")).to_have_value(
        "New at {brand}: fresh bread #bread #sourdough"
    )
    sandbox_card = _preview(page, "sandbox")
    expect(sandbox_card).to_contain_text(f"New at {studio.brand}: fresh bread")

    page.locator("#compose-link").click()
    expect(page.locator("#compose-link-url")).to_be_visible()
    page.locator("#compose-link-url").fill("https://example.com/menu?day=mon")
    page.locator("#compose-link-utm-source").fill("sandbox")
    page.locator("#compose-link-submit").click()
    expect(page.locator("#compose-link-made")).to_contain_text("/l/")
    short_url = page.locator("#compose-link-made code").inner_text()
    page.keyboard.press("Escape")
    expect(page.locator("#compose-text")).to_have_value(re.compile(re.escape(short_url) + "$"))

    # A thread part, a first comment and a picture with alt text, all in the preview.
    page.locator("#compose-add-part").click()
    page.get_by_role("textbox", name="Thread part 2").fill("Part two: the rye")
    page.locator("#compose-toggle-comment").click()
    page.locator("#compose-first-comment").fill("Menu in the link above")
    expect(sandbox_card.locator(".pv-reply")).to_have_count(2)
    expect(sandbox_card.locator(".pv-reply").first).to_contain_text("Part two: the rye")
    picture = tmp_path / "loaf.png"
    Image.new("RGB", (800, 600), (180, 120, 60)).save(picture)
    page.locator("#compose-upload-alt").fill("A golden loaf on a board")
    page.locator("#compose-upload-alt").press("Tab")  # leaving the field hands it over
    page.locator("#compose-upload input[type=file]").set_input_files(str(picture))
    expect(page.locator('#compose-media [data-media="loaf.png"]')).to_be_visible()
    expect(sandbox_card.locator("img.pv-media")).to_have_attribute(
        "alt", "A golden loaf on a board"
    )
    alt = page.locator('#compose-media [data-alt-for="loaf.png"]')
    alt.fill("A golden rye loaf")
    alt.press("Tab")
    expect(sandbox_card.locator("img.pv-media")).to_have_attribute("alt", "A golden rye loaf")

    page.locator("#compose-save").click()
    expect(page).to_have_url(POST_PAGE)
    expect(page.locator("#post-text")).to_contain_text(f"New at {studio.brand}: fresh bread")
    expect(page.locator("#post-clicks .short-link")).to_contain_text(short_url)

    # The short link is served on the app's own port; a person's click is counted.
    clicked = page.request.get(short_url, max_redirects=0, headers={"User-Agent": BROWSER_UA})
    assert clicked.status == 302
    assert clicked.headers["location"] == "https://example.com/menu?day=mon&utm_source=sandbox"
    preview = page.request.head(short_url, max_redirects=0, headers={"User-Agent": BROWSER_UA})
    assert preview.status == 302
    page.reload()
    expect(page.locator("#post-clicks-total")).to_contain_text("1 click")


def test_a_brand_that_needs_approval_offers_submit_for_approval(studio: Studio) -> None:
    def policy(value: dict[str, object]) -> None:
        with session_scope() as session:
            brand = session.exec(select(Brand).where(Brand.name == studio.brand)).one()
            brand.approval_policy = value
            session.add(brand)

    policy({"required_for": "everyone", "steps": ["brand_owner"]})
    page = studio.page
    try:
        _open_compose(page)
        expect(page.locator("#compose-approval-note")).to_contain_text("approved before")
        expect(page.get_by_role("radio", name="Publish now")).to_have_count(0)
        expect(page.locator("#compose-submit")).to_have_text("Submit for approval")
        _tick(page, f"Sandbox @{studio.sandbox}")
        page.locator("#compose-text").fill("Needs a second pair of eyes")
        page.locator("#compose-note").fill("First post of the season")
        page.locator("#compose-submit").click()
        expect(page).to_have_url(POST_PAGE)
        expect(page.locator("#post-status")).to_have_text(re.compile("review", re.I))
        expect(page.locator("#approval-history")).to_contain_text("First post of the season")
    finally:
        policy({})


def test_media_chosen_in_the_library_picker_joins_the_post(studio: Studio, tmp_path: Path) -> None:
    page = studio.page
    _open_compose(page)
    _tick(page, f"Sandbox @{studio.sandbox}")
    page.locator("#compose-text").fill("Crust close-up")
    picture = tmp_path / "crust.png"
    Image.new("RGB", (640, 640), (120, 70, 20)).save(picture)

    page.locator("#compose-library").click()
    expect(page.locator("#media-picker")).to_be_visible()
    page.locator("#media-picker-upload input[type=file]").set_input_files(str(picture))
    expect(page.locator("#media-picker-confirm")).to_have_text(re.compile("1 file"))
    page.locator("#media-picker-confirm").click()

    expect(page.locator('#compose-media [data-media="crust.png"]')).to_be_visible()
    expect(_preview(page, "sandbox").locator("img.pv-media")).to_have_count(1)
    page.locator("#compose-save").click()
    expect(page).to_have_url(POST_PAGE)
    post_id = page.url.rstrip("/").rsplit("/", 1)[1]
    page.goto(f"{routes.COMPOSE}?post={post_id}")
    expect(page.locator('#compose-media [data-media="crust.png"]')).to_be_visible()


def test_the_assistant_hands_its_suggestion_to_the_composer(studio: Studio) -> None:
    page = studio.page
    _open_compose(page)
    _tick(page, f"Sandbox @{studio.sandbox}")
    page.locator("#compose-text").fill("Sourdough Saturday at the bakery")
    page.locator("#compose-assistant summary").click()
    page.locator("#ai-text").fill("Sourdough sourdough bakery bakery Saturday")
    page.locator("#ai-rule-hashtags").click()  # the rule-based helper: no provider needed
    page.locator(".ai-result .ai-use").first.click()
    expect(page.locator("#compose-text")).to_have_value(
        re.compile(r"^Sourdough Saturday at the bakery\n\n.*#sourdough", re.I | re.S)
    )
    expect(_preview(page, "sandbox").locator(".pv-tag").first).to_be_visible()


def test_add_to_queue_takes_the_next_free_posting_slot(studio: Studio) -> None:
    from socialmuse.models import PostingSlot, SocialAccount

    with session_scope() as session:
        account = session.exec(
            select(SocialAccount).where(SocialAccount.handle == studio.sandbox)
        ).one()
        for weekday in range(7):  # every day at 07:15, New York time
            session.add(
                PostingSlot(
                    organization_id=account.organization_id,
                    social_account_id=account.id or 0,
                    weekday=weekday,
                    minute_of_day=7 * 60 + 15,
                )
            )
    page = studio.page
    # Start from a clean composer: earlier tests leave unsaved work for this brand behind.
    page.evaluate("localStorage.removeItem('socialmuse_compose_drafts')")
    _open_compose(page)
    _tick(page, f"Sandbox @{studio.sandbox}")
    page.locator("#compose-text").fill("Queued: rye is back on Thursday")
    page.get_by_role("radio", name="Add to queue").click()
    expect(page.locator("#compose-submit")).to_have_text("Add to queue")
    page.locator("#compose-submit").click()
    expect(page).to_have_url(POST_PAGE)
    expect(page.locator("#post-status")).to_have_text(re.compile("scheduled", re.I))
    expect(page.locator("#targets [data-target]").first.locator(".scheduled")).to_contain_text(
        f"07:15 {TIMEZONE}"
    )


def test_a_campaign_chosen_in_the_composer_is_kept_on_the_post(studio: Studio) -> None:
    from socialmuse.models import Campaign, Post

    with session_scope() as session:
        brand = session.exec(select(Brand).where(Brand.name == studio.brand)).one()
        session.add(
            Campaign(organization_id=brand.organization_id, brand_id=brand.id, name="Rye week")
        )
    page = studio.page
    page.evaluate("localStorage.removeItem('socialmuse_compose_drafts')")
    _open_compose(page)
    _tick(page, f"Sandbox @{studio.sandbox}")
    page.locator("#compose-text").fill("Rye week starts Monday")
    choose(page, "#compose-campaign", "Rye week")
    page.locator("#compose-save").click()
    expect(page).to_have_url(POST_PAGE)
    post_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    with session_scope() as session:
        post = session.get(Post, post_id)
        campaign = session.exec(select(Campaign).where(Campaign.name == "Rye week")).one()
        assert post is not None and post.campaign_id == campaign.id
    page.goto(f"{routes.COMPOSE}?post={post_id}")
    expect(page.locator("#compose-campaign")).to_contain_text("Rye week")
