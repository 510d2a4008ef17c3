"""One post's page: its deliveries, their attempts, retrying, and refreshing while in flight."""

from __future__ import annotations

import dataclasses

import reflex as rx
from reflex.event import EventSpec

from socialmuse.db import session_scope
from socialmuse.models.enums import AttemptOutcome, Platform, TargetStatus
from socialmuse.services import brands as brand_service
from socialmuse.services import posts as post_service
from socialmuse.services.errors import NotFound, PermissionDenied
from socialmuse.services.posts import AttemptPublic, PostDetail, TargetPublic
from socialmuse.state.accounts import SANDBOX_NOTE
from socialmuse.state.auth import require_actor
from socialmuse.state.current_brand import as_utc, in_utc, in_zone
from socialmuse.state.post_labels import (
    OUTCOME_LABELS,
    POST_STATUS_LABELS,
    SETTLED,
    STATUS_COLORS,
    TARGET_STATUS_LABELS,
)


@dataclasses.dataclass
class AttemptRow:
    """One try at the network, in words."""

    number: str = ""
    outcome: str = ""
    when: str = ""
    http_status: str = ""
    error: str = ""
    retry_at: str = ""


@dataclasses.dataclass
class TargetRow:
    """One delivery (post × account) with its attempts, oldest first."""

    id: str = ""
    network: str = ""
    note: str = ""
    handle: str = ""
    status: str = ""
    status_label: str = ""
    status_color: str = ""
    scheduled_local: str = ""
    scheduled_utc: str = ""
    published_local: str = ""
    published_utc: str = ""
    published_iso: str = ""
    next_attempt: str = ""
    permalink: str = ""
    last_error: str = ""
    settled: bool = False
    can_retry: bool = False
    attempts: list[AttemptRow] = dataclasses.field(default_factory=list)


def _attempt_row(attempt: AttemptPublic, timezone: str) -> AttemptRow:
    outcome = AttemptOutcome(attempt.outcome)
    return AttemptRow(
        number=str(attempt.number),
        outcome=OUTCOME_LABELS.get(outcome, outcome.value),
        when=in_zone(attempt.started_at, timezone, seconds=True),
        http_status=str(attempt.http_status or ""),
        error=attempt.error_message or "",
        retry_at=in_zone(attempt.retry_at, timezone),
    )


def _target_row(target: TargetPublic, timezone: str) -> TargetRow:
    sandbox = target.platform == Platform.SANDBOX
    waiting = target.status == TargetStatus.SCHEDULED and target.next_attempt_at is not None
    return TargetRow(
        id=str(target.id),
        network="Sandbox" if sandbox else target.platform_label,
        note=SANDBOX_NOTE if sandbox else "",
        handle=target.handle,
        status=target.status.value,
        status_label=TARGET_STATUS_LABELS[target.status],
        status_color=STATUS_COLORS.get(target.status.value, "blue"),
        scheduled_local=in_zone(target.scheduled_at, timezone),
        scheduled_utc=in_utc(target.scheduled_at),
        published_local=in_zone(target.published_at, timezone, seconds=True),
        published_utc=in_utc(target.published_at, seconds=True),
        published_iso=as_utc(target.published_at).isoformat() if target.published_at else "",
        next_attempt=in_zone(target.next_attempt_at, timezone) if waiting else "",
        permalink=(target.permalink or "") if target.status == TargetStatus.PUBLISHED else "",
        last_error=target.last_error or "",
        settled=target.status in SETTLED,
        can_retry=target.status == TargetStatus.FAILED,
        attempts=[_attempt_row(a, timezone) for a in target.attempts],
    )


class PostState(rx.State):
    """The post shown, in its brand's timezone; ``problem`` when it cannot be shown."""

    shown_id: str = ""
    text: str = ""
    status: str = ""
    status_label: str = ""
    status_color: str = ""
    timezone: str = ""
    targets: list[TargetRow] = []
    problem: str = ""

    @rx.var
    def in_flight(self) -> bool:
        """Any delivery still moving on its own: the page keeps refreshing until none is."""
        return any(not t.settled for t in self.targets)

    def _post_id(self) -> str:
        """The ``[post_id]`` URL segment; Reflex adds it to the root state at run time."""
        return str(getattr(self, "post_id", ""))

    def _show(self, post: PostDetail, timezone: str) -> None:
        self.shown_id = str(post.id)
        self.text = post.text
        self.status = post.status.value
        self.status_label = POST_STATUS_LABELS[post.status]
        self.status_color = STATUS_COLORS.get(post.status.value, "blue")
        self.timezone = timezone
        self.targets = [_target_row(t, timezone) for t in post.targets]
        self.problem = ""

    async def _fetch(self) -> None:
        post_id = self._post_id()
        if not post_id.isdigit():
            self.problem, self.targets, self.shown_id = "There is no such post.", [], ""
            return
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                post = post_service.get_post(session, actor=actor, post_id=int(post_id))
                brand = brand_service.get_brand(session, actor=actor, brand_id=post.brand_id)
        except (NotFound, PermissionDenied) as exc:
            self.problem, self.targets, self.shown_id = exc.message, [], ""
            return
        self._show(post, brand.timezone)

    @rx.event
    async def load(self) -> None:
        """Read the post fresh on every visit (nothing from another post stays on screen)."""
        if self.shown_id != self._post_id():
            self.targets, self.text = [], ""
        await self._fetch()

    @rx.event
    async def refresh(self, _tick: str = "") -> None:
        """Called every ~2 s by the page's timer while a delivery is in flight."""
        if self.in_flight:
            await self._fetch()

    @rx.event
    async def retry(self, target_id: str) -> EventSpec:
        """Send a failed delivery again now; the page resumes refreshing."""
        with session_scope() as session:
            actor = await require_actor(self, session)
            post = post_service.retry_target(session, actor=actor, target_id=int(target_id))
            brand = brand_service.get_brand(session, actor=actor, brand_id=post.brand_id)
        self._show(post, brand.timezone)
        return rx.toast.info("Sending again now.")
