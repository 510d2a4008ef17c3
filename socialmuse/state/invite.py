"""Accepting an invitation: as the logged-in invitee, with an existing account, or a new one."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from socialmuse import routes
from socialmuse.db import session_scope
from socialmuse.services import auth as auth_service
from socialmuse.services import team as team_service
from socialmuse.services.errors import AuthError, DomainError
from socialmuse.state.auth import AuthState, store_login
from socialmuse.state.forms import FORM, text


class InviteState(rx.State):
    """The invitation as the invitee may see it, and who (if anyone) is logged in here."""

    invitation: dict[str, str] = {}
    problem: str = ""
    viewer_email: str = ""
    errors: dict[str, str] = {}

    def _token(self) -> str:
        """The ``[invite_token]`` URL segment; Reflex adds it to the root state at run time."""
        return str(getattr(self, "invite_token", ""))

    @rx.var
    def viewer_matches(self) -> bool:
        """The logged-in person is the invitee: one click joins."""
        return self.viewer_email != "" and self.viewer_email == self.invitation.get("email", "")

    @rx.event
    async def load(self) -> None:
        """Show who invited whom to what; an unusable link says why and what to do."""
        self.errors = {}
        self.viewer_email = ""
        auth = await self.get_state(AuthState)
        try:
            with session_scope() as session:
                preview = team_service.preview_invitation(session, token=self._token())
                if auth.token:
                    try:
                        self.viewer_email = auth_service.whoami(session, token=auth.token).email
                    except AuthError:
                        self.viewer_email = ""
        except DomainError as exc:
            self.invitation, self.problem = {}, exc.message
            return
        self.problem = ""
        self.invitation = {
            "organization_name": preview.organization_name,
            "email": preview.email,
            "role_label": preview.role_label,
            "brands": ", ".join(preview.brand_names) or "All brands",
            "invited_by": preview.invited_by,
            "expires": preview.expires_at.date().isoformat(),
            "account_exists": "yes" if preview.account_exists else "",
        }

    @rx.event
    async def accept(self, form_data: dict[str, str]) -> EventSpec | None:
        """Join the organization, then land on its dashboard logged in as the invitee."""
        auth = await self.get_state(AuthState)
        try:
            with session_scope() as session:
                signed_in = team_service.accept_invitation(
                    session,
                    token=self._token(),
                    session_token=auth.token if self.viewer_matches else None,
                    name=text(form_data, "name") or None,
                    password=text(form_data, "password") or None,
                    ip=self.router.session.client_ip or None,
                    user_agent=self.router.headers.user_agent or None,
                )
        except DomainError as exc:
            self.errors = {exc.field or FORM: exc.message}
            return None
        self.errors = {}
        await store_login(self, signed_in)
        return rx.redirect(routes.DASHBOARD)

    @rx.event
    async def log_out_here(self) -> None:
        """Someone else is logged in on this browser: end that login and show the form."""
        auth = await self.get_state(AuthState)
        if auth.token:
            with session_scope() as session:
                auth_service.log_out(
                    session, token=auth.token, ip=self.router.session.client_ip or None
                )
        auth._forget()
        self.viewer_email = ""
