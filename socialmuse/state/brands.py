"""Settings → Brands: list, create, edit, archive and restore."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from socialmuse.db import session_scope
from socialmuse.services import brands as brand_service
from socialmuse.services.errors import DomainError
from socialmuse.services.permissions import Actor
from socialmuse.state.auth import require_actor
from socialmuse.state.forms import field_errors, text
from socialmuse.state.shell import refresh_brands

TIMEZONES: list[str] = brand_service.timezone_choices()
"""Fixed for the process' lifetime, so pages render the picker's options at compile time."""


class BrandsState(rx.State):
    """One page of brands (an organization has few) and the create/edit forms' errors."""

    brands: list[dict[str, str]] = []
    show_archived: bool = False
    editing_id: str = ""
    create_errors: dict[str, str] = {}
    edit_errors: dict[str, str] = {}
    create_version: int = 0

    def _reload(self, session: Session, actor: Actor) -> None:
        self.brands = [
            {
                "id": str(brand.id),
                "name": brand.name,
                "timezone": brand.timezone,
                "voice": brand.voice,
                "status": "archived" if brand.archived else "active",
            }
            for brand in brand_service.list_brands(
                session, actor=actor, include_archived=self.show_archived
            )
        ]

    async def _after_change(self, session: Session, actor: Actor) -> None:
        self._reload(session, actor)
        await refresh_brands(self, session, actor)

    @rx.event
    async def load(self) -> None:
        """Fresh list on every visit; forms start clean."""
        self.editing_id = ""
        self.create_errors = {}
        self.edit_errors = {}
        with session_scope() as session:
            self._reload(session, await require_actor(self, session))

    @rx.event
    async def set_show_archived(self, value: bool) -> None:
        """Include archived brands in the list (they can be restored from there)."""
        self.show_archived = value
        with session_scope() as session:
            self._reload(session, await require_actor(self, session))

    @rx.event
    async def create(self, form_data: dict[str, str]) -> EventSpec | None:
        """Add a brand; on a refusal nothing is created and the field says why."""
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                brand = brand_service.create_brand(
                    session,
                    actor=actor,
                    name=text(form_data, "name"),
                    timezone=text(form_data, "timezone"),
                    voice=text(form_data, "voice"),
                )
                await self._after_change(session, actor)
        except DomainError as exc:
            self.create_errors = field_errors(exc)
            return None
        self.create_errors = {}
        self.create_version += 1
        return rx.toast.success(f"Brand {brand.name} created.")

    @rx.event
    def start_edit(self, brand_id: str) -> None:
        """Open the edit form of one brand (one at a time)."""
        self.editing_id = brand_id
        self.edit_errors = {}

    @rx.event
    def cancel_edit(self) -> None:
        """Close the edit form without saving."""
        self.editing_id = ""
        self.edit_errors = {}

    @rx.event
    async def save_edit(self, form_data: dict[str, str]) -> EventSpec | None:
        """Save name, timezone and voice of the brand being edited."""
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                brand = brand_service.update_brand(
                    session,
                    actor=actor,
                    brand_id=int(self.editing_id),
                    name=text(form_data, "name"),
                    timezone=text(form_data, "timezone"),
                    voice=text(form_data, "voice"),
                )
                await self._after_change(session, actor)
        except DomainError as exc:
            self.edit_errors = field_errors(exc)
            return None
        self.editing_id = ""
        self.edit_errors = {}
        return rx.toast.success(f"Brand {brand.name} saved.")

    @rx.event
    async def archive(self, brand_id: str) -> EventSpec:
        """Hide a brand from pickers; its history stays and it can be restored."""
        with session_scope() as session:
            actor = await require_actor(self, session)
            brand = brand_service.archive_brand(session, actor=actor, brand_id=int(brand_id))
            await self._after_change(session, actor)
        return rx.toast.info(f"Brand {brand.name} archived.")

    @rx.event
    async def restore(self, brand_id: str) -> EventSpec:
        """Bring an archived brand back."""
        with session_scope() as session:
            actor = await require_actor(self, session)
            brand = brand_service.restore_brand(session, actor=actor, brand_id=int(brand_id))
            await self._after_change(session, actor)
        return rx.toast.success(f"Brand {brand.name} restored.")
