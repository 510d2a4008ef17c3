"""Settings → Brands: create with a timezone, refusals at the field, edit, archive, restore."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.people import create_brand, email_for, fill_form, navigate, sign_up, unique

pytestmark = pytest.mark.browser


def _open_brands(page: Page) -> None:
    navigate(page, "Settings")
    page.get_by_role("navigation", name="Settings sections").get_by_role(
        "link", name="Brands"
    ).click()
    expect(page.locator("#page-heading")).to_have_text("Brands")


def test_a_new_brand_appears_in_the_list_and_the_brand_switcher(page: Page) -> None:
    sign_up(page, email=email_for("brander"))
    expect(page.locator("#brand-switcher-empty")).to_be_visible()
    _open_brands(page)
    expect(page.locator("#brands-empty")).to_be_visible()

    first, second = unique("Bakery"), unique("Cafe")
    create_brand(page, name=first, timezone="Europe/Paris", voice="Warm and short.")
    row = page.locator(f'#brand-table tr[data-brand="{first}"]')
    expect(row).to_contain_text("Europe/Paris")
    expect(row).to_contain_text("Warm and short.")
    expect(page.locator("#brand-switcher")).to_contain_text(first)
    # The form is cleared for the next brand.
    expect(page.locator("#create-brand-name")).to_have_value("")

    create_brand(page, name=second, timezone="America/New_York")
    page.locator("#brand-switcher").click()
    expect(page.get_by_role("option", name=second)).to_be_visible()
    page.get_by_role("option", name=second).click()
    expect(page.locator("#brand-switcher")).to_contain_text(second)

    # The chosen brand is remembered by this browser across a reload.
    page.reload()
    expect(page.locator("#brand-switcher")).to_contain_text(second)
    navigate(page, "Dashboard")
    expect(page.locator("#brand-count")).to_have_text("2")


def test_bad_brand_input_is_refused_at_the_field(page: Page) -> None:
    sign_up(page, email=email_for("tz"))
    _open_brands(page)

    fill_form(page, "create-brand", name="Moon Base", timezone="Mars/Olympus_Mons")
    page.locator("#create-brand-submit").click()
    expect(page.locator("#create-brand-timezone-error")).to_contain_text("not an IANA timezone")
    # What the person typed stays, so they only fix the timezone.
    expect(page.locator("#create-brand-name")).to_have_value("Moon Base")

    fill_form(page, "create-brand", name="   ", timezone="UTC")
    page.locator("#create-brand-submit").click()
    expect(page.locator("#create-brand-name-error")).to_be_visible()
    expect(page.locator("#create-brand-timezone-error")).to_have_count(0)
    expect(page.locator("#brands-empty")).to_be_visible()  # nothing was half-created


def test_edit_archive_and_restore_a_brand(page: Page) -> None:
    sign_up(page, email=email_for("editor"))
    _open_brands(page)
    name, renamed = unique("Studio"), unique("Atelier")
    create_brand(page, name=name, timezone="Europe/Paris")

    page.locator(f'#brand-table tr[data-brand="{name}"]').get_by_role("button", name="Edit").click()
    expect(page.locator("#edit-brand-name")).to_have_value(name)
    expect(page.locator("#edit-brand-timezone")).to_have_value("Europe/Paris")
    fill_form(page, "edit-brand", timezone="Nowhere/Land")
    page.locator("#edit-brand-submit").click()
    expect(page.locator("#edit-brand-timezone-error")).to_contain_text("not an IANA timezone")

    fill_form(page, "edit-brand", name=renamed, timezone="Asia/Tokyo", voice="Calm.")
    page.locator("#edit-brand-submit").click()
    row = page.locator(f'#brand-table tr[data-brand="{renamed}"]')
    expect(row).to_contain_text("Asia/Tokyo")
    expect(page.locator("#brand-switcher")).to_contain_text(renamed)

    row.get_by_role("button", name="Archive").click()
    expect(row).to_have_count(0)
    expect(page.locator("#brand-switcher-empty")).to_be_visible()

    page.locator("#show-archived").click()
    archived = page.locator(f'#brand-table tr[data-brand="{renamed}"]')
    expect(archived).to_contain_text("archived")
    archived.get_by_role("button", name="Restore").click()
    expect(archived).to_contain_text("active")
    expect(page.locator("#brand-switcher")).to_contain_text(renamed)
