"""Settings → Accounts: connecting X by signing in on X (the X emulator approves at once)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from socialmuse import routes
from socialmuse.emulators.x import XEmulator
from socialmuse.services.oauth_apps import CALLBACK_PATH
from tests.browser.people import create_brand, email_for, sign_up, unique, url_path

pytestmark = pytest.mark.browser


def test_owner_connects_an_x_account_by_signing_in_on_x(page: Page, x_network: XEmulator) -> None:
    sign_up(page, email=email_for("owner"), name="Olive Owner")
    page.goto(routes.SETTINGS_BRANDS)
    create_brand(page, name=unique("Bakery"))
    handle = unique("bakery").replace("-", "_")
    x_network.create_user(handle)
    x_network.authorize_as = handle

    # The X emulator serves every browser test module: only this sign-in's requests count.
    seen = len(x_network.requests("POST", "/2/oauth2/token"))
    page.goto(routes.SETTINGS_ACCOUNTS)
    page.locator("#oauth-start-x").click()

    expect(page).to_have_url(url_path(routes.SETTINGS_ACCOUNTS))
    expect(page.locator("#oauth-notice")).to_have_text(f"X account {handle} connected.")
    row = page.locator(f'#account-table tr[data-account="{handle}"]')
    expect(row).to_contain_text("X")
    expect(row).to_contain_text("connected")
    (exchange,) = [
        r
        for r in x_network.requests("POST", "/2/oauth2/token")[seen:]
        if "authorization_code" in r.body.decode()
    ]
    assert "code_verifier=" in exchange.body.decode() and exchange.status == 200


def test_a_forged_callback_connects_nothing_and_says_why(page: Page) -> None:
    sign_up(page, email=email_for("owner"), name="Fred Owner")
    page.goto(routes.SETTINGS_BRANDS)
    create_brand(page, name=unique("Garage"))

    page.goto(f"{CALLBACK_PATH}?code=stolen&state=not-a-real-state")

    expect(page).to_have_url(url_path(routes.SETTINGS_ACCOUNTS))
    expect(page.locator("#oauth-error")).to_contain_text("expired or was altered")
    expect(page.locator("#accounts-empty")).to_be_visible()
