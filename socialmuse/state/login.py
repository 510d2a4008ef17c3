"""The log-in form."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from socialmuse import routes
from socialmuse.db import session_scope
from socialmuse.services import auth as auth_service
from socialmuse.services.errors import DomainError
from socialmuse.state.auth import store_login
from socialmuse.state.forms import FORM, text


class LogInState(rx.State):
    """Field errors of the last attempt."""

    errors: dict[str, str] = {}

    @rx.event
    async def submit(self, form_data: dict[str, str]) -> EventSpec | None:
        """Check the credentials; go back where the person came from (``?next=``) or home."""
        try:
            with session_scope() as session:
                signed_in = auth_service.log_in(
                    session,
                    email=text(form_data, "email"),
                    password=text(form_data, "password"),
                    ip=self.router.session.client_ip or None,
                    user_agent=self.router.headers.user_agent or None,
                )
        except DomainError as exc:
            # Every log-in refusal (AuthError included) belongs on the form.
            self.errors = {exc.field or FORM: exc.message}
            return None
        self.errors = {}
        await store_login(self, signed_in)
        return rx.redirect(routes.after_login(self.router.url.query_parameters.get("next", "")))
