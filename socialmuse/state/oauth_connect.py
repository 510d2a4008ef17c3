"""Settings → Accounts, the sign-in half: send the browser to a network, read what came back.

``start`` asks ``services.oauth_connect`` for the network's authorization URL and redirects
the browser there, after writing the state's nonce into a cookie the callback must bring
back. The callback (``api.oauth``) returns to the page with ``connected`` or ``oauth_error``
in the query, and with a sealed cookie listing other accounts the sign-in may connect.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from typing import TypeVar

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from socialmuse.db import session_scope
from socialmuse.models.enums import Platform
from socialmuse.services import oauth_choices, oauth_connect
from socialmuse.services.accounts import PLATFORM_LABELS
from socialmuse.services.errors import DomainError
from socialmuse.services.oauth_apps import (
    APP_PLATFORMS,
    CHOICES_COOKIE,
    NONCE_COOKIE,
    setup_hint,
)
from socialmuse.services.permissions import Actor
from socialmuse.state.accounts import AccountsState
from socialmuse.state.auth import require_actor
from socialmuse.state.forms import field_errors, text

T = TypeVar("T")


def _choice_label(choice: oauth_choices.Choice) -> str:
    kinds = {"organization": "LinkedIn page", "page": "Facebook Page", "member": "profile"}
    return f"{choice.name} ({kinds.get(choice.kind, choice.kind)})"


class OAuthConnectState(rx.State):
    """Which networks offer a sign-in button, the outcome notice, and the pending choices."""

    oauth_nonce: str = rx.Cookie("", name=NONCE_COOKIE, max_age=oauth_connect.STATE_MAX_AGE_S)
    oauth_choices: str = rx.Cookie("", name=CHOICES_COOKIE, max_age=oauth_choices.PENDING_MAX_AGE_S)
    networks: list[dict[str, str]] = []
    notice: str = ""
    notice_error: str = ""
    choices: list[dict[str, str]] = []
    mastodon_errors: dict[str, str] = {}
    start_error: str = ""

    async def _run(self, work: Callable[[Session, Actor, int], T]) -> T:
        """Check the login, then talk to the network off the event loop."""
        accounts = await self.get_state(AccountsState)
        brand_id = int(accounts.brand_id)
        with session_scope() as session:
            actor = await require_actor(self, session)

        def attempt() -> T:
            with session_scope() as session:
                return work(session, actor, brand_id)

        return await asyncio.to_thread(attempt)

    @rx.event
    async def load(self) -> None:
        """The sign-in buttons, the callback's outcome, and any accounts still to choose."""
        self.networks = [
            {"platform": p.value, "label": PLATFORM_LABELS[p], "hint": setup_hint(p)}
            for p in APP_PLATFORMS
        ]
        self.mastodon_errors, self.start_error = {}, ""
        query = self.router.url.query_parameters
        connected = str(query.get("connected", ""))
        self.notice_error = str(query.get("oauth_error", ""))
        self.notice = ""
        if connected in {p.value for p in Platform}:
            label = PLATFORM_LABELS[Platform(connected)]
            handle = str(query.get("handle", ""))
            self.notice = (
                f"{label} account {handle} connected." if handle else f"{label} connected."
            )
        self.choices = []
        if self.oauth_choices:
            with session_scope() as session:
                actor = await require_actor(self, session)
                try:
                    offered = oauth_choices.pending_choices(
                        session, actor=actor, pending_token=self.oauth_choices
                    )
                except DomainError:
                    offered = []
            self.choices = [{"id": c.id, "label": _choice_label(c)} for c in offered]
            if not offered:
                self.oauth_choices = ""

    async def _start(self, platform: Platform, instance_url: str | None) -> EventSpec:
        nonce = secrets.token_urlsafe(24)
        url = await self._run(
            lambda session, actor, brand_id: oauth_connect.start(
                session,
                actor=actor,
                brand_id=brand_id,
                platform=platform,
                browser_nonce=nonce,
                instance_url=instance_url,
            )
        )
        self.oauth_nonce = nonce  # written to the cookie before the redirect below runs
        return rx.redirect(url)

    @rx.event
    async def start(self, platform: str) -> EventSpec | None:
        """Go to the network's sign-in page (X, LinkedIn, Facebook, Instagram, Threads)."""
        try:
            return await self._start(Platform(platform), None)
        except DomainError as exc:
            self.start_error = exc.message
            return None

    @rx.event
    async def start_mastodon(self, form_data: dict[str, str]) -> EventSpec | None:
        """Register SocialMuse on the instance (once) and go to its sign-in page."""
        try:
            return await self._start(Platform.MASTODON, text(form_data, "instance_url"))
        except DomainError as exc:
            self.mastodon_errors = field_errors(exc)
            return None

    @rx.event
    async def connect_choice(self, choice_id: str) -> EventSpec | None:
        """Connect one more account the last sign-in offered."""
        token = self.oauth_choices
        try:
            account = await self._run(
                lambda session, actor, _: oauth_choices.connect_choice(
                    session, actor=actor, pending_token=token, choice_id=choice_id
                )
            )
        except DomainError as exc:
            return rx.toast.error(exc.message)
        self.choices = [c for c in self.choices if c["id"] != choice_id]
        if not self.choices:
            self.oauth_choices = ""
        accounts = await self.get_state(AccountsState)
        with session_scope() as session:
            accounts._reload(session, await require_actor(self, session))
        return rx.toast.success(f"{account.platform_label} account {account.handle} connected.")

    @rx.event
    def dismiss_choices(self) -> None:
        """Not now: forget the other accounts this sign-in offered."""
        self.choices = []
        self.oauth_choices = ""
