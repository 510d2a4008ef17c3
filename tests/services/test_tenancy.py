"""A member of organization A can neither read nor change anything of organization B.

Every service function that takes an ``actor`` is listed in ``CROSS_TENANT_CALLS``; a
guard test fails when a new one appears without a cross-tenant case here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

import socialmuse.services as services_pkg
from socialmuse.models import (
    AuditEvent,
    Brand,
    Invitation,
    Membership,
    Organization,
    Post,
    PostTarget,
    ReviewLink,
    SocialAccount,
    utcnow,
)
from socialmuse.models.enums import Platform, Role
from socialmuse.platforms.base import ConnectedAccount, MediaFile
from socialmuse.services import (
    accounts,
    ai_config,
    analytics,
    approval_policy,
    approvals,
    audit,
    brands,
    competitors,
    csv_export,
    csv_import,
    demo_calendar,
    guardrails,
    media,
    media_library,
    milestones,
    notifications,
    oauth_choices,
    oauth_connect,
    organizations,
    post_editing,
    posts,
    tags,
    team,
)
from socialmuse.services.ai import assistant
from socialmuse.services.errors import NotFound, PermissionDenied
from socialmuse.services.permissions import Action
from tests.factories import Person, brand, owner, teammate
from tests.services import tenancy_calendar


@dataclass
class World:
    a: Person
    b: Person
    b_brand: int
    b_membership: int
    b_invitation: int
    b_account: int
    b_post: int
    b_target: int


@pytest.fixture()
def world(session: Session) -> World:
    a = owner(session, org="A")
    b = owner(session, org="B")
    b_brand = brand(session, b, "B brand")
    b_mate = teammate(session, b, role=Role.TEAM_MEMBER)
    invitation = team.create_invitation(
        session, actor=b.actor, email="pending@example.com", role=Role.TEAM_MEMBER
    )
    account = accounts.connect_sandbox(session, actor=b.actor, brand_id=b_brand, handle="bee")
    post = posts.create_post(
        session,
        actor=b.actor,
        brand_id=b_brand,
        account_ids=[account.id],
        text="B's secret plan",
        now=True,
    )
    session.commit()
    membership = session.exec(
        select(Membership).where(Membership.user_id == b_mate.actor.user_id)
    ).one()
    return World(
        a=a,
        b=b,
        b_brand=b_brand,
        b_membership=membership.id or 0,
        b_invitation=invitation.invitation.id,
        b_account=account.id,
        b_post=post.id,
        b_target=post.targets[0].id,
    )


Call = Callable[[Session, World], Any]


def _b_csv(w: World) -> str:
    """A CSV that would schedule a post on B's account."""
    return ",".join(csv_import.HEADER) + f"\n2030-05-01,09:30,{w.b_account},Hijack,,,,\n"


def _b_pending(w: World) -> str:
    """Choices B's owner was offered after a Facebook sign-in (a sealed token)."""
    offered = [oauth_choices.Choice(id="page-2", name="Page 2", kind="page", handle="")]
    return oauth_choices.seal_pending(w.b.actor, w.b_brand, Platform.FACEBOOK, w.b_account, offered)


def _b_review_link(session: Session, w: World) -> int:
    """A live review link for B's post, stored directly (no audit event of its own)."""
    link = ReviewLink(
        organization_id=w.b.actor.organization_id,
        post_id=w.b_post,
        token_hash="b" * 64,
        reviewer_name="B's client",
        expires_at=utcnow() + timedelta(days=1),
    )
    session.add(link)
    session.commit()
    return link.id or 0


CROSS_TENANT_CALLS: dict[str, Call] = {
    "brands.get_brand": lambda s, w: brands.get_brand(s, actor=w.a.actor, brand_id=w.b_brand),
    "brands.load_brand": lambda s, w: brands.load_brand(
        s, actor=w.a.actor, brand_id=w.b_brand, action=brands.Action.BRAND_VIEW
    ),
    "brands.update_brand": lambda s, w: brands.update_brand(
        s, actor=w.a.actor, brand_id=w.b_brand, name="Hacked", timezone="UTC", voice=""
    ),
    "brands.archive_brand": lambda s, w: brands.archive_brand(
        s, actor=w.a.actor, brand_id=w.b_brand
    ),
    "brands.restore_brand": lambda s, w: brands.restore_brand(
        s, actor=w.a.actor, brand_id=w.b_brand
    ),
    "team.change_member": lambda s, w: team.change_member(
        s, actor=w.a.actor, membership_id=w.b_membership, role=Role.ADMIN
    ),
    "team.remove_member": lambda s, w: team.remove_member(
        s, actor=w.a.actor, membership_id=w.b_membership
    ),
    "team.revoke_invitation": lambda s, w: team.revoke_invitation(
        s, actor=w.a.actor, invitation_id=w.b_invitation
    ),
    "accounts.connect_sandbox": lambda s, w: accounts.connect_sandbox(
        s, actor=w.a.actor, brand_id=w.b_brand, handle="intruder"
    ),
    "accounts.store_connection": lambda s, w: accounts.store_connection(
        s,
        actor=w.a.actor,
        brand_id=w.b_brand,
        platform=Platform.SANDBOX,
        connected=ConnectedAccount(external_id="x", handle="x", display_name="x", credentials={}),
    ),
    "accounts.connect_mastodon": lambda s, w: accounts.connect_mastodon(
        s, actor=w.a.actor, brand_id=w.b_brand, instance_url="http://127.0.0.1:1", access_token="t"
    ),
    "accounts.connect_bluesky": lambda s, w: accounts.connect_bluesky(
        s,
        actor=w.a.actor,
        brand_id=w.b_brand,
        service_url="http://127.0.0.1:1",
        handle="h",
        app_password="p",
    ),
    "oauth_connect.start": lambda s, w: oauth_connect.start(
        s, actor=w.a.actor, brand_id=w.b_brand, platform="mastodon", browser_nonce="n" * 20
    ),
    "oauth_choices.pending_choices": lambda s, w: oauth_choices.pending_choices(
        s, actor=w.a.actor, pending_token=_b_pending(w)
    ),
    "oauth_choices.connect_choice": lambda s, w: oauth_choices.connect_choice(
        s, actor=w.a.actor, pending_token=_b_pending(w), choice_id="page-2"
    ),
    "accounts.load_account": lambda s, w: accounts.load_account(
        s, actor=w.a.actor, account_id=w.b_account, action=Action.POST_CREATE
    ),
    "accounts.list_accounts": lambda s, w: accounts.list_accounts(
        s, actor=w.a.actor, brand_id=w.b_brand
    ),
    "accounts.disconnect": lambda s, w: accounts.disconnect(
        s, actor=w.a.actor, account_id=w.b_account
    ),
    "posts.create_post": lambda s, w: posts.create_post(
        s, actor=w.a.actor, brand_id=w.b_brand, account_ids=[w.b_account], text="x", now=True
    ),
    "media.store_file": lambda s, w: media.store_file(
        s,
        actor=w.a.actor,
        brand_id=w.b_brand,
        file=MediaFile(path=Path(__file__), content_type="image/png", size_bytes=1),
    ),
    "posts.get_post": lambda s, w: posts.get_post(s, actor=w.a.actor, post_id=w.b_post),
    "posts.list_posts": lambda s, w: posts.list_posts(s, actor=w.a.actor, brand_id=w.b_brand),
    "posts.retry_target": lambda s, w: posts.retry_target(s, actor=w.a.actor, target_id=w.b_target),
    "guardrails.get_guardrails": lambda s, w: guardrails.get_guardrails(
        s, actor=w.a.actor, brand_id=w.b_brand
    ),
    "guardrails.update_guardrails": lambda s, w: guardrails.update_guardrails(
        s,
        actor=w.a.actor,
        brand_id=w.b_brand,
        banned_words=["x"],
        banned_claims=[],
        required_disclosure="",
    ),
    "assistant.draft_posts": lambda s, w: assistant.draft_posts(
        s, actor=w.a.actor, brand_id=w.b_brand, brief="x", networks=["x"]
    ),
    "assistant.stream_draft": lambda s, w: assistant.stream_draft(
        s, actor=w.a.actor, brand_id=w.b_brand, brief="x", networks=["x"]
    ),
    "assistant.rewrite_for_network": lambda s, w: assistant.rewrite_for_network(
        s, actor=w.a.actor, brand_id=w.b_brand, text="x", platform="x"
    ),
    "assistant.suggest_hashtags": lambda s, w: assistant.suggest_hashtags(
        s, actor=w.a.actor, brand_id=w.b_brand, text="x"
    ),
    "assistant.video_script": lambda s, w: assistant.video_script(
        s, actor=w.a.actor, brand_id=w.b_brand, brief="x"
    ),
    "assistant.generate_image": lambda s, w: assistant.generate_image(
        s, actor=w.a.actor, brand_id=w.b_brand, prompt="x"
    ),
    "assistant.voice_over": lambda s, w: assistant.voice_over(
        s, actor=w.a.actor, brand_id=w.b_brand, text="x"
    ),
    "assistant.talking_head": lambda s, w: assistant.talking_head(
        s, actor=w.a.actor, brand_id=w.b_brand, script="x", image_url="https://x.test/a.jpg"
    ),
    "post_editing.load_post": lambda s, w: post_editing.load_post(
        s, actor=w.a.actor, post_id=w.b_post, action=Action.BRAND_VIEW
    ),
    "post_editing.save_post": lambda s, w: post_editing.save_post(
        s,
        actor=w.a.actor,
        draft=post_editing.PostDraft(brand_id=w.b_brand, text="x", account_ids=[w.b_account]),
    ),
    "post_editing.save_post(existing)": lambda s, w: post_editing.save_post(
        s,
        actor=w.a.actor,
        post_id=w.b_post,
        draft=post_editing.PostDraft(brand_id=w.b_brand, text="x"),
    ),
    "post_editing.schedule_post": lambda s, w: post_editing.schedule_post(
        s, actor=w.a.actor, post_id=w.b_post, now=True
    ),
    "post_editing.publish_now": lambda s, w: post_editing.publish_now(
        s, actor=w.a.actor, post_id=w.b_post
    ),
    "post_editing.unschedule_post": lambda s, w: post_editing.unschedule_post(
        s, actor=w.a.actor, post_id=w.b_post
    ),
    "approval_policy.get_policy": lambda s, w: approval_policy.get_policy(
        s, actor=w.a.actor, brand_id=w.b_brand
    ),
    "approval_policy.set_policy": lambda s, w: approval_policy.set_policy(
        s, actor=w.a.actor, brand_id=w.b_brand, required_for="nobody", steps=[]
    ),
    "approvals.submit_for_review": lambda s, w: approvals.submit_for_review(
        s, actor=w.a.actor, post_id=w.b_post
    ),
    "approvals.approve": lambda s, w: approvals.approve(s, actor=w.a.actor, post_id=w.b_post),
    "approvals.request_changes": lambda s, w: approvals.request_changes(
        s, actor=w.a.actor, post_id=w.b_post, comment="x"
    ),
    "approvals.approval_state": lambda s, w: approvals.approval_state(
        s, actor=w.a.actor, post_id=w.b_post
    ),
    "approvals.add_comment": lambda s, w: approvals.add_comment(
        s, actor=w.a.actor, post_id=w.b_post, body="x"
    ),
    "approvals.list_comments": lambda s, w: approvals.list_comments(
        s, actor=w.a.actor, post_id=w.b_post
    ),
    "approvals.review_history": lambda s, w: approvals.review_history(
        s, actor=w.a.actor, post_id=w.b_post
    ),
    "approvals.create_review_link": lambda s, w: approvals.create_review_link(
        s, actor=w.a.actor, post_id=w.b_post, reviewer_name="x"
    ),
    "approvals.list_review_links": lambda s, w: approvals.list_review_links(
        s, actor=w.a.actor, post_id=w.b_post
    ),
    "approvals.revoke_review_link": lambda s, w: approvals.revoke_review_link(
        s, actor=w.a.actor, link_id=_b_review_link(s, w)
    ),
    "post_editing.check_publishable": lambda s, w: post_editing.check_publishable(
        s, actor=w.a.actor, post=s.get(Post, w.b_post), brand=s.get(Brand, w.b_brand)
    ),
    "csv_import.preview_import": lambda s, w: csv_import.preview_import(
        s, actor=w.a.actor, brand_id=w.b_brand, data=_b_csv(w)
    ),
    "csv_import.run_import": lambda s, w: csv_import.run_import(
        s, actor=w.a.actor, brand_id=w.b_brand, data=_b_csv(w)
    ),
    "csv_export.list_brand_posts": lambda s, w: csv_export.list_brand_posts(
        s, actor=w.a.actor, brand_id=w.b_brand
    ),
    "csv_export.export_posts_csv": lambda s, w: csv_export.export_posts_csv(
        s, actor=w.a.actor, brand_id=w.b_brand
    ),
    "demo_calendar.seed_demo_calendar": lambda s, w: demo_calendar.seed_demo_calendar(
        s, actor=w.a.actor, brand_ids=[w.b_brand]
    ),
}


def _b_asset(s: Session, w: World) -> int:
    """A picture in B's library (stored directly: no audit event, so counts stay put)."""
    from tests.services.media_helpers import png

    asset = media.new_asset(
        organization_id=w.b.actor.organization_id,
        brand_id=w.b_brand,
        user_id=w.b.actor.user_id,
        filename="b-secret.png",
        data=png(),
        content_type="image/png",
        folder="B folder",
    )
    s.add(asset)
    s.flush()
    return asset.id or 0


CROSS_TENANT_CALLS |= {
    "media_library.upload": lambda s, w: media_library.upload(
        s, actor=w.a.actor, brand_id=w.b_brand, filename="x.png", data=b"\x89PNG\r\n\x1a\n"
    ),
    "media_library.get_asset": lambda s, w: media_library.get_asset(
        s, actor=w.a.actor, asset_id=_b_asset(s, w)
    ),
    "media_library.list_assets": lambda s, w: media_library.list_assets(
        s, actor=w.a.actor, brand_id=w.b_brand
    ),
    "media_library.update_asset": lambda s, w: media_library.update_asset(
        s, actor=w.a.actor, asset_id=_b_asset(s, w), alt_text="hacked"
    ),
    "media_library.move_assets": lambda s, w: media_library.move_assets(
        s, actor=w.a.actor, asset_ids=[_b_asset(s, w)], folder="mine now"
    ),
    "media_library.asset_usage": lambda s, w: media_library.asset_usage(
        s, actor=w.a.actor, asset_id=_b_asset(s, w)
    ),
    "media_library.usage_count": lambda s, w: media_library.usage_count(
        s, actor=w.a.actor, asset_id=_b_asset(s, w)
    ),
    "media_library.archive_asset": lambda s, w: media_library.archive_asset(
        s, actor=w.a.actor, asset_id=_b_asset(s, w)
    ),
    "media_library.restore_asset": lambda s, w: media_library.restore_asset(
        s, actor=w.a.actor, asset_id=_b_asset(s, w)
    ),
    "media_library.delete_asset": lambda s, w: media_library.delete_asset(
        s, actor=w.a.actor, asset_id=_b_asset(s, w)
    ),
    "media_library.list_folders": lambda s, w: media_library.list_folders(
        s, actor=w.a.actor, brand_id=w.b_brand
    ),
    "media_library.list_tags": lambda s, w: media_library.list_tags(
        s, actor=w.a.actor, brand_id=w.b_brand
    ),
    "media_library.create_folder": lambda s, w: media_library.create_folder(
        s, actor=w.a.actor, brand_id=w.b_brand, name="Intruder"
    ),
    "media_library.rename_folder": lambda s, w: media_library.rename_folder(
        s, actor=w.a.actor, brand_id=w.b_brand, name="B folder", new_name="Mine"
    ),
    "media_library.delete_folder": lambda s, w: media_library.delete_folder(
        s, actor=w.a.actor, brand_id=w.b_brand, name="B folder"
    ),
    "media_library.load_assets": lambda s, w: media_library.load_assets(
        s, actor=w.a.actor, brand_id=w.b_brand, asset_ids=[_b_asset(s, w)]
    ),
    "media_library.media_files": lambda s, w: media_library.media_files(
        s, actor=w.a.actor, brand_id=w.b_brand, asset_ids=[_b_asset(s, w)]
    ),
}


def _b_competitor(s: Session, w: World) -> int:
    """A competitor B tracks (created inside the call, rolled back with it)."""
    from socialmuse.models.metrics import Competitor

    row = Competitor(
        organization_id=w.b.actor.organization_id,
        brand_id=w.b_brand,
        platform="mastodon",
        handle="rival",
        external_id="1",
    )
    s.add(row)
    s.flush()
    return row.id or 0


_RANGE = {"start": date(2026, 1, 1), "end": date(2026, 1, 31)}


def _b_range_view(name: str) -> Call:
    """An analytics view over B's brand for one month."""

    def call(s: Session, w: World) -> Any:
        return getattr(analytics, name)(s, actor=w.a.actor, brand_id=w.b_brand, **_RANGE)

    return call


CROSS_TENANT_CALLS |= {
    f"analytics.{name}": _b_range_view(name)
    for name in (
        "summary",
        "engagement_over_time",
        "network_comparison",
        "follower_growth",
        "top_posts",
        "hashtag_performance",
        "campaign_performance",
    )
}
CROSS_TENANT_CALLS |= {
    "analytics.best_times": lambda s, w: analytics.best_times(
        s, actor=w.a.actor, account_id=w.b_account
    ),
    "analytics.upcoming_posts": lambda s, w: analytics.upcoming_posts(
        s, actor=w.a.actor, brand_id=w.b_brand
    ),
    "analytics.failing_targets": lambda s, w: analytics.failing_targets(
        s, actor=w.a.actor, brand_id=w.b_brand
    ),
    "analytics.accounts_needing_reconnection": lambda s, w: analytics.accounts_needing_reconnection(
        s, actor=w.a.actor, brand_id=w.b_brand
    ),
    "competitors.add_competitor": lambda s, w: competitors.add_competitor(
        s, actor=w.a.actor, brand_id=w.b_brand, platform="mastodon", handle="rival"
    ),
    "competitors.remove_competitor": lambda s, w: competitors.remove_competitor(
        s, actor=w.a.actor, competitor_id=_b_competitor(s, w)
    ),
    "competitors.list_competitors": lambda s, w: competitors.list_competitors(
        s, actor=w.a.actor, brand_id=w.b_brand
    ),
    "competitors.compare": lambda s, w: competitors.compare(s, actor=w.a.actor, brand_id=w.b_brand),
    "milestones.list_alerts": lambda s, w: milestones.list_alerts(
        s, actor=w.a.actor, brand_id=w.b_brand
    ),
}


def _b_schedule(s: Session, w: World) -> int:
    """A weekly report schedule of B's brand (inserted directly: no audit event of B's)."""
    from socialmuse.models import ReportSchedule, utcnow

    row = ReportSchedule(
        organization_id=w.b.actor.organization_id,
        brand_id=w.b_brand,
        frequency="weekly",
        recipients=["b-boss@example.com"],
        format="pdf",
        next_run_at=utcnow(),
    )
    s.add(row)
    s.flush()
    return row.id or 0


def _logo(tmp: str = "/tmp") -> Path:
    from PIL import Image

    path = Path(tmp) / "tenancy-logo.png"
    Image.new("RGB", (8, 8), (1, 2, 3)).save(path)
    return path


def _report_calls() -> dict[str, Call]:
    from socialmuse.services import report_schedules, reports

    schedule_form = report_schedules.ScheduleInput(recipients="a-spy@example.com")
    return {
        "reports.build_report": lambda s, w: reports.build_report(
            s, actor=w.a.actor, brand_id=w.b_brand, **_RANGE
        ),
        "reports.export": lambda s, w: reports.export(
            s, actor=w.a.actor, brand_id=w.b_brand, format="csv", **_RANGE
        ),
        "reports.filter_accounts": lambda s, w: reports.filter_accounts(
            s, actor=w.a.actor, brand_id=w.b_brand
        ),
        "reports.get_logo": lambda s, w: reports.get_logo(s, actor=w.a.actor, brand_id=w.b_brand),
        "reports.set_logo": lambda s, w: reports.set_logo(
            s, actor=w.a.actor, brand_id=w.b_brand, path=_logo()
        ),
        "reports.clear_logo": lambda s, w: reports.clear_logo(
            s, actor=w.a.actor, brand_id=w.b_brand
        ),
        "report_schedules.list_schedules": lambda s, w: report_schedules.list_schedules(
            s, actor=w.a.actor, brand_id=w.b_brand
        ),
        "report_schedules.create_schedule": lambda s, w: report_schedules.create_schedule(
            s, actor=w.a.actor, brand_id=w.b_brand, data=schedule_form
        ),
        "report_schedules.get_schedule": lambda s, w: report_schedules.get_schedule(
            s, actor=w.a.actor, schedule_id=_b_schedule(s, w)
        ),
        "report_schedules.update_schedule": lambda s, w: report_schedules.update_schedule(
            s, actor=w.a.actor, schedule_id=_b_schedule(s, w), data=schedule_form
        ),
        "report_schedules.delete_schedule": lambda s, w: report_schedules.delete_schedule(
            s, actor=w.a.actor, schedule_id=_b_schedule(s, w)
        ),
        "report_schedules.send_now": lambda s, w: report_schedules.send_now(
            s, actor=w.a.actor, schedule_id=_b_schedule(s, w)
        ),
    }


CROSS_TENANT_CALLS |= _report_calls()


# Functions that work on "the actor's own organization": called with A's real actor, their
# result must not mention anything of B (and writes must land in A).
OWN_ORG_CALLS: dict[str, Call] = {
    "brands.list_brands": lambda s, w: brands.list_brands(
        s, actor=w.a.actor, include_archived=True
    ),
    "brands.create_brand": lambda s, w: brands.create_brand(
        s, actor=w.a.actor, name="B brand", timezone="UTC"
    ),
    "team.list_members": lambda s, w: team.list_members(s, actor=w.a.actor),
    "team.list_invitations": lambda s, w: team.list_invitations(s, actor=w.a.actor),
    "team.create_invitation": lambda s, w: team.create_invitation(
        s, actor=w.a.actor, email="pending@example.com", role=Role.TEAM_MEMBER
    ),
    "organizations.get_organization": lambda s, w: organizations.get_organization(
        s, actor=w.a.actor
    ),
    "organizations.rename_organization": lambda s, w: organizations.rename_organization(
        s, actor=w.a.actor, name="A2"
    ),
    "audit.list_events": lambda s, w: audit.list_events(s, actor=w.a.actor),
    "ai_config.list_providers": lambda s, w: ai_config.list_providers(s, actor=w.a.actor),
    "ai_config.get_provider": lambda s, w: ai_config.get_provider(s, actor=w.a.actor, kind="text"),
    "ai_config.configured_kinds": lambda s, w: ai_config.configured_kinds(s, actor=w.a.actor),
    "ai_config.set_provider": lambda s, w: ai_config.set_provider(
        s, actor=w.a.actor, kind="text", base_url="http://127.0.0.1:1/v1", model="m"
    ),
    "ai_config.clear_provider": lambda s, w: ai_config.clear_provider(
        s, actor=w.a.actor, kind="text"
    ),
    "tags.list_tags": lambda s, w: tags.list_tags(s, actor=w.a.actor),
    "tags.ensure_tags": lambda s, w: tags.ensure_tags(s, actor=w.a.actor, names=["secret"]),
    "approvals.pending_reviews": lambda s, w: approvals.pending_reviews(s, actor=w.a.actor),
    "notifications.list_notifications": lambda s, w: notifications.list_notifications(
        s, actor=w.a.actor
    ),
}

# Functions taking an actor that cannot name another tenant's data by construction.
NOT_TENANT_ADDRESSABLE = {
    "organizations.create_organization",  # makes a new tenant owned by the actor
    "audit.record_for",  # writes into the actor's own organization only
    "oauth_choices.seal_pending",  # seals the actor's own ids; redeeming re-checks the brand
    "team.grantable_roles",
    "permissions.authorize",
    "permissions.can",
    "permissions.grantable_roles",
    "permissions.check_grant",
    "permissions.may_manage_member",
    # the actor's own organization's provider; test_ai_assistant checks B's stays B's
    "ai_config.load_runtime",
    "ai_config.check_connection",
    "approval_policy.needs_approval",  # a pure rule over a brand the caller already loaded
    # Counts and marks only the actor's own rows: test_notifications_stay_with_their_owner.
    "notifications.unread_count",
    "notifications.mark_read",
}

# Calendar, campaigns, posting slots and evergreen (Stage C).
CROSS_TENANT_CALLS |= tenancy_calendar.CROSS_TENANT_CALLS


def _snapshot(session: Session) -> tuple[Any, ...]:
    session.expire_all()
    return (
        [(b.id, b.name, b.timezone, b.archived_at) for b in session.exec(select(Brand)).all()],
        [(m.id, m.role) for m in session.exec(select(Membership)).all()],
        [(i.id, i.revoked_at) for i in session.exec(select(Invitation)).all()],
        [(o.id, o.name) for o in session.exec(select(Organization)).all()],
        [(a.id, a.status, a.handle) for a in session.exec(select(SocialAccount)).all()],
        [(p.id, p.status, p.text) for p in session.exec(select(Post)).all()],
        [(t.id, t.status) for t in session.exec(select(PostTarget)).all()],
    )


@pytest.mark.parametrize("name", sorted(CROSS_TENANT_CALLS))
def test_member_of_a_cannot_touch_b(session: Session, world: World, name: str) -> None:
    before = _snapshot(session)
    events_before = len(session.exec(select(AuditEvent)).all())
    with pytest.raises((NotFound, PermissionDenied)):
        CROSS_TENANT_CALLS[name](session, world)
    session.rollback()
    assert _snapshot(session) == before
    assert len(session.exec(select(AuditEvent)).all()) == events_before


@pytest.mark.parametrize("name", sorted(OWN_ORG_CALLS))
def test_own_organization_calls_never_reveal_or_change_b(
    session: Session, world: World, name: str
) -> None:
    b_org = world.b.actor.organization_id
    b_before = _snapshot(session)
    result = OWN_ORG_CALLS[name](session, world)
    session.commit()
    dumped = str(
        result.model_dump() if hasattr(result, "model_dump") else [r.model_dump() for r in result]
    )
    assert world.b.email not in dumped
    assert f"'organization_id': {b_org}" not in dumped
    b_rows_after = _snapshot(session)
    b_brands = [b for b in b_rows_after[0] if b[0] == world.b_brand]
    assert b_brands == [b for b in b_before[0] if b[0] == world.b_brand]
    assert [o for o in b_rows_after[3] if o[0] == b_org] == [
        o for o in b_before[3] if o[0] == b_org
    ]


def test_a_cannot_act_inside_b_with_its_own_login(session: Session, world: World) -> None:
    from socialmuse.services import auth

    with pytest.raises(PermissionDenied):
        auth.actor_for(session, token=world.a.token, organization_id=world.b.actor.organization_id)


def test_every_actor_taking_service_has_a_cross_tenant_case() -> None:
    found = set()
    for info in pkgutil.iter_modules(services_pkg.__path__):
        module = importlib.import_module(f"socialmuse.services.{info.name}")
        for fname, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or fname.startswith("_"):
                continue
            if "actor" in inspect.signature(fn).parameters:
                found.add(f"{info.name}.{fname}")
    missing = found - set(CROSS_TENANT_CALLS) - set(OWN_ORG_CALLS) - NOT_TENANT_ADDRESSABLE
    assert not missing, f"add cross-tenant cases for: {sorted(missing)}"


def test_audit_log_shows_only_own_organization(session: Session, world: World) -> None:
    page = audit.list_events(session, actor=world.a.actor)
    assert page.total == len(page.items) > 0
    emails = {item.actor for item in page.items}
    assert world.b.email not in emails
    assert all("B brand" not in item.target for item in page.items)
    actions = {item.action for item in page.items}
    assert {"auth.sign_in", "organization.created"} <= actions


# --- composer: snippets and short links -------------------------------------------------------
from socialmuse.services import links, snippets  # noqa: E402


def _b_snippet(s: Session, w: World) -> int:
    """A template of B's brand, inserted directly (no audit event to skew the count)."""
    from socialmuse.models import Snippet

    row = Snippet(
        organization_id=w.b.actor.organization_id,
        brand_id=w.b_brand,
        kind="template",
        name="B's template",
        body="secret",
    )
    s.add(row)
    s.flush()
    return row.id or 0


COMPOSER_CROSS_TENANT_CALLS: dict[str, Call] = {
    "snippets.create_snippet": lambda s, w: snippets.create_snippet(
        s, actor=w.a.actor, kind="template", name="x", body="x", brand_id=w.b_brand
    ),
    "snippets.update_snippet": lambda s, w: snippets.update_snippet(
        s, actor=w.a.actor, snippet_id=_b_snippet(s, w), name="x", body="x"
    ),
    "snippets.delete_snippet": lambda s, w: snippets.delete_snippet(
        s, actor=w.a.actor, snippet_id=_b_snippet(s, w)
    ),
    "snippets.list_snippets(brand)": lambda s, w: snippets.list_snippets(
        s, actor=w.a.actor, brand_id=w.b_brand
    ),
    "links.shorten": lambda s, w: links.shorten(
        s, actor=w.a.actor, brand_id=w.b_brand, url="https://a.example", utm={}
    ),
    "links.attach_to_post": lambda s, w: links.attach_to_post(
        s, actor=w.a.actor, post_id=w.b_post, texts=[]
    ),
    "links.post_clicks": lambda s, w: links.post_clicks(s, actor=w.a.actor, post_id=w.b_post),
}
COMPOSER_OWN_ORG_CALLS: dict[str, Call] = {
    "snippets.list_snippets": lambda s, w: snippets.list_snippets(s, actor=w.a.actor),
}
CROSS_TENANT_CALLS.update(COMPOSER_CROSS_TENANT_CALLS)
OWN_ORG_CALLS.update(COMPOSER_OWN_ORG_CALLS)


@pytest.mark.parametrize("name", sorted(COMPOSER_CROSS_TENANT_CALLS))
def test_composer_calls_of_a_cannot_touch_b(session: Session, world: World, name: str) -> None:
    test_member_of_a_cannot_touch_b(session, world, name)


@pytest.mark.parametrize("name", sorted(COMPOSER_OWN_ORG_CALLS))
def test_composer_own_org_calls_never_reveal_b(session: Session, world: World, name: str) -> None:
    test_own_organization_calls_never_reveal_or_change_b(session, world, name)


CROSS_TENANT_CALLS["post_editing.draft_of"] = lambda s, w: post_editing.draft_of(
    s, actor=w.a.actor, post_id=w.b_post
)


def test_draft_of_another_tenants_post_is_not_found(session: Session, world: World) -> None:
    test_member_of_a_cannot_touch_b(session, world, "post_editing.draft_of")


def _composer_media_cases() -> dict[str, Call]:
    from socialmuse.services import compose_media

    return {
        "compose_media.upload": lambda s, w: compose_media.upload(
            s, actor=w.a.actor, brand_id=w.b_brand, data=b"\x89PNG\r\n\x1a\n", filename="x.png"
        ),
        "compose_media.describe": lambda s, w: compose_media.describe(
            s, actor=w.a.actor, brand_id=w.b_brand, media_ids=[1]
        ),
        "compose_media.set_alt_text": lambda s, w: compose_media.set_alt_text(
            s, actor=w.a.actor, media_id=_b_media(s, w), alt_text="hacked"
        ),
    }


def _b_media(s: Session, w: World) -> int:
    from socialmuse.models import MediaAsset

    row = MediaAsset(
        organization_id=w.b.actor.organization_id,
        brand_id=w.b_brand,
        kind="image",
        filename="b.png",
        content_type="image/png",
        size_bytes=1,
        sha256="0" * 64,
        storage_key="b.png",
    )
    s.add(row)
    s.flush()
    return row.id or 0


COMPOSER_MEDIA_CALLS = _composer_media_cases()
CROSS_TENANT_CALLS.update(COMPOSER_MEDIA_CALLS)


@pytest.mark.parametrize("name", sorted(COMPOSER_MEDIA_CALLS))
def test_composer_media_of_b_is_out_of_reach(session: Session, world: World, name: str) -> None:
    test_member_of_a_cannot_touch_b(session, world, name)


def test_notifications_stay_with_their_owner(session: Session, world: World) -> None:
    (note,) = notifications.notify(
        session,
        organization_id=world.b.actor.organization_id,
        user_ids=[world.b.actor.user_id],
        kind="post.comment",
        title="B's secret plan was discussed",
    )
    session.commit()
    assert notifications.unread_count(session, actor=world.a.actor) == 0
    assert notifications.list_notifications(session, actor=world.a.actor) == []
    assert notifications.mark_read(session, actor=world.a.actor, notification_ids=[note.id]) == 0
    assert notifications.mark_read(session, actor=world.a.actor) == 0
    session.commit()
    assert notifications.unread_count(session, actor=world.b.actor) == 1


def test_b_in_review_is_not_in_a_review_queue(session: Session, world: World) -> None:
    draft = post_editing.save_post(
        session,
        actor=world.b.actor,
        draft=post_editing.PostDraft(
            brand_id=world.b_brand, text="B's review", account_ids=[world.b_account]
        ),
    )
    approvals.submit_for_review(session, actor=world.b.actor, post_id=draft.id)
    session.commit()
    assert approvals.pending_reviews(session, actor=world.a.actor) == []
