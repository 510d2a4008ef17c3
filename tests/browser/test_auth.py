"""Sign-up, log-in, log-out, and the guard in front of every protected page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from socialmuse import routes
from tests.browser.people import PASSWORD, email_for, fill_form, log_in, log_out, sign_up, url_path

pytestmark = pytest.mark.browser


def test_sign_up_lands_on_the_dashboard_then_log_out_and_back_in(page: Page) -> None:
    email = email_for("ada")
    sign_up(page, email=email, name="Ada Lovelace", organization="Analytical Engines")
    expect(page.locator("#dashboard-welcome")).to_contain_text("Analytical Engines")
    expect(page.locator("#brand-count")).to_have_text("0")
    expect(page.locator("#member-count")).to_have_text("1")

    log_out(page)
    page.goto(routes.DASHBOARD)
    expect(page).to_have_url(url_path(routes.LOGIN))

    log_in(page, email=email, password="not the password")
    expect(page.locator("#login-password-error")).to_have_text("Email or password is incorrect.")

    log_in(page, email=email)
    expect(page.locator("#page-heading")).to_have_text("Dashboard")
    expect(page.locator("#user-menu")).to_contain_text("Ada Lovelace")


def test_bad_sign_up_shows_the_message_next_to_the_field_and_creates_nothing(page: Page) -> None:
    page.goto(routes.SIGNUP)
    email = email_for("grace")
    fill_form(
        page,
        "signup",
        name="Grace",
        email="grace@",
        password=PASSWORD,
        organization_name="Compilers Inc",
    )
    page.locator("#signup-submit").click()
    expect(page.locator("#signup-email-error")).to_contain_text("not valid")
    expect(page.locator("#signup-email")).to_have_attribute("aria-invalid", "true")

    fill_form(page, "signup", email=email, password="short")
    page.locator("#signup-submit").click()
    expect(page.locator("#signup-password-error")).to_contain_text("at least 10 characters")
    expect(page.locator("#signup-email-error")).to_have_count(0)
    expect(page).to_have_url(url_path(routes.SIGNUP))

    # The refused attempt left no account behind: the same email signs up fine now.
    fill_form(page, "signup", password=PASSWORD)
    page.locator("#signup-submit").click()
    expect(page.locator("#page-heading")).to_have_text("Dashboard")


def test_a_protected_page_sends_a_stranger_to_log_in_and_back_afterwards(
    page: Page, new_context
) -> None:
    email = email_for("linus")
    sign_up(page, email=email, name="Linus")

    stranger = new_context().new_page()
    stranger.goto(routes.SETTINGS_BRANDS)
    expect(stranger).to_have_url(url_path(routes.LOGIN))
    log_in(stranger, email=email)
    expect(stranger).to_have_url(url_path(routes.SETTINGS_BRANDS))
    expect(stranger.locator("#page-heading")).to_have_text("Brands")


def test_the_log_in_page_sends_someone_already_logged_in_to_next_not_home(page: Page) -> None:
    # Regression: the page's "already logged in" check went home, ignoring ?next=. When a
    # person submitted the form before that check had run, its redirect came last and won.
    sign_up(page, email=email_for("next"), name="Nell")
    page.goto(f"{routes.LOGIN}?next={routes.SETTINGS_BRANDS}")
    expect(page).to_have_url(url_path(routes.SETTINGS_BRANDS))
    expect(page.locator("#page-heading")).to_have_text("Brands")

    page.goto(f"{routes.LOGIN}?next=//evil.example/")
    expect(page).to_have_url(url_path(routes.DASHBOARD))


def test_logging_out_revokes_the_login_in_every_tab(page: Page) -> None:
    sign_up(page, email=email_for("tabs"), name="Tabby")
    other_tab = page.context.new_page()
    other_tab.goto(routes.SETTINGS_ORGANIZATION)
    expect(other_tab.locator("#page-heading")).to_have_text("Settings")

    log_out(page)
    other_tab.goto(routes.SETTINGS_TEAM)
    expect(other_tab).to_have_url(url_path(routes.LOGIN))
