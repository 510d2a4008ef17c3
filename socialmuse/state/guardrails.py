"""Brand guardrails on Settings → Brands: banned words and claims, the required disclosure.

Also checks a sample text against the saved rules, so a brand owner sees what a writer
will be told before anyone writes a post.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from socialmuse.db import session_scope
from socialmuse.services import brands as brand_service
from socialmuse.services import guardrails
from socialmuse.services.errors import DomainError
from socialmuse.state.auth import require_actor
from socialmuse.state.forms import field_errors, text
from socialmuse.state.shell import ShellState


class GuardrailsState(rx.State):
    """The brand being edited (the switcher's, or one picked here) and its rules as text."""

    brands: list[dict[str, str]] = []
    brand_id: str = ""
    banned_words: str = ""
    banned_claims: str = ""
    required_disclosure: str = ""
    errors: dict[str, str] = {}
    sample: str = ""
    sample_problems: list[str] = []
    sample_checked: bool = False
    version: int = 0

    async def _load_brand(self) -> None:
        with session_scope() as session:
            actor = await require_actor(self, session)
            self.brands = [
                {"id": str(b.id), "name": b.name}
                for b in brand_service.list_brands(session, actor=actor)
            ]
            if self.brand_id not in {b["id"] for b in self.brands}:
                shell = await self.get_state(ShellState)
                ids = [b["id"] for b in self.brands]
                self.brand_id = shell.brand_id if shell.brand_id in ids else (ids[0] if ids else "")
            if not self.brand_id:
                return
            rules = guardrails.get_guardrails(session, actor=actor, brand_id=int(self.brand_id))
        self.banned_words = "\n".join(rules.banned_words)
        self.banned_claims = "\n".join(rules.banned_claims)
        self.required_disclosure = rules.required_disclosure
        self.version += 1

    @rx.event
    async def load(self) -> None:
        """Fresh rules for the current brand whenever the section is shown."""
        self.errors, self.sample_problems, self.sample_checked = {}, [], False
        await self._load_brand()

    @rx.event
    async def pick_brand(self, brand_id: str) -> None:
        self.brand_id = brand_id
        self.errors, self.sample_problems, self.sample_checked = {}, [], False
        await self._load_brand()

    @rx.event
    async def save(self, form_data: dict[str, str]) -> EventSpec | None:
        """Replace the brand's rules; refusals show under the field, the text stays."""
        self.banned_words = text(form_data, "banned_words")
        self.banned_claims = text(form_data, "banned_claims")
        self.required_disclosure = text(form_data, "required_disclosure")
        try:
            with session_scope() as session:
                saved = guardrails.update_guardrails(
                    session,
                    actor=await require_actor(self, session),
                    brand_id=int(self.brand_id),
                    banned_words=guardrails.parse_terms(self.banned_words),
                    banned_claims=guardrails.parse_terms(self.banned_claims),
                    required_disclosure=self.required_disclosure,
                )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return None
        self.errors = {}
        self.banned_words = "\n".join(saved.banned_words)
        self.banned_claims = "\n".join(saved.banned_claims)
        self.required_disclosure = saved.required_disclosure
        self.version += 1
        return rx.toast.success("Guardrails saved.")

    @rx.event
    def set_sample(self, value: str) -> None:
        self.sample = value

    @rx.event
    def check_sample(self) -> None:
        """What a writer would be told about this text, by the rules as they are on screen."""
        rules = {
            "banned_words": guardrails.parse_terms(self.banned_words),
            "banned_claims": guardrails.parse_terms(self.banned_claims),
            "required_disclosure": self.required_disclosure,
        }
        name = next((b["name"] for b in self.brands if b["id"] == self.brand_id), "this brand")
        self.sample_problems = [
            p.message for p in guardrails.check_rules(rules, self.sample, brand_name=name)
        ]
        self.sample_checked = True
