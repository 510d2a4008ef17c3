"""Approvals: the review round trip, who may decide, review links and who is told."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlmodel import Session, select

from socialmuse.models import AuditEvent, Brand, Notification, PostTarget, ReviewLink, utcnow
from socialmuse.models.enums import PostStatus, Role, TargetStatus
from socialmuse.services import accounts, approvals, media_library, notifications
from socialmuse.services.approval_policy import get_policy, set_policy
from socialmuse.services.errors import NotFound, PermissionDenied, ValidationError
from socialmuse.services.post_editing import PostDraft, save_post, schedule_post
from tests.factories import Person, brand, owner, teammate


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "orange").save(out, format="PNG")
    return out.getvalue()


@dataclass
class Team:
    boss: Person  # super admin, the organization's owner
    brand_id: int
    other_brand_id: int
    account_id: int
    writer: Person  # team member on the brand
    reviewer: Person  # brand owner on the brand
    admin: Person
    outsider: Person  # brand owner of the other brand only


@pytest.fixture()
def team(session: Session) -> Team:
    boss = owner(session)
    brand_id = brand(session, boss, "Bakery", tz="Europe/Paris")
    other = brand(session, boss, "Garage")
    account = accounts.connect_sandbox(session, actor=boss.actor, brand_id=brand_id, handle="bake")
    session.commit()
    return Team(
        boss=boss,
        brand_id=brand_id,
        other_brand_id=other,
        account_id=account.id,
        writer=teammate(session, boss, role=Role.TEAM_MEMBER, brand_ids=(brand_id,)),
        reviewer=teammate(session, boss, role=Role.BRAND_OWNER, brand_ids=(brand_id,)),
        admin=teammate(session, boss, role=Role.ADMIN),
        outsider=teammate(session, boss, role=Role.BRAND_OWNER, brand_ids=(other,)),
    )


def _policy(session: Session, t: Team, required_for: str, steps: list[str]) -> None:
    set_policy(
        session, actor=t.boss.actor, brand_id=t.brand_id, required_for=required_for, steps=steps
    )
    session.commit()


def _intended(days: int = 3) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(second=0, microsecond=0)


def _draft(session: Session, t: Team, person: Person, text: str = "Fresh bread") -> int:
    at = _intended().astimezone(UTC).strftime("%Y-%m-%dT%H:%M+00:00")
    saved = save_post(
        session,
        actor=person.actor,
        draft=PostDraft(brand_id=t.brand_id, text=text, account_ids=[t.account_id], at=at),
    )
    session.commit()
    return saved.id


def _told(session: Session, post_id: int, kind: str) -> set[int]:
    rows = session.exec(select(Notification).where(Notification.kind == kind)).all()
    return {n.user_id for n in rows if n.link == f"/posts/{post_id}"}


def test_two_step_round_trip_ends_scheduled_at_the_intended_time(
    session: Session, team: Team
) -> None:
    t = team
    _policy(session, t, "team_members", ["brand_owner", "admin"])
    post_id = _draft(session, t, t.writer)
    with pytest.raises(ValidationError, match="need approval"):
        schedule_post(session, actor=t.writer.actor, post_id=post_id)

    state = approvals.submit_for_review(session, actor=t.writer.actor, post_id=post_id, note="ok?")
    session.commit()
    assert (state.status, state.step, state.steps) == (
        PostStatus.IN_REVIEW,
        0,
        ["Brand owner or above", "Admin or above"],
    )
    step_one = {t.reviewer.actor.user_id, t.admin.actor.user_id, t.boss.actor.user_id}
    assert _told(session, post_id, "approval.requested") == step_one

    with pytest.raises(PermissionDenied):
        approvals.approve(session, actor=t.writer.actor, post_id=post_id)
    state = approvals.approve(session, actor=t.reviewer.actor, post_id=post_id, comment="fine")
    session.commit()
    assert (state.status, state.step) == (PostStatus.IN_REVIEW, 1)
    assert "Step 1 of 2 approved" in state.outcome
    # Step two is for admins: the brand owner can no longer decide, and is not asked.
    with pytest.raises(PermissionDenied, match="Admin or above"):
        approvals.approve(session, actor=t.reviewer.actor, post_id=post_id)
    assert approvals.pending_reviews(session, actor=t.reviewer.actor) == []
    assert [p.post_id for p in approvals.pending_reviews(session, actor=t.admin.actor)] == [post_id]

    state = approvals.approve(session, actor=t.admin.actor, post_id=post_id)
    session.commit()
    assert state.status == PostStatus.SCHEDULED
    assert state.outcome == "Approved and scheduled for its intended time."
    targets = session.exec(select(PostTarget).where(PostTarget.post_id == post_id)).all()
    assert {(x.status, x.scheduled_at) for x in targets} == {(TargetStatus.SCHEDULED, _intended())}
    assert _told(session, post_id, "approval.approved") == {t.writer.actor.user_id}
    assert _told(session, post_id, "approval.step_approved") == {t.writer.actor.user_id}
    history = approvals.review_history(session, actor=t.writer.actor, post_id=post_id)
    assert [(h.decision, h.step, h.comment) for h in history] == [
        ("submitted", 1, "ok?"),
        ("approved", 1, "fine"),
        ("approved", 2, ""),
    ]


def test_changes_requested_then_edited_resubmitted_and_approved(
    session: Session, team: Team
) -> None:
    t = team
    _policy(session, t, "team_members", ["brand_owner"])
    post_id = _draft(session, t, t.writer, "Fresh bred")
    approvals.submit_for_review(session, actor=t.writer.actor, post_id=post_id)
    with pytest.raises(ValidationError) as refused:
        approvals.request_changes(session, actor=t.reviewer.actor, post_id=post_id, comment=" ")
    assert refused.value.field == "comment"
    state = approvals.request_changes(
        session, actor=t.reviewer.actor, post_id=post_id, comment="Typo: bread"
    )
    session.commit()
    assert state.status == PostStatus.CHANGES_REQUESTED
    assert _told(session, post_id, "approval.changes_requested") == {t.writer.actor.user_id}
    with pytest.raises(ValidationError):
        approvals.approve(session, actor=t.reviewer.actor, post_id=post_id)

    at = _intended().strftime("%Y-%m-%dT%H:%M+00:00")
    save_post(
        session,
        actor=t.writer.actor,
        post_id=post_id,
        draft=PostDraft(brand_id=t.brand_id, text="Fresh bread", account_ids=[t.account_id], at=at),
    )
    approvals.submit_for_review(session, actor=t.writer.actor, post_id=post_id)
    state = approvals.approve(session, actor=t.boss.actor, post_id=post_id)
    session.commit()
    assert state.status == PostStatus.SCHEDULED
    history = approvals.review_history(session, actor=t.boss.actor, post_id=post_id)
    assert [h.decision for h in history] == [
        "submitted",
        "changes_requested",
        "submitted",
        "approved",
    ]
    assert history[1].comment == "Typo: bread"


def test_editing_a_post_in_review_returns_it_to_draft_and_keeps_its_history(
    session: Session, team: Team
) -> None:
    t = team
    _policy(session, t, "everyone", ["brand_owner", "admin"])
    post_id = _draft(session, t, t.writer)
    approvals.submit_for_review(session, actor=t.writer.actor, post_id=post_id)
    approvals.approve(session, actor=t.reviewer.actor, post_id=post_id)
    approvals.add_comment(session, actor=t.reviewer.actor, post_id=post_id, body="Nice photo")
    save_post(
        session,
        actor=t.writer.actor,
        post_id=post_id,
        draft=PostDraft(brand_id=t.brand_id, text="Edited", account_ids=[t.account_id]),
    )
    session.commit()
    state = approvals.approval_state(session, actor=t.writer.actor, post_id=post_id)
    assert (state.status, state.may_submit) == (PostStatus.DRAFT, True)
    assert len(approvals.review_history(session, actor=t.writer.actor, post_id=post_id)) == 2
    assert [c.body for c in approvals.list_comments(session, actor=t.writer.actor, post_id=post_id)]
    # A new round starts from the first step again.
    assert approvals.submit_for_review(session, actor=t.writer.actor, post_id=post_id).step == 0


def test_an_author_cannot_approve_their_own_post_unless_nobody_else_can(
    session: Session, team: Team
) -> None:
    t = team
    _policy(session, t, "everyone", ["brand_owner"])
    post_id = _draft(session, t, t.reviewer)
    approvals.submit_for_review(session, actor=t.reviewer.actor, post_id=post_id)
    assert t.reviewer.actor.user_id not in _told(session, post_id, "approval.requested")
    state = approvals.approval_state(session, actor=t.reviewer.actor, post_id=post_id)
    assert not state.may_approve and "another approver" in state.why_not_approve
    with pytest.raises(PermissionDenied, match="You wrote this post"):
        approvals.approve(session, actor=t.reviewer.actor, post_id=post_id)
    assert approvals.pending_reviews(session, actor=t.reviewer.actor) == []

    # Alone in an organization, the owner is the only possible approver: their approval counts.
    solo = owner(session, org="Solo")
    solo_brand = brand(session, solo, "Solo brand")
    account = accounts.connect_sandbox(session, actor=solo.actor, brand_id=solo_brand, handle="s")
    set_policy(
        session, actor=solo.actor, brand_id=solo_brand, required_for="everyone", steps=["admin"]
    )
    saved = save_post(
        session,
        actor=solo.actor,
        draft=PostDraft(brand_id=solo_brand, text="Hello", account_ids=[account.id]),
    )
    approvals.submit_for_review(session, actor=solo.actor, post_id=saved.id)
    state = approvals.approve(session, actor=solo.actor, post_id=saved.id)
    assert state.status == PostStatus.APPROVED  # no intended time: waits for someone to schedule
    assert state.outcome == "Approved; it is ready to be scheduled."
    assert schedule_post(session, actor=solo.actor, post_id=saved.id, now=True).status == (
        PostStatus.SCHEDULED
    )


def test_one_person_cannot_approve_two_steps_when_someone_else_can(
    session: Session, team: Team
) -> None:
    t = team
    _policy(session, t, "everyone", ["brand_owner", "brand_owner"])
    post_id = _draft(session, t, t.writer)
    approvals.submit_for_review(session, actor=t.writer.actor, post_id=post_id)
    approvals.approve(session, actor=t.admin.actor, post_id=post_id)
    with pytest.raises(PermissionDenied, match="earlier step"):
        approvals.approve(session, actor=t.admin.actor, post_id=post_id)
    assert approvals.approve(session, actor=t.reviewer.actor, post_id=post_id).status == (
        PostStatus.SCHEDULED
    )


def test_approvers_outside_the_brand_scope_are_neither_told_nor_allowed(
    session: Session, team: Team
) -> None:
    t = team
    _policy(session, t, "team_members", ["brand_owner"])
    post_id = _draft(session, t, t.writer)
    approvals.submit_for_review(session, actor=t.writer.actor, post_id=post_id)
    session.commit()
    assert t.outsider.actor.user_id not in _told(session, post_id, "approval.requested")
    assert notifications.unread_count(session, actor=t.outsider.actor) == 0
    with pytest.raises(NotFound):
        approvals.approve(session, actor=t.outsider.actor, post_id=post_id)
    with pytest.raises(NotFound):
        approvals.request_changes(session, actor=t.outsider.actor, post_id=post_id, comment="x")
    assert approvals.pending_reviews(session, actor=t.outsider.actor) == []
    assert approvals.pending_reviews(session, actor=t.writer.actor) == []


def test_submitting_runs_the_scheduling_checks(session: Session, team: Team) -> None:
    t = team
    post_id = _draft(session, t, t.writer, "x" * 1500)  # over the Sandbox's 1,000 characters
    with pytest.raises(ValidationError, match="Sandbox"):
        approvals.submit_for_review(session, actor=t.writer.actor, post_id=post_id)
    empty = save_post(session, actor=t.writer.actor, draft=PostDraft(brand_id=t.brand_id, text="a"))
    with pytest.raises(ValidationError, match="at least one account"):
        approvals.submit_for_review(session, actor=t.writer.actor, post_id=empty.id)
    session.rollback()
    assert approvals.approval_state(session, actor=t.writer.actor, post_id=post_id).status == (
        PostStatus.DRAFT
    )


def test_comments_tell_the_author_and_the_discussion(session: Session, team: Team) -> None:
    t = team
    post_id = _draft(session, t, t.writer)
    approvals.add_comment(session, actor=t.reviewer.actor, post_id=post_id, body="Love it")
    approvals.add_comment(session, actor=t.writer.actor, post_id=post_id, body="Thanks!")
    session.commit()
    told = session.exec(select(Notification).where(Notification.kind == "post.comment")).all()
    assert sorted(n.user_id for n in told) == sorted(
        [t.writer.actor.user_id, t.reviewer.actor.user_id]
    )
    thread = approvals.list_comments(session, actor=t.boss.actor, post_id=post_id)
    assert [(c.author, c.body) for c in thread] == [
        (t.reviewer.actor.name, "Love it"),
        (t.writer.actor.name, "Thanks!"),
    ]
    with pytest.raises(ValidationError):
        approvals.add_comment(session, actor=t.writer.actor, post_id=post_id, body="  ")


def test_notifications_are_private_and_can_be_marked_read(session: Session, team: Team) -> None:
    t = team
    _policy(session, t, "team_members", ["brand_owner"])
    post_id = _draft(session, t, t.writer)
    approvals.submit_for_review(session, actor=t.writer.actor, post_id=post_id)
    session.commit()
    mine = notifications.list_notifications(session, actor=t.reviewer.actor)
    assert [(n.kind, n.link, n.read) for n in mine] == [
        ("approval.requested", f"/posts/{post_id}", False)
    ]
    assert notifications.unread_count(session, actor=t.reviewer.actor) == 1
    # Someone else's notification id is ignored.
    boss_note = notifications.list_notifications(session, actor=t.boss.actor)[0]
    assert (
        notifications.mark_read(session, actor=t.reviewer.actor, notification_ids=[boss_note.id])
        == 0
    )
    assert (
        notifications.mark_read(session, actor=t.reviewer.actor, notification_ids=[mine[0].id]) == 1
    )
    assert notifications.unread_count(session, actor=t.reviewer.actor) == 0
    assert notifications.list_notifications(session, actor=t.reviewer.actor, unread_only=True) == []
    assert notifications.unread_count(session, actor=t.boss.actor) == 1
    assert notifications.mark_read(session, actor=t.boss.actor) == 1


def test_policy_settings_are_for_brand_managers_and_audited(session: Session, team: Team) -> None:
    t = team
    with pytest.raises(PermissionDenied):
        set_policy(
            session, actor=t.writer.actor, brand_id=t.brand_id, required_for="nobody", steps=[]
        )
    with pytest.raises(NotFound):
        set_policy(
            session,
            actor=t.outsider.actor,
            brand_id=t.brand_id,
            required_for="nobody",
            steps=[],
        )
    with pytest.raises(ValidationError) as bad:
        set_policy(
            session,
            actor=t.reviewer.actor,
            brand_id=t.brand_id,
            required_for="everyone",
            steps=["team_member"],
        )
    assert bad.value.field == "steps"
    set_policy(
        session,
        actor=t.reviewer.actor,
        brand_id=t.brand_id,
        required_for="everyone",
        steps=["brand_owner", "agency_manager"],
    )
    session.commit()
    policy = get_policy(session, actor=t.writer.actor, brand_id=t.brand_id)
    assert (policy.required_for, [str(s) for s in policy.steps]) == (
        "everyone",
        ["brand_owner", "agency_manager"],
    )
    events = session.exec(
        select(AuditEvent).where(AuditEvent.action == "brand.approval_policy_updated")
    ).all()
    assert [e.details["steps"] for e in events] == [["brand_owner", "agency_manager"]]


# --- review links ------------------------------------------------------------------------------


def _link(session: Session, t: Team, post_id: int, days: int = 7) -> str:
    url, link = approvals.create_review_link(
        session,
        actor=t.reviewer.actor,
        post_id=post_id,
        reviewer_name="Clara Client",
        expires_in_days=days,
    )
    session.commit()
    assert link.state == "active"
    return url.rsplit("/review/", 1)[1]


def test_a_client_approves_through_a_review_link(session: Session, team: Team) -> None:
    t = team
    _policy(session, t, "team_members", ["brand_owner"])
    post_id = _draft(session, t, t.writer)
    approvals.submit_for_review(session, actor=t.writer.actor, post_id=post_id)
    token = _link(session, t, post_id)
    stored = session.exec(select(ReviewLink)).one()
    assert token not in stored.token_hash  # only the hash is kept

    view = approvals.open_review(session, token=token)
    assert (view.text, view.timezone, view.can_decide) == ("Fresh bread", "Europe/Paris", True)
    assert [(v.network, v.handle) for v in view.variants] == [("Sandbox", "bake")]
    with pytest.raises(ValidationError) as nameless:
        approvals.review_by_link(session, token=token, decision="approve", name=" ")
    assert nameless.value.field == "name"
    with pytest.raises(ValidationError) as silent:
        approvals.review_by_link(session, token=token, decision="changes_requested", name="Clara")
    assert silent.value.field == "comment"

    view = approvals.comment_by_link(session, token=token, name="Clara", body="Looks tasty")
    assert [(c.author, c.via_link) for c in view.comments] == [("Clara (review link)", True)]
    view = approvals.review_by_link(
        session, token=token, decision="approve", name="Clara", comment="Go"
    )
    session.commit()
    assert view.status == PostStatus.SCHEDULED and not view.can_decide
    history = approvals.review_history(session, actor=t.boss.actor, post_id=post_id)
    assert (history[-1].who, history[-1].via_link, history[-1].comment) == (
        "Clara (review link)",
        True,
        "Go",
    )
    event = session.exec(
        select(AuditEvent).where(
            AuditEvent.action == "post.approved", AuditEvent.target_id == post_id
        )
    ).one()
    assert event.details["reviewer_name"] == "Clara"
    assert event.details["review_link_id"] == stored.id
    assert _told(session, post_id, "approval.approved") == {t.writer.actor.user_id}
    with pytest.raises(ValidationError, match="not waiting"):
        approvals.review_by_link(session, token=token, decision="approve", name="Clara")


def test_expired_revoked_and_tampered_links_are_refused_alike(session: Session, team: Team) -> None:
    t = team
    post_id = _draft(session, t, t.writer)
    approvals.submit_for_review(session, actor=t.writer.actor, post_id=post_id)
    token = _link(session, t, post_id)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (tampered, "", "not-a-token"):
        with pytest.raises(NotFound, match="not valid"):
            approvals.open_review(session, token=bad)

    old = _link(session, t, post_id)
    link = session.exec(select(ReviewLink).order_by(ReviewLink.id.desc())).first()  # type: ignore[union-attr]
    assert link is not None
    link.expires_at = utcnow() - timedelta(minutes=1)
    session.add(link)
    session.commit()
    with pytest.raises(NotFound, match="not valid"):
        approvals.review_by_link(session, token=old, decision="approve", name="Clara")
    links = approvals.list_review_links(session, actor=t.reviewer.actor, post_id=post_id)
    assert [x.state for x in links] == ["expired", "active"]

    approvals.revoke_review_link(session, actor=t.reviewer.actor, link_id=links[1].id)
    session.commit()
    with pytest.raises(NotFound, match="not valid"):
        approvals.open_review(session, token=token)
    with pytest.raises(NotFound):
        approvals.comment_by_link(session, token=token, name="Clara", body="hi")
    assert approvals.review_history(session, actor=t.boss.actor, post_id=post_id)[-1].decision == (
        "submitted"
    )
    with pytest.raises(PermissionDenied):
        approvals.create_review_link(
            session, actor=t.writer.actor, post_id=post_id, reviewer_name="Clara"
        )
    with pytest.raises(ValidationError) as too_long:
        approvals.create_review_link(
            session, actor=t.boss.actor, post_id=post_id, reviewer_name="C", expires_in_days=90
        )
    assert too_long.value.field == "expires_in_days"


def test_a_link_opens_its_own_post_only(session: Session, team: Team) -> None:
    t = team
    mine = _draft(session, t, t.writer, "Post one")
    other = _draft(session, t, t.writer, "Post two")
    for post_id in (mine, other):
        approvals.submit_for_review(session, actor=t.writer.actor, post_id=post_id)
    approvals.add_comment(session, actor=t.boss.actor, post_id=other, body="Secret remark")
    token = _link(session, t, mine)
    view = approvals.open_review(session, token=token)
    dumped = str(view.model_dump())
    assert view.post_id == mine and "Post two" not in dumped and "Secret remark" not in dumped
    approvals.review_by_link(
        session, token=token, decision="changes_requested", name="C", comment="no"
    )
    session.commit()
    assert approvals.approval_state(session, actor=t.boss.actor, post_id=other).status == (
        PostStatus.IN_REVIEW
    )
    assert approvals.approval_state(session, actor=t.boss.actor, post_id=mine).status == (
        PostStatus.CHANGES_REQUESTED
    )


def test_a_guardrail_added_after_saving_blocks_the_submission(session: Session, team: Team) -> None:
    t = team
    post_id = _draft(session, t, t.writer, "Best bread in town")
    brand_row = session.get(Brand, t.brand_id)
    assert brand_row is not None
    brand_row.guardrails = {**brand_row.guardrails, "required_disclosure": "#ad"}
    session.add(brand_row)
    session.commit()
    with pytest.raises(ValidationError, match="#ad"):
        approvals.submit_for_review(session, actor=t.writer.actor, post_id=post_id)


def test_the_review_page_shows_the_posts_pictures_by_signed_links(
    session: Session, team: Team
) -> None:
    t = team
    asset = media_library.upload(
        session,
        actor=t.writer.actor,
        brand_id=t.brand_id,
        filename="loaf.png",
        data=_png(),
        alt_text="A golden loaf",
    )
    saved = save_post(
        session,
        actor=t.writer.actor,
        draft=PostDraft(
            brand_id=t.brand_id, text="Look", account_ids=[t.account_id], media_ids=[asset.id]
        ),
    )
    approvals.submit_for_review(session, actor=t.writer.actor, post_id=saved.id)
    token = _link(session, t, saved.id)
    view = approvals.open_review(session, token=token)
    assert [(m.filename, m.alt_text) for m in view.media] == [("loaf.png", "A golden loaf")]
    assert view.media[0].url.startswith("/api/v1/media/")
    assert view.variants[0].media == view.media
