"""Settings → Accounts: the current brand's social accounts, connecting and disconnecting."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from socialmuse.db import session_scope
from socialmuse.models.enums import AccountStatus, Platform
from socialmuse.services import accounts as account_service
from socialmuse.services.accounts import AccountPublic
from socialmuse.services.errors import DomainError
from socialmuse.services.permissions import Actor
from socialmuse.state.auth import require_actor
from socialmuse.state.current_brand import current_brand
from socialmuse.state.forms import field_errors, text

SANDBOX_NOTE = "test network — nothing leaves this server"

_STATUS_COLORS = {
    AccountStatus.CONNECTED: "green",
    AccountStatus.RATE_LIMITED: "amber",
    AccountStatus.RECONNECT_NEEDED: "red",
    AccountStatus.DISCONNECTED: "gray",
}


def account_row(account: AccountPublic) -> dict[str, str]:
    """What a row shows; plain strings, so the frontend never sees credentials or models."""
    sandbox = account.platform == Platform.SANDBOX
    return {
        "id": str(account.id),
        "platform": account.platform.value,
        "network": "Sandbox" if sandbox else account.platform_label,
        "note": SANDBOX_NOTE if sandbox else "",
        "handle": account.handle,
        "status": account.status.value,
        "status_label": account.status_label,
        "status_color": _STATUS_COLORS[account.status],
        "last_error": account.last_error or "",
    }


class AccountsState(rx.State):
    """The loaded brand's accounts and the connect form's errors."""

    brand_id: str = ""
    brand_name: str = ""
    accounts: list[dict[str, str]] = []
    connect_errors: dict[str, str] = {}
    connect_version: int = 0
    mastodon_errors: dict[str, str] = {}
    mastodon_version: int = 0
    bluesky_errors: dict[str, str] = {}
    bluesky_version: int = 0

    def _reload(self, session: Session, actor: Actor) -> None:
        self.accounts = (
            [
                account_row(a)
                for a in account_service.list_accounts(
                    session, actor=actor, brand_id=int(self.brand_id)
                )
            ]
            if self.brand_id
            else []
        )

    @rx.event
    async def load(self) -> None:
        """Fresh list of the switcher's brand on every visit (and after a brand switch)."""
        self.connect_errors, self.mastodon_errors, self.bluesky_errors = {}, {}, {}
        with session_scope() as session:
            actor = await require_actor(self, session)
            brand = await current_brand(self, session, actor)
            self.brand_id = str(brand.id) if brand else ""
            self.brand_name = brand.name if brand else ""
            self._reload(session, actor)

    @rx.event
    async def connect_sandbox(self, form_data: dict[str, str]) -> EventSpec | None:
        """Add a Sandbox account to the brand; a refusal stays next to the handle."""
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                account = account_service.connect_sandbox(
                    session,
                    actor=actor,
                    brand_id=int(self.brand_id),
                    handle=text(form_data, "handle"),
                )
                self._reload(session, actor)
        except DomainError as exc:
            self.connect_errors = field_errors(exc)
            return None
        self.connect_errors = {}
        self.connect_version += 1
        return rx.toast.success(f"Sandbox account @{account.handle} connected.")

    @rx.event
    async def disconnect(self, account_id: str) -> EventSpec:
        """Forget the account's credentials; its posts and their history stay."""
        with session_scope() as session:
            actor = await require_actor(self, session)
            account = account_service.disconnect(session, actor=actor, account_id=int(account_id))
            self._reload(session, actor)
        return rx.toast.info(f"@{account.handle} disconnected.")

    async def _in_thread(self, connect: Callable[[Session, Actor], AccountPublic]) -> AccountPublic:
        """Connect through a real network off the event loop (it waits on HTTP).

        The login is checked first in its own short transaction; the network call and the
        saving of the account run in a worker thread, so other people's events keep flowing.
        """
        with session_scope() as session:
            actor = await require_actor(self, session)

        def attempt() -> AccountPublic:
            with session_scope() as session:
                return connect(session, actor)

        return await asyncio.to_thread(attempt)

    async def _connected(self, account: AccountPublic) -> EventSpec:
        with session_scope() as session:
            self._reload(session, await require_actor(self, session))
        return rx.toast.success(f"{account.platform_label} account @{account.handle} connected.")

    @rx.event
    async def connect_mastodon(self, form_data: dict[str, str]) -> EventSpec | None:
        """Connect a Mastodon account with an access token from the instance's settings."""
        brand_id = int(self.brand_id)
        try:
            account = await self._in_thread(
                lambda session, actor: account_service.connect_mastodon(
                    session,
                    actor=actor,
                    brand_id=brand_id,
                    instance_url=text(form_data, "instance_url"),
                    access_token=text(form_data, "access_token"),
                )
            )
        except DomainError as exc:
            self.mastodon_errors = field_errors(exc)
            return None
        self.mastodon_errors = {}
        self.mastodon_version += 1
        return await self._connected(account)

    @rx.event
    async def connect_bluesky(self, form_data: dict[str, str]) -> EventSpec | None:
        """Connect a Bluesky account with its handle and an app password."""
        brand_id = int(self.brand_id)
        try:
            account = await self._in_thread(
                lambda session, actor: account_service.connect_bluesky(
                    session,
                    actor=actor,
                    brand_id=brand_id,
                    service_url=text(form_data, "service_url"),
                    handle=text(form_data, "handle"),
                    app_password=text(form_data, "app_password"),
                )
            )
        except DomainError as exc:
            self.bluesky_errors = field_errors(exc)
            return None
        self.bluesky_errors = {}
        self.bluesky_version += 1
        return await self._connected(account)
