"""The shell: sidebar pages with honest empty states, the organization switcher, the user menu."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from socialmuse import routes
from tests.browser.people import choose, email_for, fill_form, navigate, sign_up, unique

pytestmark = pytest.mark.browser

EMPTY_STATES = [
    ("Compose", routes.COMPOSE, "No posts yet"),
    ("Calendar", routes.CALENDAR, "Nothing scheduled"),
    ("Media", routes.MEDIA, "No media yet"),
    ("Analytics", routes.ANALYTICS, "No analytics yet"),
    ("Inbox", routes.INBOX, "Your inbox is empty"),
    ("Workflows", routes.WORKFLOWS, "No workflows yet"),
]


def test_every_sidebar_page_explains_what_will_appear_there(page: Page) -> None:
    sign_up(page, email=email_for("tour"))
    expect(page.locator(".empty-state")).to_contain_text(
        "KPIs appear after your first posts are published"
    )
    for label, _path, title in EMPTY_STATES:
        navigate(page, label)
        expect(page.locator("#page-heading")).to_have_text(label)
        expect(page.locator(".empty-state")).to_contain_text(title)
        current = page.get_by_role("navigation", name="Main").get_by_role("link", name=label)
        expect(current).to_have_attribute("aria-current", "page")


@pytest.mark.parametrize(("label", "path", "title"), EMPTY_STATES)
def test_placeholder_pages_are_behind_the_login(
    page: Page, label: str, path: str, title: str
) -> None:
    page.goto(path)
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    expect(page.get_by_text(title)).to_have_count(0)


def test_organization_switcher_moves_between_organizations(page: Page) -> None:
    first, second = unique("First Org"), unique("Second Org")
    sign_up(page, email=email_for("multi"), organization=first)
    navigate(page, "Settings")
    fill_form(page, "create-org", organization_name=second)
    page.locator("#create-org-submit").click()
    expect(page.locator("#dashboard-welcome")).to_contain_text(second)
    expect(page.locator("#organization-switcher")).to_contain_text(second)
    expect(page.locator("#brand-count")).to_have_text("0")

    choose(page, "#organization-switcher", first)
    expect(page.locator("#dashboard-welcome")).to_contain_text(first)
    # The choice is kept by this browser.
    page.reload()
    expect(page.locator("#organization-switcher")).to_contain_text(first)


def test_rename_the_organization_and_field_errors(page: Page) -> None:
    sign_up(page, email=email_for("namer"), organization=unique("Old Name"))
    navigate(page, "Settings")
    expect(page.locator("#page-heading")).to_have_text("Settings")

    fill_form(page, "rename-org", name="")
    page.locator("#rename-org-submit").click()
    expect(page.locator("#rename-org-name-error")).to_be_visible()

    new_name = unique("New Name")
    fill_form(page, "rename-org", name=new_name)
    page.locator("#rename-org-submit").click()
    expect(page.locator("#rename-org-name-error")).to_have_count(0)
    expect(page.locator("#organization-switcher")).to_contain_text(new_name)

    fill_form(page, "create-org", organization_name="  ")
    page.locator("#create-org-submit").click()
    expect(page.locator("#create-org-organization_name-error")).to_be_visible()
