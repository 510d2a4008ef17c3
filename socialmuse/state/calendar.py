"""The calendar page: the current brand's posts by month, week, day or as a list.

All times are the brand's wall time (``calendar_grid``). Moving a post, by dragging it or
through "Move to…", sends a local time string to ``services.calendar.reschedule_post``,
which refuses the past and DST gaps in plain words.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from socialmuse import routes
from socialmuse.db import session_scope
from socialmuse.models.enums import PostStatus
from socialmuse.services import accounts as account_service
from socialmuse.services import calendar as calendar_service
from socialmuse.services import campaigns as campaign_service
from socialmuse.services import slots as slot_service
from socialmuse.services import tags as tag_service
from socialmuse.services.errors import DomainError
from socialmuse.services.permissions import Actor
from socialmuse.state.auth import require_actor
from socialmuse.state.calendar_grid import (
    VIEWS,
    DayCell,
    EntryView,
    SlotCell,
    build_days,
    build_slots,
    entry_view,
    parse_day,
    period,
    step,
    today_in,
)
from socialmuse.state.current_brand import current_brand, in_zone
from socialmuse.state.forms import field_errors, text
from socialmuse.state.post_labels import POST_STATUS_LABELS

ALL = "all"
STATUS_CHOICES: list[dict[str, str]] = [
    {"value": s.value, "label": POST_STATUS_LABELS[s].capitalize()} for s in PostStatus
]


class CalendarState(rx.State):
    """What the calendar shows and the filters that narrow it."""

    brand_id: str = ""
    brand_name: str = ""
    timezone: str = ""
    view: str = "month"
    anchor: str = ""
    title: str = ""
    days: list[DayCell] = []
    slots: list[SlotCell] = []
    unscheduled: list[EntryView] = []
    total: int = 0

    account_filter: str = ALL
    campaign_filter: str = ALL
    tag_filter: str = ALL
    status_filter: str = ALL
    query: str = ""
    accounts: list[dict[str, str]] = []
    campaigns: list[dict[str, str]] = []
    tags: list[dict[str, str]] = []

    move_open: bool = False
    move_post_id: str = ""
    move_default: str = ""
    move_errors: dict[str, str] = {}
    problem: str = ""

    @rx.var
    def filtered(self) -> bool:
        """Whether any filter narrows the calendar (the page offers to clear them)."""
        narrowing = (self.account_filter, self.campaign_filter, self.tag_filter, self.status_filter)
        return self.query != "" or any(value != ALL for value in narrowing)

    def _options(self, session: Session, actor: Actor, brand_id: int) -> None:
        self.accounts = [
            {"id": str(a.id), "label": f"{a.platform_label} @{a.handle}"}
            for a in account_service.list_accounts(session, actor=actor, brand_id=brand_id)
        ]
        self.campaigns = [
            {"id": str(c.id), "label": c.name, "color": c.color}
            for c in campaign_service.list_campaigns(session, actor=actor, brand_id=brand_id)
        ]
        self.tags = [
            {"id": str(t.id), "label": t.name, "color": t.color}
            for t in tag_service.list_tags(session, actor=actor)
        ]
        for attr, options in (
            ("account_filter", self.accounts),
            ("campaign_filter", self.campaigns),
            ("tag_filter", self.tags),
        ):
            if getattr(self, attr) not in {o["id"] for o in options}:
                setattr(self, attr, ALL)

    def _fill(self, session: Session, actor: Actor) -> None:
        """Read the period's posts with the filters and lay them out in local cells."""
        if not self.brand_id:
            self.days, self.slots, self.unscheduled, self.total = [], [], [], 0
            return
        today = today_in(self.timezone)
        if self.view not in VIEWS:
            self.view = "month"
        anchor = parse_day(self.anchor, today)
        self.anchor = anchor.isoformat()
        per = period(self.view, anchor, self.timezone)
        self.title = per.title
        found = calendar_service.list_calendar(
            session,
            actor=actor,
            brand_id=int(self.brand_id),
            start_utc=per.start_utc,
            end_utc=per.end_utc,
            account_ids=[int(self.account_filter)] if self.account_filter != ALL else None,
            campaign_id=int(self.campaign_filter) if self.campaign_filter != ALL else None,
            tag_ids=[int(self.tag_filter)] if self.tag_filter != ALL else None,
            statuses=[self.status_filter] if self.status_filter != ALL else None,
            query=self.query or None,
            include_unscheduled=self.view == "list",
        )
        zone = ZoneInfo(self.timezone)
        views = [entry_view(e, zone) for e in found]
        self.unscheduled = [v for v in views if not v.date]
        placed = [v for v in views if v.date]
        self.total = len(views)
        cells = build_days(per, placed, today)
        self.days = [c for c in cells if c.posts] if self.view == "list" else cells
        self.slots = build_slots(per, placed) if self.view in ("week", "day") else []

    async def _reload(self) -> None:
        with session_scope() as session:
            actor = await require_actor(self, session)
            self._fill(session, actor)

    @rx.event
    async def load(self) -> None:
        """On every visit and after a brand switch: the brand, its filter choices, the period."""
        self.move_open, self.problem = False, ""
        with session_scope() as session:
            actor = await require_actor(self, session)
            brand = await current_brand(self, session, actor)
            if brand is None:
                self.brand_id, self.brand_name, self.days = "", "", []
                return
            if str(brand.id) != self.brand_id:
                self.anchor = ""
            self.brand_id, self.brand_name, self.timezone = (
                str(brand.id),
                brand.name,
                brand.timezone,
            )
            self._options(session, actor, brand.id)
            self._fill(session, actor)

    @rx.event
    async def set_view(self, view: str | list[str]) -> None:
        """Month, week, day or list (the segmented control sends one value)."""
        chosen = view if isinstance(view, str) else (view[0] if view else "")
        self.view = chosen if chosen in VIEWS else "month"
        await self._reload()

    @rx.event
    async def navigate(self, direction: int) -> None:
        """Previous (-1) or next (+1) period."""
        anchor = parse_day(self.anchor, today_in(self.timezone))
        self.anchor = step(self.view, anchor, direction).isoformat()
        await self._reload()

    @rx.event
    async def go_today(self) -> None:
        self.anchor = today_in(self.timezone).isoformat()
        await self._reload()

    @rx.event
    async def go_to(self, value: str) -> None:
        """Jump to a date typed in the date picker (ignored until it is a whole date)."""
        try:
            self.anchor = date.fromisoformat(value).isoformat()
        except ValueError:
            return
        await self._reload()

    @rx.event
    async def open_day(self, day: str) -> None:
        """A day's number opens that day in the day view."""
        self.anchor, self.view = day, "day"
        await self._reload()

    @rx.event
    async def set_filter(self, name: str, value: str) -> None:
        if name in ("account_filter", "campaign_filter", "tag_filter", "status_filter"):
            setattr(self, name, value or ALL)
            await self._reload()

    @rx.event
    async def search(self, form_data: dict[str, str]) -> None:
        self.query = text(form_data, "query").strip()
        await self._reload()

    @rx.event
    async def clear_filters(self) -> None:
        self.account_filter = self.campaign_filter = self.tag_filter = self.status_filter = ALL
        self.query = ""
        await self._reload()

    async def _move(self, post_id: str, at: str) -> str:
        """Reschedule; returns the new local time for the toast."""
        with session_scope() as session:
            actor = await require_actor(self, session)
            entry = calendar_service.reschedule_post(
                session, actor=actor, post_id=int(post_id), at=at
            )
            self._fill(session, actor)
        return in_zone(entry.scheduled_at, self.timezone)

    @rx.event
    async def drop(self, form_data: dict[str, str]) -> EventSpec:
        """A post dropped on a day (keeps its time) or an hour (keeps its minutes)."""
        post_id, at = text(form_data, "post_id"), text(form_data, "at")
        if not post_id.isdigit():
            return rx.toast.error("Drop a post from the calendar.")
        try:
            moved = await self._move(post_id, at)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        return rx.toast.success(f"Moved to {moved}.")

    @rx.event
    def start_move(self, post_id: str, local_iso: str) -> None:
        """Open "Move to…" for a post, with its current local time filled in."""
        self.move_post_id, self.move_default = post_id, local_iso
        self.move_errors, self.move_open = {}, True

    @rx.event
    def set_move_open(self, is_open: bool) -> None:
        self.move_open = is_open

    @rx.event
    async def move(self, form_data: dict[str, str]) -> EventSpec | None:
        """The keyboard and date-picker way to reschedule; refusals stay in the dialog."""
        try:
            moved = await self._move(self.move_post_id, text(form_data, "at"))
        except DomainError as exc:
            errors = field_errors(exc)
            self.move_errors = {"at": errors.get("at") or next(iter(errors.values()))}
            return None
        self.move_open, self.move_errors = False, {}
        return rx.toast.success(f"Moved to {moved}.")

    @rx.event
    async def duplicate(self, post_id: str) -> EventSpec:
        """A draft copy with the same accounts, text, media and tags; opens nothing by itself."""
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                copy_id = calendar_service.duplicate_post(
                    session, actor=actor, post_id=int(post_id)
                )
                self._fill(session, actor)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        return rx.toast.success(f"Draft copy #{copy_id} created.")

    @rx.event
    async def queue(self, post_id: str) -> EventSpec:
        """Schedule a draft or approved post at its accounts' next free posting slot."""
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                when = slot_service.queue_post(session, actor=actor, post_id=int(post_id))
                self._fill(session, actor)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        return rx.toast.success(f"Queued for {in_zone(when, self.timezone)}.")

    @rx.event
    def open_post(self, post_id: str) -> EventSpec:
        return rx.redirect(routes.post_path(post_id))
