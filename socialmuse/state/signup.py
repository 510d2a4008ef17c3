"""The sign-up form: a new person, their organization and their first login in one step."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from socialmuse import routes
from socialmuse.db import session_scope
from socialmuse.services import auth as auth_service
from socialmuse.services.errors import DomainError
from socialmuse.state.auth import store_login
from socialmuse.state.forms import field_errors, text


class SignUpState(rx.State):
    """Field errors of the last attempt; the typed values stay in the browser's inputs."""

    errors: dict[str, str] = {}

    @rx.event
    async def submit(self, form_data: dict[str, str]) -> EventSpec | None:
        """Create the account; on any refusal nothing is created and the field says why."""
        try:
            with session_scope() as session:
                signed_in = auth_service.sign_up(
                    session,
                    email=text(form_data, "email"),
                    password=text(form_data, "password"),
                    name=text(form_data, "name"),
                    organization_name=text(form_data, "organization_name"),
                    ip=self.router.session.client_ip or None,
                    user_agent=self.router.headers.user_agent or None,
                )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return None
        self.errors = {}
        await store_login(self, signed_in)
        return rx.redirect(routes.DASHBOARD)
