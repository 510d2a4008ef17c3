"""Settings → Audit log: what happened, by whom, paginated in the database."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from socialmuse import routes
from socialmuse.db import session_scope
from socialmuse.services import auth, brands
from tests.browser.people import (
    PASSWORD,
    create_brand,
    email_for,
    log_in,
    log_out,
    navigate,
    sign_up,
    unique,
)

pytestmark = pytest.mark.browser


def test_the_audit_log_lists_sign_ins_and_brand_events(page: Page) -> None:
    email = email_for("auditor")
    sign_up(page, email=email, name="Audrey")
    page.goto(routes.SETTINGS_BRANDS)
    brand = unique("Logged")
    create_brand(page, name=brand)
    log_out(page)
    log_in(page, email=email)
    expect(page.locator("#page-heading")).to_have_text("Dashboard")

    navigate(page, "Settings")
    page.get_by_role("link", name="Audit log").click()
    table = page.locator("#audit-table")
    expect(table.locator('tr[data-action="auth.sign_in"]').first).to_contain_text(email)
    expect(table.locator('tr[data-action="auth.sign_out"]')).to_have_count(1)
    expect(table.locator("tr[data-action^='brand.']").first).to_contain_text(brand)
    expect(page.locator("#audit-page")).to_contain_text("Page 1 of 1")
    expect(page.locator("#audit-older")).to_be_disabled()


def test_the_audit_log_pages_through_older_events(page: Page) -> None:
    email = email_for("busy")
    sign_up(page, email=email, name="Bo Busy")
    # Given many events (seeded through the services, as the UI would create them)...
    with session_scope() as session:
        token = auth.log_in(session, email=email, password=PASSWORD).token
        actor = auth.actor_for(session, token=token, organization_id=None)
        for n in range(30):
            brands.create_brand(session, actor=actor, name=f"Brand {n:02d}", timezone="UTC")

    page.goto(routes.SETTINGS_AUDIT)
    expect(page.locator("#audit-page")).to_contain_text("Page 1 of 2")
    expect(page.locator("#audit-table tbody tr")).to_have_count(25)
    expect(page.locator("#audit-table")).to_contain_text("Brand 29")
    page.locator("#audit-older").click()
    expect(page.locator("#audit-page")).to_contain_text("Page 2 of 2")
    expect(page.locator("#audit-table")).to_contain_text("auth.sign_up")
    expect(page.locator("#audit-table")).not_to_contain_text("Brand 29")
    page.locator("#audit-newer").click()
    expect(page.locator("#audit-page")).to_contain_text("Page 1 of 2")
