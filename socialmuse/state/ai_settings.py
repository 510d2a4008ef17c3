"""Settings → AI: the organization's three providers, their keys (write-only) and usage."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from socialmuse.db import session_scope
from socialmuse.services import ai_config
from socialmuse.services.ai_config import ProviderPublic
from socialmuse.services.errors import DomainError, PermissionDenied, ValidationError
from socialmuse.state.ai_assistant import AIAssistantState
from socialmuse.state.auth import require_actor
from socialmuse.state.forms import field_errors, text


def _whole_number(raw: str, field: str, what: str) -> int:
    cleaned = raw.replace(",", "").replace("_", "").strip() or "0"
    if not cleaned.isdigit():
        raise ValidationError(f"Enter {what} as a whole number.", field=field)
    return int(cleaned)


def _seconds(raw: str) -> float | None:
    cleaned = raw.strip()
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError:
        raise ValidationError("Enter the timeout in seconds, e.g. 60.", field="timeout_s") from None


def _row(view: ProviderPublic) -> dict[str, str]:
    cap = view.monthly_cap
    share = min(100, round(100 * view.used_this_month / cap)) if cap else 0
    usage = f"{view.used_this_month:,} {view.unit} this month (UTC)"
    if cap:
        usage = f"{view.used_this_month:,} of {cap:,} {view.unit} this month (UTC), {share}%"
    return {
        "kind": view.kind,
        "label": view.label,
        "configured": "yes" if view.configured else "",
        "base_url": view.base_url,
        "model": view.model,
        "image_model": view.image_model,
        "voice_id": view.voice_id,
        "key": (f"A key is set (ends in …{view.key_last4})" if view.key_last4 else "A key is set")
        if view.key_set
        else "No key stored",
        "monthly_cap": str(view.monthly_cap),
        "timeout_s": f"{view.timeout_s:g}",
        "usage": usage,
        "share": str(share),
    }


class AISettingsState(rx.State):
    """One row per provider kind; errors and test results keyed by kind."""

    providers: list[dict[str, str]] = []
    errors: dict[str, dict[str, str]] = {}
    results: dict[str, str] = {}
    denied: str = ""
    version: int = 0

    async def _reload(self) -> None:
        try:
            with session_scope() as session:
                views = ai_config.list_providers(session, actor=await require_actor(self, session))
        except PermissionDenied as exc:
            self.denied, self.providers = exc.message, []
            return
        self.denied = ""
        self.providers = [_row(v) for v in views]
        # The "Try it" panel on the same page follows at once (AI buttons appear or go).
        panel = await self.get_state(AIAssistantState)
        panel.configured = [v.kind for v in views if v.configured]

    @rx.event
    async def load(self) -> None:
        """Fresh settings and usage on every visit; forms start clean."""
        self.errors = {}
        self.results = {}
        await self._reload()

    @rx.event
    async def save(self, form_data: dict[str, str]) -> EventSpec | None:
        """Save one provider; a blank key field keeps the stored key."""
        kind = text(form_data, "kind")
        try:
            with session_scope() as session:
                view = ai_config.set_provider(
                    session,
                    actor=await require_actor(self, session),
                    kind=kind,
                    base_url=text(form_data, "base_url"),
                    model=text(form_data, "model"),
                    image_model=text(form_data, "image_model"),
                    voice_id=text(form_data, "voice_id"),
                    api_key=text(form_data, "api_key"),
                    monthly_cap=_whole_number(
                        text(form_data, "monthly_cap"), "monthly_cap", "the monthly cap"
                    ),
                    timeout_s=_seconds(text(form_data, "timeout_s")),
                )
        except DomainError as exc:
            self.errors = {**self.errors, kind: field_errors(exc)}
            return None
        self.errors = {**self.errors, kind: {}}
        self.results = {**self.results, kind: ""}
        await self._reload()
        self.version += 1
        return rx.toast.success(f"{view.label}: saved.")

    @rx.event
    async def check(self, kind: str) -> None:
        """Call the provider once with the saved settings and say what happened."""
        try:
            with session_scope() as session:
                message = ai_config.check_connection(
                    session, actor=await require_actor(self, session), kind=kind
                )
        except DomainError as exc:
            self.results = {**self.results, kind: f"Failed: {exc.message}"}
            return
        self.results = {**self.results, kind: message}

    @rx.event
    async def remove(self, kind: str) -> EventSpec:
        """Forget a provider and its key (this month's usage stays counted)."""
        with session_scope() as session:
            view = ai_config.clear_provider(
                session, actor=await require_actor(self, session), kind=kind
            )
        self.results = {**self.results, kind: ""}
        await self._reload()
        self.version += 1
        return rx.toast.info(f"{view.label}: removed.")
