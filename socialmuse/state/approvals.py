"""The post page's approvals panel and the dashboard's "Needs my review" queue.

Every button the panel shows comes from ``approvals.approval_state`` (the same rules the
services enforce), and every action re-reads the panel and the post, so nothing on screen is
left over from before a decision.
"""

from __future__ import annotations

import dataclasses

import reflex as rx
from reflex.event import EventSpec

from socialmuse import routes
from socialmuse.db import session_scope
from socialmuse.services import approvals as approval_service
from socialmuse.services.approvals import (
    ApprovalState,
    CommentPublic,
    ReviewEntry,
    ReviewLinkPublic,
)
from socialmuse.services.errors import DomainError, NotFound, PermissionDenied, ValidationError
from socialmuse.services.permissions import Action, can
from socialmuse.state.auth import require_actor
from socialmuse.state.current_brand import in_zone
from socialmuse.state.forms import field_errors, text
from socialmuse.state.post import PostState
from socialmuse.state.post_labels import POST_STATUS_LABELS, STATUS_COLORS

DECISION_COLORS = {"submitted": "blue", "approved": "green", "changes_requested": "amber"}


@dataclasses.dataclass
class CommentRow:
    id: str = ""
    author: str = ""
    body: str = ""
    when: str = ""
    via_link: bool = False


@dataclasses.dataclass
class HistoryRow:
    id: str = ""
    decision: str = ""
    label: str = ""
    color: str = ""
    who: str = ""
    step: str = ""
    comment: str = ""
    when: str = ""


@dataclasses.dataclass
class LinkRow:
    id: str = ""
    reviewer_name: str = ""
    expires: str = ""
    last_used: str = ""
    state: str = ""
    active: bool = False


@dataclasses.dataclass
class QueueRow:
    post_id: str = ""
    href: str = ""
    brand_name: str = ""
    excerpt: str = ""
    author: str = ""
    step: str = ""
    scheduled: str = ""


def comment_rows(comments: list[CommentPublic], timezone: str) -> list[CommentRow]:
    return [
        CommentRow(
            id=str(c.id),
            author=c.author,
            body=c.body,
            when=in_zone(c.created_at, timezone),
            via_link=c.via_link,
        )
        for c in comments
    ]


def history_rows(entries: list[ReviewEntry], timezone: str) -> list[HistoryRow]:
    return [
        HistoryRow(
            id=str(e.id),
            decision=e.decision,
            label=e.label,
            color=DECISION_COLORS.get(e.decision, "gray"),
            who=e.who,
            step=str(e.step),
            comment=e.comment,
            when=in_zone(e.created_at, timezone),
        )
        for e in entries
    ]


def _link_rows(links: list[ReviewLinkPublic], timezone: str) -> list[LinkRow]:
    return [
        LinkRow(
            id=str(link.id),
            reviewer_name=link.reviewer_name,
            expires=in_zone(link.expires_at, timezone),
            last_used=in_zone(link.last_used_at, timezone) or "not opened yet",
            state=link.state,
            active=link.state == "active",
        )
        for link in links
    ]


def _decision_errors(exc: DomainError) -> dict[str, str]:
    """A missing comment shows under the comment box; anything else above the buttons."""
    errors = field_errors(exc)
    if "comment" in errors:
        return {"comment": errors["comment"]}
    return {"decision": next(iter(errors.values()))}


class ApprovalsState(rx.State):
    """One post's review: status and step, the decision buttons, comments, history, links."""

    shown_id: str = ""
    status: str = ""
    status_label: str = ""
    status_color: str = ""
    step_text: str = ""
    steps: list[str] = []
    required: bool = False
    is_author: bool = False
    may_submit: bool = False
    may_approve: bool = False
    may_request_changes: bool = False
    may_manage_links: bool = False
    why_not_approve: str = ""
    comments: list[CommentRow] = []
    history: list[HistoryRow] = []
    links: list[LinkRow] = []
    new_link: str = ""
    decision_comment: str = ""
    decision_version: int = 0  # bumped to empty the comment box after a decision
    errors: dict[str, str] = {}
    form_version: int = 0

    def _post_id(self) -> str:
        """The ``[post_id]`` URL segment (Reflex adds it to the root state at run time)."""
        return str(getattr(self, "post_id", ""))

    def _show(
        self,
        state: ApprovalState,
        data: tuple[list[CommentPublic], list[ReviewEntry], list[ReviewLinkPublic]],
    ) -> None:
        comments, history, links = data
        tz = state.timezone
        self.shown_id = str(state.post_id)
        self.status = state.status.value
        self.status_label = POST_STATUS_LABELS[state.status]
        self.status_color = STATUS_COLORS.get(state.status.value, "blue")
        self.step_text = (
            f"Step {state.step + 1} of {len(state.steps)}: waiting for {state.waiting_for}"
            if state.waiting_for
            else ""
        )
        self.steps = state.steps
        self.required = state.required
        self.is_author = state.is_author
        self.may_submit = state.may_submit
        self.may_approve = state.may_approve
        self.may_request_changes = state.may_request_changes
        self.may_manage_links = state.may_manage_links
        self.why_not_approve = state.why_not_approve
        self.comments = comment_rows(comments, tz)
        self.history = history_rows(history, tz)
        self.links = _link_rows(links, tz)

    async def _fetch(self) -> None:
        post_id = self._post_id()
        if not post_id.isdigit():
            self.shown_id = ""
            return
        pid = int(post_id)
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                state = approval_service.approval_state(session, actor=actor, post_id=pid)
                data = (
                    approval_service.list_comments(session, actor=actor, post_id=pid),
                    approval_service.review_history(session, actor=actor, post_id=pid),
                    approval_service.list_review_links(session, actor=actor, post_id=pid)
                    if state.may_manage_links
                    else [],
                )
        except (NotFound, PermissionDenied):
            self.shown_id = ""
            return
        self._show(state, data)

    @rx.event
    async def load(self) -> None:
        """Read the panel fresh whenever it appears (a new post clears the old one first)."""
        if self.shown_id != self._post_id():
            self.comments, self.history, self.links, self.new_link = [], [], [], ""
            self.errors = {}
            self._clear_decision_comment()
        await self._fetch()

    @rx.event
    def set_decision_comment(self, value: str) -> None:
        """The comment typed beside Approve / Request changes."""
        self.decision_comment = value

    def _clear_decision_comment(self) -> None:
        self.decision_comment = ""
        self.decision_version += 1

    async def _after(self, outcome: str) -> list[EventSpec]:
        self.errors = {}
        await self._fetch()
        return [PostState.load, rx.toast.success(outcome)]

    @rx.event
    async def submit(self, form_data: dict[str, str]) -> list[EventSpec] | None:
        """Send the post to the first step's approvers (the author's button)."""
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                state = approval_service.submit_for_review(
                    session, actor=actor, post_id=int(self.shown_id), note=text(form_data, "note")
                )
        except DomainError as exc:
            self.errors = {"submit": next(iter(field_errors(exc).values()))}
            return None
        self.form_version += 1
        return await self._after(state.outcome)

    @rx.event
    async def approve(self) -> list[EventSpec] | None:
        """Approve the current step with the optional comment."""
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                state = approval_service.approve(
                    session, actor=actor, post_id=int(self.shown_id), comment=self.decision_comment
                )
        except DomainError as exc:
            self.errors = _decision_errors(exc)
            return None
        self._clear_decision_comment()
        return await self._after(state.outcome)

    @rx.event
    async def request_changes(self) -> list[EventSpec] | None:
        """Send the post back to its author; the comment says what should change."""
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                state = approval_service.request_changes(
                    session, actor=actor, post_id=int(self.shown_id), comment=self.decision_comment
                )
        except DomainError as exc:
            self.errors = _decision_errors(exc)
            return None
        self._clear_decision_comment()
        return await self._after(state.outcome)

    @rx.event
    async def add_comment(self, form_data: dict[str, str]) -> EventSpec | None:
        """Add a note to the post's discussion."""
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                approval_service.add_comment(
                    session, actor=actor, post_id=int(self.shown_id), body=text(form_data, "body")
                )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return None
        self.errors = {}
        self.form_version += 1
        await self._fetch()
        return None

    @rx.event
    async def create_link(self, form_data: dict[str, str]) -> EventSpec | None:
        """Make a review link for a client; its address is shown once, here."""
        days = text(form_data, "expires_in_days").strip() or "7"
        try:
            if not days.isdigit():
                raise ValidationError("Enter a number of days.", field="expires_in_days")
            with session_scope() as session:
                actor = await require_actor(self, session)
                url, _link = approval_service.create_review_link(
                    session,
                    actor=actor,
                    post_id=int(self.shown_id),
                    reviewer_name=text(form_data, "reviewer_name"),
                    expires_in_days=int(days),
                )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return None
        self.errors = {}
        self.new_link = url
        self.form_version += 1
        await self._fetch()
        return rx.toast.success("Review link created: copy it now, it is shown only once.")

    @rx.event
    async def revoke_link(self, link_id: str) -> EventSpec:
        """Withdraw a link: opening it afterwards says it is no longer valid."""
        with session_scope() as session:
            actor = await require_actor(self, session)
            approval_service.revoke_review_link(session, actor=actor, link_id=int(link_id))
        await self._fetch()
        return rx.toast.info("Review link withdrawn.")


class ReviewQueueState(rx.State):
    """The dashboard's "Needs my review": posts whose current step this person may approve."""

    rows: list[QueueRow] = []
    loaded: bool = False
    applies: bool = False  # only people who may approve somewhere have a queue

    @rx.event
    async def load(self) -> None:
        """Read the queue each time the dashboard shows it."""
        with session_scope() as session:
            actor = await require_actor(self, session)
            pending = approval_service.pending_reviews(session, actor=actor)
        self.applies = can(actor, Action.POST_APPROVE, organization_id=actor.organization_id)
        self.rows = [
            QueueRow(
                post_id=str(p.post_id),
                href=routes.post_path(p.post_id),
                brand_name=p.brand_name,
                excerpt=p.excerpt or "(no text)",
                author=p.author,
                step=f"Step {p.step} of {p.step_count}",
                scheduled=in_zone(p.scheduled_at, p.timezone) or "no time set",
            )
            for p in pending
        ]
        self.loaded = True
