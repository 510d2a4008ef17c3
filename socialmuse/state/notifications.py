"""The bell in the app's header: unread count and the latest notifications of this person."""

from __future__ import annotations

import dataclasses

import reflex as rx
from reflex.event import EventSpec

from socialmuse import routes
from socialmuse.db import session_scope
from socialmuse.services import notifications as notification_service
from socialmuse.services.errors import AuthError, PermissionDenied
from socialmuse.state.auth import require_actor
from socialmuse.state.current_brand import in_utc

SHOWN = 15


@dataclasses.dataclass
class NotificationRow:
    id: str = ""
    title: str = ""
    body: str = ""
    link: str = ""
    when: str = ""
    read: bool = False


class NotificationsState(rx.State):
    """Read when the shell appears and whenever the menu opens; clicking one marks it read."""

    unread: int = 0
    items: list[NotificationRow] = []

    @rx.var
    def badge(self) -> str:
        """The number on the bell: '' for none, '9+' past nine."""
        if self.unread == 0:
            return ""
        return "9+" if self.unread > 9 else str(self.unread)

    async def _fetch(self) -> None:
        with session_scope() as session:
            actor = await require_actor(self, session)
            self.unread = notification_service.unread_count(session, actor=actor)
            rows = notification_service.list_notifications(session, actor=actor, limit=SHOWN)
        self.items = [
            NotificationRow(
                id=str(n.id),
                title=n.title,
                body=n.body[:160],
                link=n.link if n.link and routes.is_local_path(n.link) else "",
                when=in_utc(n.created_at),
                read=n.read,
            )
            for n in rows
        ]

    @rx.event
    async def load(self) -> None:
        """Fresh count for the header of every page (nothing while the login is checked)."""
        try:
            await self._fetch()
        except (AuthError, PermissionDenied):
            self.unread, self.items = 0, []

    @rx.event
    async def opened(self, is_open: bool) -> None:
        """Opening the menu re-reads the list, so it is never older than the click."""
        if is_open:
            await self._fetch()

    @rx.event
    async def follow(self, notification_id: str, link: str) -> EventSpec | None:
        """Mark one notification read and go where it points."""
        with session_scope() as session:
            actor = await require_actor(self, session)
            notification_service.mark_read(
                session, actor=actor, notification_ids=[int(notification_id)]
            )
        await self._fetch()
        return rx.redirect(link) if link else None

    @rx.event
    async def mark_all_read(self) -> None:
        with session_scope() as session:
            actor = await require_actor(self, session)
            notification_service.mark_read(session, actor=actor)
        await self._fetch()
