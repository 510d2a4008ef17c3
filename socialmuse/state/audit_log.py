"""Settings → Audit log: one page of events at a time, paginated in the database."""

from __future__ import annotations

import reflex as rx

from socialmuse.db import session_scope
from socialmuse.services import audit as audit_service
from socialmuse.services.errors import PermissionDenied
from socialmuse.state.auth import require_actor

PAGE_SIZE = 25


class AuditLogState(rx.State):
    """The rows of the current page plus what the pager needs."""

    events: list[dict[str, str]] = []
    page: int = 1
    total: int = 0
    denied: str = ""

    @rx.var
    def page_count(self) -> int:
        """At least one page, so an empty log reads "page 1 of 1"."""
        return max((self.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)

    async def _fetch(self) -> None:
        try:
            with session_scope() as session:
                result = audit_service.list_events(
                    session,
                    actor=await require_actor(self, session),
                    page=self.page,
                    page_size=PAGE_SIZE,
                )
        except PermissionDenied as exc:
            self.denied, self.events, self.total = exc.message, [], 0
            return
        self.denied = ""
        self.total = result.total
        self.events = [
            {
                "id": str(event.id),
                "when": event.created_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
                "action": event.action,
                "actor": event.actor,
                "target": event.target,
                "ip": event.ip,
                "details": event.summary,
            }
            for event in result.items
        ]

    @rx.event
    async def load(self) -> None:
        """Start at the newest events on every visit."""
        self.page = 1
        await self._fetch()

    @rx.event
    async def next_page(self) -> None:
        """Older events."""
        if self.page < self.page_count:
            self.page += 1
            await self._fetch()

    @rx.event
    async def previous_page(self) -> None:
        """Newer events."""
        if self.page > 1:
            self.page -= 1
            await self._fetch()
