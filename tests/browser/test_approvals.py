"""Approvals in the browser: a change request round trip, and a client's review link."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from socialmuse import routes
from socialmuse.db import session_scope
from socialmuse.models.enums import Role
from socialmuse.services import accounts, approvals, auth, brands, team
from socialmuse.services.approval_policy import set_policy
from socialmuse.services.permissions import Actor
from socialmuse.services.post_editing import PostDraft, save_post
from tests.browser.people import PASSWORD, email_for, log_in, sign_up, unique, url_path

pytestmark = pytest.mark.browser

TZ = "Europe/Paris"


@dataclass
class Setup:
    owner: Actor
    brand_id: int
    brand_name: str
    account_id: int
    mate_email: str


def _actor(email: str) -> Actor:
    with session_scope() as session:
        token = auth.log_in(session, email=email, password=PASSWORD).token
        return auth.actor_for(session, token=token, organization_id=None)


def _setup(page: Page) -> Setup:
    """An owner signed up in the browser; their brand, a Sandbox account and a team member."""
    email = email_for("owner")
    sign_up(page, email=email, name="Olive Owner")
    owner = _actor(email)
    mate_email = email_for("tim")
    with session_scope() as session:
        brand = brands.create_brand(session, actor=owner, name=unique("Bakery"), timezone=TZ)
        account = accounts.connect_sandbox(
            session, actor=owner, brand_id=brand.id, handle=unique("bake")
        )
        invite = team.create_invitation(
            session, actor=owner, email=mate_email, role=Role.TEAM_MEMBER, brand_ids=[brand.id]
        )
        team.accept_invitation(session, token=invite.token, name="Tim Member", password=PASSWORD)
    return Setup(owner, brand.id, brand.name, account.id, mate_email)


def _intended() -> datetime:
    return (datetime.now(ZoneInfo(TZ)) + timedelta(days=2)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )


def _save(actor: Actor, s: Setup, text: str, post_id: int | None = None) -> int:
    with session_scope() as session:
        draft = PostDraft(
            brand_id=s.brand_id,
            text=text,
            account_ids=[s.account_id],
            at=_intended().strftime("%Y-%m-%dT%H:%M"),
        )
        return save_post(session, actor=actor, draft=draft, post_id=post_id).id


def _status(page: Page, label: str) -> None:
    expect(page.locator("#approval-status")).to_have_text(label)


def test_change_request_round_trip_ends_scheduled(page: Page, new_context) -> None:
    s = _setup(page)
    # The owner makes team members' posts need a brand owner's approval.
    page.goto(routes.SETTINGS_BRANDS)
    page.locator(f'#brand-table tr[data-brand="{s.brand_name}"]').get_by_role(
        "button", name="Edit"
    ).click()
    page.get_by_role("radio", name="Team members' posts").click()
    expect(page.locator("#approval-policy-steps .approval-step")).to_have_text(
        ["Brand owner or above"]
    )
    page.locator("#approval-policy-save").click()
    expect(page.get_by_text("Approval policy saved.")).to_be_visible()

    # The team member's draft (written through the services; the composer is its own page).
    mate_actor = _actor(s.mate_email)
    post_id = _save(mate_actor, s, "Croissants tomorrow")
    mate = new_context().new_page()
    mate.goto(routes.LOGIN)
    log_in(mate, email=s.mate_email)
    expect(mate.locator("#page-heading")).to_have_text("Dashboard")
    mate.goto(routes.post_path(post_id))
    _status(mate, "draft")
    mate.locator("#approval-submit").click()
    _status(mate, "in review")
    expect(mate.locator("#approval-step")).to_contain_text("Brand owner or above")

    # The owner hears of it on the bell and in their queue, and asks for a change.
    page.goto(routes.DASHBOARD)
    expect(page.locator(f'#review-queue tr[data-post="{post_id}"]')).to_contain_text("Tim Member")
    expect(page.locator("#bell-count")).to_have_text("1")
    page.locator("#notification-bell").click()
    page.locator(".notification").first.click()
    expect(page).to_have_url(url_path(routes.post_path(post_id)))
    expect(page.locator("#bell-count")).to_have_count(0)
    page.locator("#request-changes").click()
    expect(page.locator("#decision-comment-error")).to_have_text("Write what should change.")
    page.locator("#decision-comment").fill("Please add the price.")
    page.locator("#request-changes").click()
    _status(page, "changes requested")

    # The member reads why, edits and sends it again.
    mate.reload()
    _status(mate, "changes requested")
    expect(mate.locator('#approval-history tr[data-decision="changes_requested"]')).to_contain_text(
        "Please add the price."
    )
    _save(mate_actor, s, "Croissants tomorrow, 2 € each", post_id=post_id)
    mate.reload()
    _status(mate, "draft")
    mate.locator("#approval-submit").click()
    _status(mate, "in review")

    # The owner approves: the post is scheduled for the time the member intended.
    page.reload()
    expect(page.locator("#post-text")).to_have_text("Croissants tomorrow, 2 € each")
    page.locator("#approve-post").click()
    _status(page, "scheduled")
    expect(page.locator("#post-status")).to_have_text("scheduled")
    expect(page.locator("#targets .scheduled").first).to_contain_text(
        f"{_intended():%Y-%m-%d %H:%M} {TZ}"
    )
    expect(page.locator("#approval-history tbody tr")).to_have_count(4)


def test_a_client_approves_through_a_review_link_without_an_account(
    page: Page, new_context
) -> None:
    s = _setup(page)
    with session_scope() as session:
        set_policy(
            session,
            actor=s.owner,
            brand_id=s.brand_id,
            required_for="everyone",
            steps=["brand_owner"],
        )
    post_id = _save(s.owner, s, "Our new sourdough")
    with session_scope() as session:
        approvals.submit_for_review(session, actor=s.owner, post_id=post_id)

    page.goto(routes.post_path(post_id))
    page.locator("#review-link-reviewer_name").fill("Clara at the client")
    page.locator("#review-link-submit").click()
    link = page.locator("#review-link")
    expect(link).to_have_value(re.compile(r"^https?://[^/]+/review/[\w-]{30,}$"))
    url = link.input_value()
    expect(page.locator('#review-links tr[data-link="Clara at the client"]')).to_contain_text(
        "active"
    )

    client = new_context().new_page()
    client.goto(url)
    expect(client.locator("#review-text")).to_have_text("Our new sourdough")
    expect(client.locator("#review-time")).to_contain_text(f"{_intended():%Y-%m-%d %H:%M} {TZ}")
    expect(client.locator("#review-variants .variant")).to_have_count(1)
    client.locator("#review-approve").click()
    expect(client.locator("#review-name-error")).to_have_text("Enter your name.")
    client.locator("#review-name").fill("Clara")
    client.locator("#review-comment").fill("Lovely")
    client.locator("#review-approve").click()
    expect(client.locator("#review-outcome")).to_contain_text("Approved and scheduled")
    expect(client.locator("#review-status")).to_have_text("scheduled")

    page.reload()
    _status(page, "scheduled")
    expect(page.locator('#approval-history tr[data-decision="approved"]')).to_contain_text(
        "Clara (review link)"
    )
    page.locator('#review-links tr[data-link="Clara at the client"]').get_by_role(
        "button", name="Revoke"
    ).click()
    expect(page.locator('#review-links tr[data-link="Clara at the client"]')).to_contain_text(
        "revoked"
    )
    client.reload()
    expect(client.locator("#review-problem")).to_contain_text("not valid")
    expect(client.locator("#review-text")).to_have_count(0)
