"""What a person does in the browser, step by step; tests compose these into stories."""

from __future__ import annotations

import itertools
import re
import uuid

from playwright.sync_api import Page, expect

from socialmuse import routes

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


def unique(prefix: str) -> str:
    """Tests share one database, so every email and name is unique to its test."""
    return f"{prefix}-{next(_seq)}-{uuid.uuid4().hex[:6]}"


def email_for(prefix: str) -> str:
    return f"{unique(prefix)}@example.com"


def url_path(path: str) -> re.Pattern[str]:
    """Match the page's URL by path (static hosting may add a trailing slash) and any query."""
    return re.compile(rf"^https?://[^/]+{re.escape(path.rstrip('/'))}/?(\?.*)?$")


def fill_form(page: Page, form_id: str, **values: str) -> None:
    for name, value in values.items():
        page.locator(f"#{form_id}-{name}").fill(value)


def sign_up(
    page: Page,
    *,
    email: str,
    name: str = "Ada Owner",
    organization: str = "",
    password: str = PASSWORD,
) -> None:
    """Create an account and wait until the dashboard greets the person."""
    page.goto(routes.SIGNUP)
    fill_form(
        page,
        "signup",
        name=name,
        email=email,
        password=password,
        organization_name=organization or unique("Org"),
    )
    page.locator("#signup-submit").click()
    expect(page.locator("#page-heading")).to_have_text("Dashboard")
    expect(page.locator("#dashboard-welcome")).to_contain_text(name)


def log_in(page: Page, *, email: str, password: str = PASSWORD) -> None:
    fill_form(page, "login", email=email, password=password)
    page.locator("#login-submit").click()


def log_out(page: Page) -> None:
    page.locator("#user-menu").click()
    page.get_by_role("menuitem", name="Log out").click()
    expect(page).to_have_url(url_path(routes.LOGIN))


def choose(page: Page, trigger: str, option: str) -> None:
    """Pick an option of a Radix select (organization, brand, role)."""
    page.locator(trigger).click()
    page.get_by_role("option", name=option, exact=True).click()


def navigate(page: Page, label: str) -> None:
    """Follow a sidebar link, as a person would."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=label, exact=True).click()


def create_brand(page: Page, *, name: str, timezone: str = "Europe/Paris", voice: str = "") -> None:
    """On Settings → Brands: fill the new-brand form and wait for the row."""
    fill_form(page, "create-brand", name=name, timezone=timezone, voice=voice)
    page.locator("#create-brand-submit").click()
    expect(page.locator(f'#brand-table tr[data-brand="{name}"]')).to_be_visible()
