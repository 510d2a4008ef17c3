"""The evergreen panel on a post's page: mark the post evergreen and tune its rule."""

from __future__ import annotations

import re

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from socialmuse.db import session_scope
from socialmuse.services import brands as brand_service
from socialmuse.services import evergreen as evergreen_service
from socialmuse.services.errors import DomainError, NotFound, PermissionDenied
from socialmuse.services.evergreen import EvergreenPublic
from socialmuse.services.permissions import Actor
from socialmuse.state.auth import require_actor
from socialmuse.state.current_brand import in_zone
from socialmuse.state.forms import FORM, field_errors, text

SEPARATOR = "---"
_SPLIT = re.compile(r"^\s*---\s*$", re.MULTILINE)


def split_variations(value: str) -> list[str]:
    """Variations are typed in one box, separated by a line holding only ``---``."""
    return [part.strip() for part in _SPLIT.split(value or "") if part.strip()]


def _number(form_data: dict[str, str], key: str, what: str) -> int:
    value = text(form_data, key).strip()
    if not value.isdigit():
        raise DomainError(f"Enter {what} as a whole number.", field=key)
    return int(value)


class EvergreenState(rx.State):
    """The shown post's rule (``active`` False and ``marked`` False when there is none)."""

    post_shown: str = ""
    marked: bool = False
    active: bool = False
    interval_days: str = "30"
    max_recycles: str = "5"
    cooldown_days: str = "14"
    variations: str = ""
    summary: str = ""
    next_at: str = ""
    errors: dict[str, str] = {}
    version: int = 0
    available: bool = False

    def _route_post_id(self) -> str:
        return str(getattr(self, "post_id", ""))

    def _show(self, rule: EvergreenPublic | None, timezone: str) -> None:
        self.marked = rule is not None
        if rule is None:
            self.active, self.summary, self.next_at = False, "", ""
            self.interval_days, self.max_recycles, self.cooldown_days = "30", "5", "14"
            self.variations = ""
            return
        self.active = rule.active
        self.interval_days = str(rule.interval_days)
        self.max_recycles = str(rule.max_recycles)
        self.cooldown_days = str(rule.cooldown_days)
        self.variations = f"\n{SEPARATOR}\n".join(rule.variations)
        self.summary = f"{rule.recycled_count} of {rule.max_recycles} copies made"
        self.next_at = in_zone(rule.next_recycle_at, timezone) if rule.next_recycle_at else ""
        self.version += 1

    @rx.event
    async def load(self) -> None:
        """Read the rule of the post in the URL (on mount of the panel)."""
        post_id = self._route_post_id()
        self.errors, self.post_shown = {}, post_id
        if not post_id.isdigit():
            self.available = False
            return
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                rule = evergreen_service.get_evergreen(session, actor=actor, post_id=int(post_id))
                timezone = self._timezone(session, actor, int(post_id))
        except (NotFound, PermissionDenied):
            self.available = False
            return
        self.available = True
        self._show(rule, timezone)

    @staticmethod
    def _timezone(session: Session, actor: Actor, post_id: int) -> str:
        from socialmuse.services.calendar import get_entry

        entry = get_entry(session, actor=actor, post_id=post_id)
        return brand_service.get_brand(session, actor=actor, brand_id=entry.brand_id).timezone

    @rx.event
    async def save(self, form_data: dict[str, str]) -> EventSpec | None:
        """Mark evergreen (or update the rule); refusals show next to their field."""
        post_id = int(self.post_shown)
        try:
            interval = _number(form_data, "interval_days", "the interval in days")
            cap = _number(form_data, "max_recycles", "the number of copies")
            cooldown = _number(form_data, "cooldown_days", "the cooldown in days")
            with session_scope() as session:
                actor = await require_actor(self, session)
                rule = evergreen_service.set_evergreen(
                    session,
                    actor=actor,
                    post_id=post_id,
                    interval_days=interval,
                    max_recycles=cap,
                    cooldown_days=cooldown,
                    variations=split_variations(text(form_data, "variations")),
                )
                timezone = self._timezone(session, actor, post_id)
        except DomainError as exc:
            self.errors = field_errors(exc)
            return None
        self.errors = {}
        self._show(rule, timezone)
        return rx.toast.success("Evergreen: this post will be recycled on its rule.")

    @rx.event
    async def stop(self) -> EventSpec:
        with session_scope() as session:
            actor = await require_actor(self, session)
            evergreen_service.clear_evergreen(session, actor=actor, post_id=int(self.post_shown))
        self._show(None, "")
        self.version += 1
        return rx.toast.info("No longer evergreen; copies already made stay.")


__all__ = ["FORM", "EvergreenState", "split_variations"]
