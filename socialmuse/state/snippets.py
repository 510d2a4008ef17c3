"""Settings → Snippets: the templates, signatures and hashtag groups the composer inserts."""

from __future__ import annotations

import reflex as rx

from socialmuse.db import session_scope
from socialmuse.services import snippets as snippet_service
from socialmuse.services.errors import DomainError
from socialmuse.state.auth import require_actor
from socialmuse.state.current_brand import current_brand
from socialmuse.state.forms import FORM, field_errors, text

FIELDS = ("kind", "name", "body")


class SnippetsState(rx.State):
    """The current brand's snippets plus those shared by every brand."""

    brand_id: str = ""
    brand_name: str = ""
    snippets: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    form_version: int = 0
    editing: str = ""
    edit_errors: dict[str, str] = {}

    async def _reload(self) -> None:
        with session_scope() as session:
            actor = await require_actor(self, session)
            brand = await current_brand(self, session, actor)
            self.brand_id = str(brand.id) if brand else ""
            self.brand_name = brand.name if brand else ""
            rows = snippet_service.list_snippets(
                session, actor=actor, brand_id=brand.id if brand else None
            )
        self.snippets = [
            {
                "id": str(s.id),
                "kind": s.kind.value,
                "kind_label": s.kind_label,
                "name": s.name,
                "body": s.body,
                "scope": "Every brand" if s.brand_id is None else self.brand_name,
            }
            for s in rows
        ]

    @rx.event
    async def load(self) -> None:
        self.errors, self.edit_errors, self.editing = {}, {}, ""
        await self._reload()

    @rx.event
    async def create(self, form_data: dict[str, str]) -> None:
        """Add a snippet for this brand (or, ticked, for every brand)."""
        shared = text(form_data, "shared") not in ("", "off")
        try:
            with session_scope() as session:
                snippet_service.create_snippet(
                    session,
                    actor=await require_actor(self, session),
                    kind=text(form_data, "kind") or "template",
                    name=text(form_data, "name"),
                    body=text(form_data, "body"),
                    brand_id=None if shared or not self.brand_id else int(self.brand_id),
                )
        except DomainError as exc:
            self.errors = {(k if k in FIELDS else FORM): v for k, v in field_errors(exc).items()}
            return
        self.errors = {}
        self.form_version += 1
        await self._reload()

    @rx.event
    def start_edit(self, snippet_id: str) -> None:
        self.editing, self.edit_errors = snippet_id, {}

    @rx.event
    def cancel_edit(self) -> None:
        self.editing, self.edit_errors = "", {}

    @rx.event
    async def save_edit(self, form_data: dict[str, str]) -> None:
        try:
            with session_scope() as session:
                snippet_service.update_snippet(
                    session,
                    actor=await require_actor(self, session),
                    snippet_id=int(self.editing),
                    name=text(form_data, "name"),
                    body=text(form_data, "body"),
                )
        except DomainError as exc:
            self.edit_errors = {
                (k if k in FIELDS else FORM): v for k, v in field_errors(exc).items()
            }
            return
        self.editing, self.edit_errors = "", {}
        await self._reload()

    @rx.event
    async def delete(self, snippet_id: str) -> None:
        with session_scope() as session:
            snippet_service.delete_snippet(
                session, actor=await require_actor(self, session), snippet_id=int(snippet_id)
            )
        await self._reload()
