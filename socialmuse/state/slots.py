"""Settings → Posting slots: each account's weekly times, and where "add to queue" lands next."""

from __future__ import annotations

import dataclasses

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from socialmuse.db import session_scope
from socialmuse.services import accounts as account_service
from socialmuse.services import slots as slot_service
from socialmuse.services.errors import DomainError
from socialmuse.services.permissions import Actor
from socialmuse.state.auth import require_actor
from socialmuse.state.current_brand import current_brand, in_zone
from socialmuse.state.forms import field_errors, text


@dataclasses.dataclass
class SlotChip:
    id: str = ""
    label: str = ""


@dataclasses.dataclass
class AccountSlots:
    id: str = ""
    label: str = ""
    slots: list[SlotChip] = dataclasses.field(default_factory=list)
    next_free: str = ""


class SlotsState(rx.State):
    """The current brand's accounts with their slots; errors keyed by account id."""

    brand_id: str = ""
    brand_name: str = ""
    timezone: str = ""
    accounts: list[AccountSlots] = []
    errors: dict[str, str] = {}
    version: int = 0

    def _reload(self, session: Session, actor: Actor) -> None:
        if not self.brand_id:
            self.accounts = []
            return
        brand_id = int(self.brand_id)
        chips: dict[int, list[SlotChip]] = {}
        for slot in slot_service.list_slots(session, actor=actor, brand_id=brand_id):
            chips.setdefault(slot.account_id, []).append(
                SlotChip(id=str(slot.id), label=f"{slot.weekday_label[:3]} {slot.time_label}")
            )
        rows = []
        for account in account_service.list_accounts(session, actor=actor, brand_id=brand_id):
            next_free = ""
            if chips.get(account.id):
                when = slot_service.next_free_slot(
                    session, actor=actor, brand_id=brand_id, account_ids=[account.id]
                )
                next_free = in_zone(when, self.timezone)
            rows.append(
                AccountSlots(
                    id=str(account.id),
                    label=f"{account.platform_label} @{account.handle}",
                    slots=chips.get(account.id, []),
                    next_free=next_free,
                )
            )
        self.accounts = rows

    @rx.event
    async def load(self) -> None:
        self.errors = {}
        with session_scope() as session:
            actor = await require_actor(self, session)
            brand = await current_brand(self, session, actor)
            self.brand_id = str(brand.id) if brand else ""
            self.brand_name = brand.name if brand else ""
            self.timezone = brand.timezone if brand else ""
            self._reload(session, actor)

    @rx.event
    async def add(self, form_data: dict[str, str]) -> EventSpec | None:
        """Add a weekly slot to one account; a refusal stays under that account's form."""
        account_id = text(form_data, "account_id")
        weekday = text(form_data, "weekday")
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                added = slot_service.add_slot(
                    session,
                    actor=actor,
                    account_id=int(account_id),
                    weekday=int(weekday) if weekday.isdigit() else -1,
                    at=text(form_data, "time"),
                )
                self._reload(session, actor)
        except DomainError as exc:
            self.errors = {account_id: next(iter(field_errors(exc).values()))}
            return None
        self.errors = {}
        self.version += 1
        return rx.toast.success(f"Slot added: {added.weekday_label} {added.time_label}.")

    @rx.event
    async def delete(self, slot_id: str) -> EventSpec:
        with session_scope() as session:
            actor = await require_actor(self, session)
            slot_service.delete_slot(session, actor=actor, slot_id=int(slot_id))
            self._reload(session, actor)
        return rx.toast.info("Slot removed.")
