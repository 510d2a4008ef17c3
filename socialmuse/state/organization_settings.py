"""Settings → Organization: rename it, or start another one."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from socialmuse import routes
from socialmuse.db import session_scope
from socialmuse.services import auth as auth_service
from socialmuse.services import organizations as organization_service
from socialmuse.services.errors import DomainError
from socialmuse.state.auth import AuthState, require_actor
from socialmuse.state.forms import field_errors, text


class OrganizationSettingsState(rx.State):
    """The organization's name and the errors of both forms."""

    name: str = ""
    created_at: str = ""
    rename_errors: dict[str, str] = {}
    create_errors: dict[str, str] = {}
    form_version: int = 0

    @rx.event
    async def load(self) -> None:
        """Read the organization fresh on every visit."""
        with session_scope() as session:
            organization = organization_service.get_organization(
                session, actor=await require_actor(self, session)
            )
        self.name = organization.name
        self.created_at = organization.created_at.date().isoformat()
        self.rename_errors = {}
        self.create_errors = {}
        self.form_version += 1

    @rx.event
    async def rename(self, form_data: dict[str, str]) -> EventSpec | None:
        """Rename the current organization (admins)."""
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                organization = organization_service.rename_organization(
                    session, actor=actor, name=text(form_data, "name")
                )
                auth = await self.get_state(AuthState)
                auth._remember(session, actor)
        except DomainError as exc:
            self.rename_errors = field_errors(exc)
            return None
        self.rename_errors = {}
        self.name = organization.name
        return rx.toast.success("Organization renamed.")

    @rx.event
    async def create(self, form_data: dict[str, str]) -> EventSpec | None:
        """Start another organization, owned by this person, and switch to it."""
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                summary = organization_service.create_organization(
                    session, actor=actor, name=text(form_data, "organization_name")
                )
                auth = await self.get_state(AuthState)
                auth._remember(
                    session,
                    auth_service.switch_organization(
                        session, token=auth.token, organization_id=summary.id
                    ),
                )
        except DomainError as exc:
            self.create_errors = field_errors(exc)
            return None
        self.create_errors = {}
        return rx.redirect(routes.DASHBOARD)
