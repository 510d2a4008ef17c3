"""Approvals: draft → in review → changes requested → approved → scheduled.

A brand's policy (``services.approval_policy``) names the approver role of each step, in
order. Submitting runs the same checks as scheduling (every network's rules, the brand's
guardrails, connected accounts), so nobody approves a post that could not go out. Each step
is decided once per round of review; the last approval makes the post approved and, when it
has an intended time still ahead, schedules it for that time.

Who may decide a step: a member whose role is the step's role or higher, with approval rights
on the brand (their brand scope includes it), or a client holding a review link for the post.

Self-approval rule: the author of a post cannot approve it, and a person who approved an
earlier step of the same round cannot approve a later one, unless nobody else could: when
they are the only member who holds the step's role for the brand, their approval counts
(otherwise a one-person organization could never publish under its own policy). Requesting
changes is open to every eligible approver, author included: it only sends the post back.

The decision history is append-only ``PostReview`` rows, including a ``submitted`` row that
opens each round; editing a post (``post_editing.save_post``) returns it to draft and keeps
every row, so the history survives edits and resubmissions.

Review links: a random token of which only the SHA-256 is stored, expiring after a few days
and revocable; the token alone is the credential, and it opens exactly one post.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel
from sqlmodel import Session, col, select

from socialmuse import routes
from socialmuse.models import (
    Brand,
    MediaAsset,
    Membership,
    MembershipBrand,
    Post,
    PostComment,
    PostMedia,
    PostReview,
    PostTarget,
    ReviewLink,
    SocialAccount,
    User,
    utcnow,
)
from socialmuse.models.enums import Platform, PostStatus, Role
from socialmuse.services import audit, media, notifications
from socialmuse.services.accounts import PLATFORM_LABELS
from socialmuse.services.approval_policy import (
    approver_roles,
    needs_approval,
    policy_of,
    step_label,
)
from socialmuse.services.errors import NotFound, PermissionDenied, ValidationError
from socialmuse.services.identity import clean_name
from socialmuse.services.permissions import ROLE_RANK, Action, Actor, can
from socialmuse.services.post_editing import check_publishable, load_post, schedule_post
from socialmuse.services.secrets import new_token, token_digest
from socialmuse.settings import get_settings

SUBMITTED = "submitted"
APPROVED = "approved"
CHANGES_REQUESTED = "changes_requested"
DECISION_LABELS = {
    SUBMITTED: "Submitted for review",
    APPROVED: "Approved",
    CHANGES_REQUESTED: "Changes requested",
}
MAX_COMMENT = 5000
MAX_LINK_DAYS = 30
EXCERPT = 140
BAD_LINK = (
    "This review link is not valid: it has expired, was withdrawn, or was mistyped. "
    "Ask the person who sent it for a new one."
)
SUBMITTABLE = frozenset({PostStatus.DRAFT, PostStatus.CHANGES_REQUESTED})

Decision = Literal["approve", "changes_requested"]


# --- what the doors show ----------------------------------------------------------------------


class ApprovalState(BaseModel):
    """Where a post stands in review, and what the actor may do about it now."""

    post_id: int
    brand_id: int
    timezone: str  # the brand's, for showing times
    status: PostStatus
    step: int  # 0-based index of the step waiting for a decision
    steps: list[str]  # "Brand owner or above", ... in order
    waiting_for: str  # the current step's label, "" when not in review
    required: bool  # whether the brand's policy requires approval of this actor's posts
    is_author: bool
    may_submit: bool
    may_approve: bool
    may_request_changes: bool
    may_manage_links: bool
    why_not_approve: str  # shown beside a greyed-out Approve button
    outcome: str = ""  # what the last action did, in words (set by submit/approve/...)


class CommentPublic(BaseModel):
    id: int
    author: str
    via_link: bool
    body: str
    created_at: datetime


class ReviewEntry(BaseModel):
    id: int
    decision: str
    label: str
    step: int  # 1-based, as people count
    who: str
    via_link: bool
    comment: str
    created_at: datetime


class PendingReview(BaseModel):
    post_id: int
    brand_id: int
    brand_name: str
    timezone: str
    excerpt: str
    author: str
    waiting_for: str
    step: int  # 1-based
    step_count: int
    submitted_at: datetime | None
    scheduled_at: datetime | None


class ReviewLinkPublic(BaseModel):
    id: int
    post_id: int
    reviewer_name: str
    created_at: datetime
    expires_at: datetime
    revoked: bool
    expired: bool
    last_used_at: datetime | None
    state: str  # "active", "expired" or "revoked"


class ReviewMedia(BaseModel):
    filename: str
    kind: str
    alt_text: str
    url: str  # signed and expiring, like every media link shown in a browser
    thumbnail_url: str


class ReviewVariant(BaseModel):
    network: str
    handle: str
    text: str
    media: list[ReviewMedia]


class ReviewView(BaseModel):
    """Everything a review-link holder may see: this one post and its discussion."""

    post_id: int
    brand_name: str
    timezone: str
    status: PostStatus
    can_decide: bool
    waiting_for: str
    text: str
    thread: list[str]
    first_comment: str | None
    media: list[ReviewMedia]
    variants: list[ReviewVariant]
    scheduled_at: datetime | None
    reviewer_name: str
    expires_at: datetime
    comments: list[CommentPublic]
    history: list[ReviewEntry]
    outcome: str = ""


@dataclass(frozen=True)
class _Decider:
    """Who decided: a member (``user_id``) or a client through a link (``link_id``)."""

    name: str
    user_id: int | None = None
    link_id: int | None = None


# --- the workflow ---------------------------------------------------------------------------


def submit_for_review(
    session: Session, *, actor: Actor, post_id: int, note: str = ""
) -> ApprovalState:
    """Send a draft (or a post whose changes were requested) to the first step's approvers."""
    post = load_post(session, actor=actor, post_id=post_id, action=Action.POST_CREATE)
    _lock(session, post)
    brand = _brand(session, post)
    status = PostStatus(post.status)
    if status not in SUBMITTABLE:
        raise ValidationError(_not_submittable(status), field="status")
    if brand.archived_at is not None:
        raise ValidationError("This brand is archived; restore it to post.", field="brand_id")
    note = _clean_body(note, field="note", required=False)
    check_publishable(session, actor=actor, post=post, brand=brand)
    post.status = PostStatus.IN_REVIEW
    post.approval_step = 0
    post.updated_at = utcnow()
    session.add(post)
    session.add(
        PostReview(
            organization_id=post.organization_id,
            post_id=post.id or 0,
            step=0,
            decision=SUBMITTED,
            reviewer_user_id=actor.user_id or None,
            comment=note,
        )
    )
    session.flush()
    audit.record_for(
        session, actor, "post.submitted_for_review", target_type="post", target_id=post.id
    )
    roles = approver_roles(policy_of(brand))
    notifications.notify(
        session,
        organization_id=post.organization_id,
        user_ids=set(eligible_approvers(session, brand, roles[0])) - {actor.user_id},
        kind="approval.requested",
        title=f"{actor.name or 'A teammate'} asks you to review a post for {brand.name}",
        body=_excerpt(post.text) + (f"\n\nNote: {note}" if note else ""),
        link=routes.post_path(post.id or 0),
    )
    state = approval_state(session, actor=actor, post_id=post.id or 0)
    state.outcome = f"Submitted for review; waiting for {step_label(roles[0]).lower()}."
    return state


def approve(session: Session, *, actor: Actor, post_id: int, comment: str = "") -> ApprovalState:
    """Approve the current step; the last step approves the post (and schedules it if timed)."""
    post = load_post(session, actor=actor, post_id=post_id, action=Action.POST_APPROVE)
    _lock(session, post)
    brand = _brand(session, post)
    _check_in_review(post)
    refusal = _approval_refusal(session, actor, post, brand)
    if refusal:
        raise PermissionDenied(refusal)
    comment = _clean_body(comment, field="comment", required=False)
    step = _step_index(post, brand)
    outcome = _decide(
        session,
        post,
        brand,
        APPROVED,
        _Decider(name=actor.name or actor.email, user_id=actor.user_id),
        comment,
        acting=actor,
    )
    audit.record_for(
        session,
        actor,
        "post.approved",
        target_type="post",
        target_id=post.id,
        details={"step": step + 1, "status": str(post.status)},
    )
    state = approval_state(session, actor=actor, post_id=post_id)
    state.outcome = outcome
    return state


def request_changes(session: Session, *, actor: Actor, post_id: int, comment: str) -> ApprovalState:
    """Send the post back to its author with what should change (the comment is required)."""
    post = load_post(session, actor=actor, post_id=post_id, action=Action.POST_APPROVE)
    _lock(session, post)
    brand = _brand(session, post)
    _check_in_review(post)
    role = _current_role(post, brand)
    if actor.rank < ROLE_RANK[role]:
        raise PermissionDenied(f"This step needs an approver with the role {step_label(role)}.")
    comment = _clean_body(comment, field="comment", required=True)
    step = _step_index(post, brand)
    outcome = _decide(
        session,
        post,
        brand,
        CHANGES_REQUESTED,
        _Decider(name=actor.name or actor.email, user_id=actor.user_id),
        comment,
        acting=actor,
    )
    audit.record_for(
        session,
        actor,
        "post.changes_requested",
        target_type="post",
        target_id=post.id,
        details={"step": step + 1},
    )
    state = approval_state(session, actor=actor, post_id=post_id)
    state.outcome = outcome
    return state


def approval_state(session: Session, *, actor: Actor, post_id: int) -> ApprovalState:
    """The post's place in review and which buttons this actor gets (the services still check)."""
    post = load_post(session, actor=actor, post_id=post_id, action=Action.BRAND_VIEW)
    brand = _brand(session, post)
    policy = policy_of(brand)
    roles = approver_roles(policy)
    status = PostStatus(post.status)
    in_review = status == PostStatus.IN_REVIEW
    may_decide = in_review and can(
        actor, Action.POST_APPROVE, organization_id=post.organization_id, brand_id=brand.id
    )
    current = _current_role(post, brand)
    why_not = ""
    if not in_review:
        why_not = "Only a post in review can be approved."
    elif not may_decide or actor.rank < ROLE_RANK[current]:
        why_not = f"This step needs an approver with the role {step_label(current)}."
    else:
        why_not = _approval_refusal(session, actor, post, brand)
    author_id = post.author_user_id
    return ApprovalState(
        post_id=post.id or 0,
        brand_id=brand.id or 0,
        timezone=brand.timezone,
        status=status,
        step=_step_index(post, brand) if in_review else 0,
        steps=[step_label(r) for r in roles],
        waiting_for=step_label(current) if in_review else "",
        required=needs_approval(brand, actor),
        is_author=author_id is not None and author_id == actor.user_id,
        may_submit=status in SUBMITTABLE
        and can(actor, Action.POST_CREATE, organization_id=post.organization_id, brand_id=brand.id),
        may_approve=in_review and not why_not,
        may_request_changes=may_decide and actor.rank >= ROLE_RANK[current],
        may_manage_links=can(
            actor, Action.POST_APPROVE, organization_id=post.organization_id, brand_id=brand.id
        ),
        why_not_approve=why_not,
    )


# --- comments, history and the queue --------------------------------------------------------


def add_comment(session: Session, *, actor: Actor, post_id: int, body: str) -> CommentPublic:
    """An internal note on the post; the author and everyone in the discussion are told."""
    post = load_post(session, actor=actor, post_id=post_id, action=Action.BRAND_VIEW)
    body = _clean_body(body, field="body", required=True)
    comment = PostComment(
        organization_id=post.organization_id,
        post_id=post.id or 0,
        author_user_id=actor.user_id or None,
        body=body,
    )
    session.add(comment)
    session.flush()
    audit.record_for(session, actor, "post.commented", target_type="post", target_id=post.id)
    brand = _brand(session, post)
    notifications.notify(
        session,
        organization_id=post.organization_id,
        user_ids=_participants(session, post) - {actor.user_id},
        kind="post.comment",
        title=f"{actor.name or actor.email} commented on a post for {brand.name}",
        body=_excerpt(body),
        link=routes.post_path(post.id or 0),
    )
    return _comments(session, [comment])[0]


def list_comments(session: Session, *, actor: Actor, post_id: int) -> list[CommentPublic]:
    """The post's discussion, oldest first."""
    post = load_post(session, actor=actor, post_id=post_id, action=Action.BRAND_VIEW)
    return _post_comments(session, post)


def review_history(session: Session, *, actor: Actor, post_id: int) -> list[ReviewEntry]:
    """Every submission and decision on the post, oldest first (edits never erase it)."""
    post = load_post(session, actor=actor, post_id=post_id, action=Action.BRAND_VIEW)
    return _history(session, post)


def pending_reviews(session: Session, *, actor: Actor) -> list[PendingReview]:
    """The actor's queue: posts in review whose current step this actor may approve."""
    if not can(actor, Action.POST_APPROVE, organization_id=actor.organization_id):
        return []
    query = select(Post, Brand).join(Brand, col(Brand.id) == col(Post.brand_id))
    query = query.where(
        Post.organization_id == actor.organization_id,
        Post.status == PostStatus.IN_REVIEW,
        col(Brand.archived_at).is_(None),
    )
    if actor.brand_ids is not None:
        query = query.where(col(Post.brand_id).in_(actor.brand_ids))
    rows = session.exec(query.order_by(col(Post.updated_at), col(Post.id))).all()
    queue = []
    names = _names(session, [p.author_user_id for p, _ in rows])
    for post, brand in rows:
        if _approval_refusal(session, actor, post, brand):
            continue
        roles = approver_roles(policy_of(brand))
        step = _step_index(post, brand)
        submitted = session.exec(
            select(PostReview.created_at)
            .where(PostReview.post_id == post.id, PostReview.decision == SUBMITTED)
            .order_by(col(PostReview.id).desc())
        ).first()
        queue.append(
            PendingReview(
                post_id=post.id or 0,
                brand_id=brand.id or 0,
                brand_name=brand.name,
                timezone=brand.timezone,
                excerpt=_excerpt(post.text),
                author=names.get(post.author_user_id or 0, "someone"),
                waiting_for=step_label(roles[step]),
                step=step + 1,
                step_count=len(roles),
                submitted_at=submitted,
                scheduled_at=post.scheduled_at,
            )
        )
    return queue


# --- review links ----------------------------------------------------------------------------


def create_review_link(
    session: Session,
    *,
    actor: Actor,
    post_id: int,
    reviewer_name: str,
    expires_in_days: int = 7,
) -> tuple[str, ReviewLinkPublic]:
    """A link a client opens without an account; the URL is returned once, never stored.

    Only approvers of the brand may hand out links, since a link can approve a step.
    """
    post = load_post(session, actor=actor, post_id=post_id, action=Action.POST_APPROVE)
    reviewer_name = clean_name(reviewer_name, field="reviewer_name", what="who the link is for")
    if not 1 <= expires_in_days <= MAX_LINK_DAYS:
        raise ValidationError(
            f"A review link lasts between 1 and {MAX_LINK_DAYS} days.", field="expires_in_days"
        )
    token = new_token()
    link = ReviewLink(
        organization_id=post.organization_id,
        post_id=post.id or 0,
        token_hash=token_digest(token),
        reviewer_name=reviewer_name,
        created_by_user_id=actor.user_id or None,
        expires_at=utcnow() + timedelta(days=expires_in_days),
    )
    session.add(link)
    session.flush()
    audit.record_for(
        session,
        actor,
        "review_link.created",
        target_type="post",
        target_id=post.id,
        details={"review_link_id": link.id, "reviewer_name": reviewer_name},
    )
    return f"{get_settings().base_url}{routes.review_path(token)}", _link_public(link)


def list_review_links(session: Session, *, actor: Actor, post_id: int) -> list[ReviewLinkPublic]:
    """The post's links, newest first, with whether each still works."""
    post = load_post(session, actor=actor, post_id=post_id, action=Action.POST_APPROVE)
    rows = session.exec(
        select(ReviewLink)
        .where(ReviewLink.post_id == post.id, ReviewLink.organization_id == actor.organization_id)
        .order_by(col(ReviewLink.id).desc())
    ).all()
    return [_link_public(link) for link in rows]


def revoke_review_link(session: Session, *, actor: Actor, link_id: int) -> ReviewLinkPublic:
    """End a link before it expires; opening it afterwards says it is no longer valid."""
    link = session.get(ReviewLink, link_id)
    if link is None or link.organization_id != actor.organization_id:
        raise NotFound("That review link does not exist.")
    load_post(session, actor=actor, post_id=link.post_id, action=Action.POST_APPROVE)
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        session.add(link)
        session.flush()
        audit.record_for(
            session,
            actor,
            "review_link.revoked",
            target_type="post",
            target_id=link.post_id,
            details={"review_link_id": link.id, "reviewer_name": link.reviewer_name},
        )
    return _link_public(link)


def open_review(session: Session, *, token: str) -> ReviewView:
    """What the link's holder sees; the token is the only credential."""
    link, post, brand = _open_link(session, token)
    link.last_used_at = utcnow()
    session.add(link)
    session.flush()
    return _review_view(session, link, post, brand)


def review_by_link(
    session: Session, *, token: str, decision: str, name: str, comment: str = ""
) -> ReviewView:
    """A client's decision on the current step, recorded under the name they typed."""
    link, post, brand = _open_link(session, token)
    _lock(session, post)
    if decision not in ("approve", "changes_requested"):
        raise ValidationError("Choose Approve or Request changes.", field="decision")
    name = clean_name(name, field="name", what="your name")
    comment = _clean_body(comment, field="comment", required=decision == "changes_requested")
    _check_in_review(post)
    step = _step_index(post, brand)
    kind = APPROVED if decision == "approve" else CHANGES_REQUESTED
    outcome = _decide(
        session,
        post,
        brand,
        kind,
        _Decider(name=name, link_id=link.id),
        comment,
        acting=_link_actor(post, name),
    )
    link.last_used_at = utcnow()
    session.add(link)
    audit.record(
        session,
        action="post.approved" if kind == APPROVED else "post.changes_requested",
        organization_id=post.organization_id,
        target_type="post",
        target_id=post.id,
        details={
            "via": "review_link",
            "review_link_id": link.id,
            "reviewer_name": name,
            "step": step + 1,
        },
    )
    session.flush()
    view = _review_view(session, link, post, brand)
    view.outcome = outcome
    return view


def comment_by_link(session: Session, *, token: str, name: str, body: str) -> ReviewView:
    """A client's comment, shown in the post's discussion under the name they typed."""
    link, post, brand = _open_link(session, token)
    name = clean_name(name, field="name", what="your name")
    body = _clean_body(body, field="body", required=True)
    session.add(
        PostComment(
            organization_id=post.organization_id,
            post_id=post.id or 0,
            reviewer_name=name,
            body=body,
        )
    )
    link.last_used_at = utcnow()
    session.add(link)
    session.flush()
    audit.record(
        session,
        action="post.commented",
        organization_id=post.organization_id,
        target_type="post",
        target_id=post.id,
        details={"via": "review_link", "review_link_id": link.id, "reviewer_name": name},
    )
    notifications.notify(
        session,
        organization_id=post.organization_id,
        user_ids=_participants(session, post),
        kind="post.comment",
        title=f"{name} (review link) commented on a post for {brand.name}",
        body=_excerpt(body),
        link=routes.post_path(post.id or 0),
    )
    view = _review_view(session, link, post, brand)
    view.outcome = "Comment added."
    return view


# --- who approves --------------------------------------------------------------------------


def eligible_approvers(session: Session, brand: Brand, role: Role) -> list[int]:
    """Active members holding ``role`` or higher whose brand scope includes the brand."""
    rows = session.exec(
        select(Membership.id, Membership.user_id, Membership.role)
        .join(User, col(User.id) == col(Membership.user_id))
        .where(Membership.organization_id == brand.organization_id, col(User.is_active))
        .order_by(col(Membership.id))
    ).all()
    wanted = [
        (membership_id, user_id)
        for membership_id, user_id, member_role in rows
        if ROLE_RANK[Role(member_role)] >= ROLE_RANK[role]
    ]
    scopes: dict[int, set[int]] = {}
    for membership_id, brand_id in session.exec(
        select(MembershipBrand.membership_id, MembershipBrand.brand_id).where(
            col(MembershipBrand.membership_id).in_([m for m, _ in wanted])
        )
    ).all():
        scopes.setdefault(membership_id, set()).add(brand_id)
    return [u for m, u in wanted if m not in scopes or brand.id in scopes[m]]


def _approval_refusal(session: Session, actor: Actor, post: Post, brand: Brand) -> str:
    """Why ``actor`` may not approve the current step now ('' when they may)."""
    if post.status != PostStatus.IN_REVIEW:
        return "Only a post in review can be approved."
    if not can(actor, Action.POST_APPROVE, organization_id=post.organization_id, brand_id=brand.id):
        return "You cannot approve posts for this brand."
    role = _current_role(post, brand)
    if actor.rank < ROLE_RANK[role]:
        return f"This step needs an approver with the role {step_label(role)}."
    excluded = {post.author_user_id} | _round_approvers(session, post)
    if actor.user_id not in excluded:
        return ""
    others = set(eligible_approvers(session, brand, role)) - excluded
    if not others:
        return ""  # the only possible approver: see the module's self-approval rule
    if actor.user_id == post.author_user_id:
        return "You wrote this post: another approver must approve it."
    return "You approved an earlier step: another approver must approve this one."


def _round_approvers(session: Session, post: Post) -> set[int | None]:
    """Members who approved a step since the post was last submitted."""
    return {
        r.reviewer_user_id
        for r in _current_round(session, post)
        if r.decision == APPROVED and r.reviewer_user_id is not None
    }


def _current_round(session: Session, post: Post) -> list[PostReview]:
    rows = list(
        session.exec(
            select(PostReview).where(PostReview.post_id == post.id).order_by(col(PostReview.id))
        ).all()
    )
    starts = [i for i, r in enumerate(rows) if r.decision == SUBMITTED]
    return rows[starts[-1] + 1 :] if starts else rows


def _decide(
    session: Session,
    post: Post,
    brand: Brand,
    decision: str,
    decider: _Decider,
    comment: str,
    *,
    acting: Actor,
) -> str:
    """Record one decision on the current step and move the post on; returns what happened."""
    _check_in_review(post)
    roles = approver_roles(policy_of(brand))
    step = _step_index(post, brand)
    session.add(
        PostReview(
            organization_id=post.organization_id,
            post_id=post.id or 0,
            step=step,
            decision=decision,
            reviewer_user_id=decider.user_id or None,
            reviewer_name=decider.name if decider.link_id else None,
            review_link_id=decider.link_id,
            comment=comment,
        )
    )
    link = routes.post_path(post.id or 0)
    who = decider.name + (" (review link)" if decider.link_id else "")
    author = {post.author_user_id or 0} - {decider.user_id or 0}
    post.updated_at = utcnow()
    if decision == CHANGES_REQUESTED:
        post.status = PostStatus.CHANGES_REQUESTED
        post.approval_step = 0
        session.add(post)
        session.flush()
        notifications.notify(
            session,
            organization_id=post.organization_id,
            user_ids=author,
            kind="approval.changes_requested",
            title=f"{who} requested changes to your post for {brand.name}",
            body=comment,
            link=link,
        )
        return "Changes requested; the author has been told."
    if step + 1 < len(roles):
        post.approval_step = step + 1
        session.add(post)
        session.flush()
        excluded = {post.author_user_id, decider.user_id} | _round_approvers(session, post)
        notifications.notify(
            session,
            organization_id=post.organization_id,
            user_ids=[
                u for u in eligible_approvers(session, brand, roles[step + 1]) if u not in excluded
            ],
            kind="approval.requested",
            title=f"A post for {brand.name} is waiting for your review (step {step + 2})",
            body=_excerpt(post.text),
            link=link,
        )
        outcome = (
            f"Step {step + 1} of {len(roles)} approved; now waiting for "
            f"{step_label(roles[step + 1]).lower()}."
        )
        notifications.notify(
            session,
            organization_id=post.organization_id,
            user_ids=author,
            kind="approval.step_approved",
            title=f"{who} approved step {step + 1} of {len(roles)} of your post for {brand.name}",
            body=comment,
            link=link,
        )
        return outcome
    post.status = PostStatus.APPROVED
    post.approval_step = len(roles)
    session.add(post)
    session.flush()
    outcome = _schedule_if_timed(session, post, acting)
    notifications.notify(
        session,
        organization_id=post.organization_id,
        user_ids=author,
        kind="approval.approved",
        title=f"{who} approved your post for {brand.name}",
        body="\n\n".join(p for p in (outcome, comment) if p),
        link=link,
    )
    return outcome


def _schedule_if_timed(session: Session, post: Post, acting: Actor) -> str:
    """Schedule an approved post for its intended time, if that time is still ahead."""
    if post.scheduled_at is None or post.scheduled_at <= utcnow():
        return "Approved; it is ready to be scheduled."
    try:
        # Every check schedule_post makes comes before it changes anything, so a refusal
        # leaves the post approved, for someone to fix and schedule.
        schedule_post(session, actor=acting, post_id=post.id or 0)
    except ValidationError as exc:
        return f"Approved, but it could not be scheduled: {exc.message}"
    return "Approved and scheduled for its intended time."


def _link_actor(post: Post, name: str) -> Actor:
    """Who schedules a post a client approved: the review link itself, in the audit trail."""
    return Actor(
        user_id=0,
        organization_id=post.organization_id,
        role=Role.SUPER_ADMIN,
        name=f"{name} (review link)",
        via="review_link",
    )


# --- helpers --------------------------------------------------------------------------------


def _lock(session: Session, post: Post) -> None:
    """Re-read the post under a row lock (on PostgreSQL).

    Two approvers clicking at once then decide one after the other, the second seeing the
    first's outcome.
    """
    session.refresh(post, with_for_update=True)


def _brand(session: Session, post: Post) -> Brand:
    brand = session.get(Brand, post.brand_id)
    if brand is None:
        raise NotFound(f"There is no post with id {post.id}.")
    return brand


def _step_index(post: Post, brand: Brand) -> int:
    """The step waiting for a decision; a policy shortened since submission ends at its last."""
    roles = approver_roles(policy_of(brand))
    return min(max(post.approval_step, 0), len(roles) - 1)


def _current_role(post: Post, brand: Brand) -> Role:
    return approver_roles(policy_of(brand))[_step_index(post, brand)]


def _check_in_review(post: Post) -> None:
    if post.status != PostStatus.IN_REVIEW:
        raise ValidationError(
            "This post is not waiting for a review decision any more.", field="status"
        )


def _not_submittable(status: PostStatus) -> str:
    if status == PostStatus.IN_REVIEW:
        return "This post is already waiting for review."
    if status in (PostStatus.APPROVED, PostStatus.SCHEDULED):
        return "This post is already approved; edit it to send a new version for review."
    return f"A {status.replace('_', ' ')} post cannot be submitted for review."


def _clean_body(value: str, *, field: str, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        what = "what should change" if field == "comment" else "a comment"
        raise ValidationError(f"Write {what}.", field=field)
    if len(value) > MAX_COMMENT:
        raise ValidationError(f"Keep it under {MAX_COMMENT:,} characters.", field=field)
    return value


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


def _names(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    ids = {u for u in user_ids if u}
    if not ids:
        return {}
    return {
        u.id or 0: u.name or u.email
        for u in session.exec(select(User).where(col(User.id).in_(ids))).all()
    }


def _participants(session: Session, post: Post) -> set[int]:
    """The author and every member who commented on or decided about the post."""
    people = {post.author_user_id or 0}
    people |= {
        u or 0
        for u in session.exec(
            select(PostComment.author_user_id).where(PostComment.post_id == post.id)
        ).all()
    }
    people |= {
        u or 0
        for u in session.exec(
            select(PostReview.reviewer_user_id).where(PostReview.post_id == post.id)
        ).all()
    }
    return people - {0}


def _comments(session: Session, rows: Sequence[PostComment]) -> list[CommentPublic]:
    names = _names(session, [c.author_user_id for c in rows])
    return [
        CommentPublic(
            id=c.id or 0,
            author=names.get(c.author_user_id or 0, "someone")
            if c.author_user_id
            else f"{c.reviewer_name or 'Client'} (review link)",
            via_link=c.author_user_id is None,
            body=c.body,
            created_at=c.created_at,
        )
        for c in rows
    ]


def _post_comments(session: Session, post: Post) -> list[CommentPublic]:
    rows = session.exec(
        select(PostComment)
        .where(PostComment.post_id == post.id, PostComment.organization_id == post.organization_id)
        .order_by(col(PostComment.id))
    ).all()
    return _comments(session, rows)


def _history(session: Session, post: Post) -> list[ReviewEntry]:
    rows = session.exec(
        select(PostReview)
        .where(PostReview.post_id == post.id, PostReview.organization_id == post.organization_id)
        .order_by(col(PostReview.id))
    ).all()
    names = _names(session, [r.reviewer_user_id for r in rows])
    return [
        ReviewEntry(
            id=r.id or 0,
            decision=r.decision,
            label=DECISION_LABELS.get(r.decision, r.decision),
            step=r.step + 1,
            who=names.get(r.reviewer_user_id or 0, "someone")
            if r.reviewer_user_id
            else f"{r.reviewer_name or 'Client'} (review link)",
            via_link=r.review_link_id is not None,
            comment=r.comment,
            created_at=r.created_at,
        )
        for r in rows
    ]


def _link_public(link: ReviewLink) -> ReviewLinkPublic:
    expired = link.expires_at <= utcnow()
    revoked = link.revoked_at is not None
    return ReviewLinkPublic(
        id=link.id or 0,
        post_id=link.post_id,
        reviewer_name=link.reviewer_name,
        created_at=link.created_at,
        expires_at=link.expires_at,
        revoked=revoked,
        expired=expired,
        last_used_at=link.last_used_at,
        state="revoked" if revoked else "expired" if expired else "active",
    )


def _open_link(session: Session, token: str) -> tuple[ReviewLink, Post, Brand]:
    """The link, its post and brand; unknown, expired and revoked links read the same."""
    token = (token or "").strip()
    link = (
        session.exec(select(ReviewLink).where(ReviewLink.token_hash == token_digest(token))).first()
        if token
        else None
    )
    if link is None or link.revoked_at is not None or link.expires_at <= utcnow():
        raise NotFound(BAD_LINK)
    post = session.get(Post, link.post_id)
    if post is None or post.organization_id != link.organization_id:
        raise NotFound(BAD_LINK)
    return link, post, _brand(session, post)


def _media(session: Session, post: Post) -> list[ReviewMedia]:
    rows = session.exec(
        select(MediaAsset)
        .join(PostMedia, col(PostMedia.media_id) == col(MediaAsset.id))
        .where(PostMedia.post_id == post.id, MediaAsset.organization_id == post.organization_id)
        .order_by(col(PostMedia.position))
    ).all()
    return [_media_public(a) for a in rows]


def _media_public(asset: MediaAsset) -> ReviewMedia:
    return ReviewMedia(
        filename=asset.filename,
        kind=str(asset.kind),
        alt_text=asset.alt_text,
        url=media.asset_url(asset),
        thumbnail_url=media.thumbnail_url(asset),
    )


def _variants(session: Session, post: Post, shared: list[ReviewMedia]) -> list[ReviewVariant]:
    rows = session.exec(
        select(PostTarget, SocialAccount)
        .join(SocialAccount, col(SocialAccount.id) == col(PostTarget.social_account_id))
        .where(PostTarget.post_id == post.id, PostTarget.organization_id == post.organization_id)
        .order_by(col(PostTarget.id))
    ).all()
    variants = []
    for target, account in rows:
        own_media = shared
        if target.media_override is not None:
            found = {
                a.id: a
                for a in session.exec(
                    select(MediaAsset).where(
                        col(MediaAsset.id).in_(target.media_override),
                        MediaAsset.organization_id == post.organization_id,
                    )
                ).all()
            }
            own_media = [_media_public(found[i]) for i in target.media_override if i in found]
        platform = Platform(account.platform)
        variants.append(
            ReviewVariant(
                network=PLATFORM_LABELS[platform],
                handle=account.handle,
                text=target.text_override if target.text_override is not None else post.text,
                media=own_media,
            )
        )
    return variants


def _review_view(session: Session, link: ReviewLink, post: Post, brand: Brand) -> ReviewView:
    files = _media(session, post)
    in_review = post.status == PostStatus.IN_REVIEW
    return ReviewView(
        post_id=post.id or 0,
        brand_name=brand.name,
        timezone=brand.timezone,
        status=PostStatus(post.status),
        can_decide=in_review,
        waiting_for=step_label(_current_role(post, brand)) if in_review else "",
        text=post.text,
        thread=list(post.thread_parts),
        first_comment=post.first_comment,
        media=files,
        variants=_variants(session, post, files),
        scheduled_at=post.scheduled_at,
        reviewer_name=link.reviewer_name,
        expires_at=link.expires_at,
        comments=_post_comments(session, post),
        history=[h for h in _history(session, post) if h.decision != SUBMITTED],
    )
