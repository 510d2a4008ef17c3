"""Compose: write one text for some of the brand's accounts, publish it now or schedule it.

The text area stays uncontrolled (the browser keeps what was typed, even when the post is
refused); its ``on_change`` only feeds the live character counter, which measures with
``platforms.text_rules.count``, the same rules the services refuse on.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from socialmuse import routes
from socialmuse.db import session_scope
from socialmuse.models.enums import AccountStatus, Platform
from socialmuse.platforms import text_rules
from socialmuse.services import accounts as account_service
from socialmuse.services import posts as post_service
from socialmuse.services.errors import DomainError
from socialmuse.services.permissions import Actor
from socialmuse.state.accounts import account_row
from socialmuse.state.auth import require_actor
from socialmuse.state.current_brand import current_brand, in_zone
from socialmuse.state.forms import FORM, field_errors, text
from socialmuse.state.post_labels import POST_STATUS_LABELS

FIELDS = ("text", "at", "account_ids")
"""Fields the form shows errors under; any other refusal goes above the submit button."""

RECENT_POSTS = 20

_UNITS = {"graphemes": "characters"}
"""How a counter's unit reads to a person (a grapheme is what anyone calls a character)."""


class ComposeState(rx.State):
    """The loaded brand, its accounts, what the person chose, and the brand's recent posts."""

    brand_id: str = ""
    timezone: str = ""
    accounts: list[dict[str, str]] = []
    selected: list[str] = []
    text: str = ""
    mode: str = "now"
    errors: dict[str, str] = {}
    posts: list[dict[str, str]] = []
    form_version: int = 0

    @rx.var(cache=True)
    def counts(self) -> list[dict[str, str]]:
        """One counter per network among the chosen accounts, as that network measures."""
        platforms = dict.fromkeys(a["platform"] for a in self.accounts if a["id"] in self.selected)
        rows = []
        for platform in platforms:
            measured = text_rules.count(Platform(platform), self.text)
            unit = _UNITS.get(measured.unit, measured.unit)
            label = f"{measured.length:,} / {measured.limit:,} {unit}"
            if measured.bytes is not None and measured.byte_limit is not None:
                label += f", {measured.bytes:,} / {measured.byte_limit:,} bytes"
            rows.append(
                {
                    "platform": platform,
                    "network": text_rules.NETWORK_NAMES[Platform(platform)],
                    "label": label,
                    "over": "yes" if measured.over else "",
                }
            )
        return rows

    def _reload_posts(self, session: Session, actor: Actor) -> None:
        self.posts = [
            {
                "id": str(post.id),
                "href": routes.post_path(post.id),
                "text": post.text if len(post.text) <= 90 else post.text[:89] + "…",
                "status": post.status.value,
                "status_label": POST_STATUS_LABELS.get(post.status, post.status.value),
                "when": in_zone(post.scheduled_at, self.timezone),
                "progress": f"{post.published_count} of {post.target_count} published",
            }
            for post in post_service.list_posts(
                session, actor=actor, brand_id=int(self.brand_id), limit=RECENT_POSTS
            )
        ]

    @rx.event
    async def load(self) -> None:
        """A clean form for the switcher's brand; one account is chosen for you."""
        self.errors, self.text, self.mode = {}, "", "now"
        self.form_version += 1
        with session_scope() as session:
            actor = await require_actor(self, session)
            brand = await current_brand(self, session, actor)
            self.brand_id = str(brand.id) if brand else ""
            self.timezone = brand.timezone if brand else ""
            if brand is None:
                self.accounts, self.selected, self.posts = [], [], []
                return
            self.accounts = [
                account_row(a)
                for a in account_service.list_accounts(session, actor=actor, brand_id=brand.id)
            ]
            usable = [
                a["id"] for a in self.accounts if a["status"] != AccountStatus.RECONNECT_NEEDED
            ]
            self.selected = usable if len(usable) == 1 else []
            self._reload_posts(session, actor)

    @rx.event
    def set_text(self, value: str) -> None:
        """Feed the counter as the person types."""
        self.text = value

    @rx.event
    def toggle_account(self, account_id: str, checked: bool) -> None:
        """Tick or untick one account; the counters follow."""
        chosen = [i for i in self.selected if i != account_id]
        self.selected = [*chosen, account_id] if checked else chosen

    @rx.event
    def set_mode(self, value: str) -> None:
        """``now`` or ``later`` (a date-time in the brand's timezone)."""
        self.mode = value if value in ("now", "later") else "now"
        self.errors = {k: v for k, v in self.errors.items() if k != "at"}

    @rx.event
    async def submit(self, form_data: dict[str, str]) -> EventSpec | None:
        """Create the post; on a refusal the message sits under the field and nothing is lost."""
        self.text = text(form_data, "text")
        at = text(form_data, "at").strip() if self.mode == "later" else ""
        if self.mode == "later" and not at:
            self.errors = {"at": f"Choose a date and time ({self.timezone}), or Publish now."}
            return None
        try:
            with session_scope() as session:
                post = post_service.create_post(
                    session,
                    actor=await require_actor(self, session),
                    brand_id=int(self.brand_id),
                    account_ids=[int(i) for i in self.selected],
                    text=self.text,
                    at=at or None,
                    now=self.mode == "now",
                )
        except DomainError as exc:
            errors = field_errors(exc)
            self.errors = {(k if k in FIELDS else FORM): v for k, v in errors.items()}
            return None
        self.errors, self.text = {}, ""
        return rx.redirect(routes.post_path(post.id))
