"""Settings → Team and the invitation link, told as the owner and the invited teammate."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from socialmuse import routes
from tests.browser.people import (
    PASSWORD,
    choose,
    create_brand,
    email_for,
    fill_form,
    navigate,
    sign_up,
    unique,
    url_path,
)

pytestmark = pytest.mark.browser


def _invite(page: Page, *, email: str, role: str, brands: tuple[str, ...] = ()) -> str:
    """On Settings → Team: create an invitation link and return it."""
    page.goto(routes.SETTINGS_TEAM)
    fill_form(page, "invite", email=email)
    choose(page, "#invite-role", role)
    for brand in brands:
        page.locator("#invite-brands").get_by_role("checkbox", name=brand).click()
    page.locator("#invite-submit").click()
    link = page.locator("#invite-link")
    expect(link).to_be_visible()
    expect(page.locator(f'#invitation-table tr[data-invitation="{email}"]')).to_contain_text(role)
    return link.input_value()


def test_invited_teammate_joins_sees_only_their_brands_then_is_promoted_and_removed(
    page: Page, new_context
) -> None:
    org = unique("Agency")
    sign_up(page, email=email_for("owner"), name="Olive Owner", organization=org)
    page.goto(routes.SETTINGS_BRANDS)
    in_scope, out_of_scope = unique("Bakery"), unique("Garage")
    create_brand(page, name=in_scope)
    create_brand(page, name=out_of_scope)

    teammate_email = email_for("tim")
    _invite(page, email=teammate_email, role="Team member", brands=(in_scope,))
    page.locator("#copy-invite-link").click()
    expect(page.get_by_text("Link copied.")).to_be_visible()
    page.wait_for_function(
        "async () => (await navigator.clipboard.readText()).includes('/invite/')"
    )
    link = page.evaluate("navigator.clipboard.readText()")
    expect(page.locator("#invite-link")).to_have_value(link)

    teammate = new_context().new_page()
    teammate.goto(link)
    expect(teammate.locator("#invite-heading")).to_have_text(f"Join {org}")
    expect(teammate.locator("#invite-summary")).to_contain_text("Olive Owner")
    expect(teammate.locator("#invite-summary")).to_contain_text("Team member")
    expect(teammate.locator("#accept-email")).to_have_value(teammate_email)
    fill_form(teammate, "accept", name="Tim Teammate", password="short")
    teammate.locator("#accept-submit").click()
    expect(teammate.locator("#accept-password-error")).to_contain_text("at least 10 characters")
    fill_form(teammate, "accept", password=PASSWORD)
    teammate.locator("#accept-submit").click()
    expect(teammate.locator("#page-heading")).to_have_text("Dashboard")
    expect(teammate.locator("#dashboard-welcome")).to_contain_text(org)
    expect(teammate.locator("#brand-switcher")).to_contain_text(in_scope)
    teammate.locator("#brand-switcher").click()
    expect(teammate.get_by_role("option")).to_have_count(1)
    teammate.keyboard.press("Escape")
    # A team member sees the team but may not invite, and has no audit log.
    navigate(teammate, "Settings")
    expect(teammate.get_by_role("link", name="Audit log")).to_have_count(0)
    teammate.get_by_role("link", name="Team", exact=True).click()
    expect(teammate.locator("#member-table")).to_contain_text("Olive Owner")
    expect(teammate.locator("#invite-submit")).to_have_count(0)

    page.goto(routes.SETTINGS_TEAM)
    row = page.locator(f'#member-table tr[data-member="{teammate_email}"]')
    expect(row).to_contain_text("Team member")
    expect(row).to_contain_text(in_scope)
    expect(page.locator(f'#invitation-table tr[data-invitation="{teammate_email}"]')).to_have_count(
        0
    )

    row.get_by_role("button", name="Change role").click()
    choose(page, "#edit-member-role", "Brand owner")
    page.locator("#edit-member-submit").click()
    expect(row).to_contain_text("Brand owner")

    row.get_by_role("button", name="Remove").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Remove member").click()
    expect(row).to_have_count(0)

    # Removed from their only organization, the teammate's next click ends at log-in.
    navigate(teammate, "Dashboard")
    expect(teammate).to_have_url(url_path(routes.LOGIN))


def test_a_logged_in_person_with_the_invited_email_joins_with_one_click(
    page: Page, new_context
) -> None:
    org = unique("Studio")
    sign_up(page, email=email_for("boss"), name="Bea Boss", organization=org)
    guest_email = email_for("gus")
    guest = new_context().new_page()
    sign_up(guest, email=guest_email, name="Gus Guest", organization=unique("GusOrg"))

    link = _invite(page, email=guest_email, role="Admin")
    guest.goto(link)
    expect(guest.locator("#invite-heading")).to_have_text(f"Join {org}")
    expect(guest.locator("#accept-submit")).to_have_text("Join organization")
    guest.locator("#accept-submit").click()
    expect(guest.locator("#dashboard-welcome")).to_contain_text(org)
    guest.locator("#organization-switcher").click()
    expect(guest.get_by_role("option")).to_have_count(2)


def test_a_revoked_invitation_link_stops_working(page: Page, new_context) -> None:
    sign_up(page, email=email_for("rev"), name="Rita")
    invited = email_for("nope")
    link = _invite(page, email=invited, role="Team member")
    invitation = page.locator(f'#invitation-table tr[data-invitation="{invited}"]')
    invitation.get_by_role("button", name="Revoke").click()
    expect(invitation).to_have_count(0)

    stranger = new_context().new_page()
    stranger.goto(link)
    expect(stranger.locator("#invite-problem")).to_contain_text("withdrawn")


def test_bad_invitation_input_is_refused_at_the_field(page: Page) -> None:
    sign_up(page, email=email_for("inv"), name="Ivy")
    page.goto(routes.SETTINGS_TEAM)
    fill_form(page, "invite", email="not-an-email")
    page.locator("#invite-submit").click()
    expect(page.locator("#invite-email-error")).to_contain_text("not valid")
    expect(page.locator("#invite-link")).to_have_count(0)


def test_someone_else_logged_in_on_this_browser_can_step_aside_for_the_invitee(
    page: Page, new_context
) -> None:
    sign_up(page, email=email_for("host"), name="Hana Host")
    invitee = email_for("newbie")
    link = _invite(page, email=invitee, role="Team member")

    # The owner opens the link on their own browser, where they are logged in.
    page.goto(link)
    expect(page.locator("#invite-heading")).to_be_visible()
    page.locator("#invite-log-out").click()
    expect(page.locator("#accept-email")).to_have_value(invitee)
    fill_form(page, "accept", name="Nico Newbie", password=PASSWORD)
    page.locator("#accept-submit").click()
    expect(page.locator("#user-menu")).to_contain_text("Nico Newbie")
