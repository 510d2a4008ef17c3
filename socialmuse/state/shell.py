"""What the app shell needs beyond the login: the brands of the switcher and the current one."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from socialmuse.db import session_scope
from socialmuse.services import brands as brand_service
from socialmuse.services.permissions import Actor
from socialmuse.state.auth import require_actor


class ShellState(rx.State):
    """The brand switcher; the chosen brand is kept in the browser, per organization."""

    brand_id: str = rx.LocalStorage("", name="socialmuse_brand")
    brands: list[dict[str, str]] = []

    @rx.var
    def brand_name(self) -> str:
        """The current brand's name, or '' when the organization has no brand yet."""
        for brand in self.brands:
            if brand["id"] == self.brand_id:
                return brand["name"]
        return ""

    def _refresh(self, session: Session, actor: Actor) -> None:
        """Reload the switcher; keeps the stored brand when it is still visible to the actor."""
        self.brands = [
            {"id": str(brand.id), "name": brand.name}
            for brand in brand_service.list_brands(session, actor=actor)
        ]
        if self.brand_id not in {brand["id"] for brand in self.brands}:
            self.brand_id = self.brands[0]["id"] if self.brands else ""

    @rx.event
    async def load(self) -> None:
        """Second on_load of every protected page, after ``AuthState.check``."""
        with session_scope() as session:
            self._refresh(session, await require_actor(self, session))

    @rx.event
    def select_brand(self, brand_id: str) -> None:
        """Remember the brand the person works on; pages read it from here."""
        if brand_id in {brand["id"] for brand in self.brands}:
            self.brand_id = brand_id


async def refresh_brands(state: rx.State, session: Session, actor: Actor) -> None:
    """Called after a brand is created, renamed, archived or restored."""
    shell = await state.get_state(ShellState)
    shell._refresh(session, actor)
