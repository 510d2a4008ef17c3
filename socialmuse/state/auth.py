"""Who is using this browser tab, re-derived from the session token on every load and event.

The truth is the token kept in the browser's localStorage plus the session row in the
database; nothing here trusts a flag that lives only in backend state (it would survive a
revoked login, or vanish on reconnect). ``AuthState.check`` runs first in every protected
page's ``on_load``; other states get the services ``Actor`` for an event through
``require_actor``. An ``AuthError`` escaping a handler is turned into a redirect to the log-in
page by the app's backend exception handler (``socialmuse.socialmuse``).
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from socialmuse import routes
from socialmuse.db import session_scope
from socialmuse.models.enums import Role
from socialmuse.services import auth as auth_service
from socialmuse.services.errors import AuthError, PermissionDenied
from socialmuse.services.permissions import ROLE_RANK, Actor
from socialmuse.services.schemas import SignedIn

_ADMIN_RANK = ROLE_RANK[Role.ADMIN]

# Runs in the browser, so ``next`` is the page the person is really on. It does nothing on
# the log-in page itself: when several of a page's load handlers find the login gone, the
# first sends the person to log in and the others must not reload the form under their typing.
_TO_LOGIN_JS = f"""(() => {{
  const here = window.location.pathname.replace(/\\/$/, "") || "/";
  if (here !== "{routes.LOGIN}") {{
    const back = window.location.pathname + window.location.search;
    window.location.assign("{routes.LOGIN}?next=" + encodeURIComponent(back));
  }}
}})()"""


def redirect_to_login() -> EventSpec:
    """Send the browser to the log-in page, coming back to the current page afterwards."""
    return rx.call_script(_TO_LOGIN_JS)


class AuthState(rx.State):
    """The session token, the chosen organization and what the shell shows about the user."""

    # sync=True: logging out in one tab logs out the others on their next event.
    token: str = rx.LocalStorage("", name="socialmuse_session", sync=True)
    organization_id: str = rx.LocalStorage("", name="socialmuse_organization")
    user_name: str = ""
    user_email: str = ""
    role: str = ""
    organizations: list[dict[str, str]] = []

    @rx.var
    def organization_name(self) -> str:
        """The current organization's name, for the switcher and page headings."""
        for org in self.organizations:
            if org["id"] == self.organization_id:
                return org["name"]
        return ""

    @rx.var
    def is_admin(self) -> bool:
        """Admins see admin-only links; the services still check every action themselves."""
        return ROLE_RANK.get(Role(self.role), 0) >= _ADMIN_RANK if self.role else False

    def _actor(self, session: Session) -> Actor:
        """The Actor behind the stored token; raises AuthError when the login is gone.

        A stored organization the person no longer belongs to falls back to their landing
        organization, so a removed membership never locks them out of the others.
        """
        if not self.token:
            raise AuthError("Please log in.")
        org_id = int(self.organization_id) if self.organization_id.isdigit() else None
        ip = self.router.session.client_ip or None
        try:
            return auth_service.actor_for(session, token=self.token, organization_id=org_id, ip=ip)
        except PermissionDenied:
            if org_id is None:
                raise
            return auth_service.actor_for(session, token=self.token, organization_id=None, ip=ip)

    def _remember(self, session: Session, actor: Actor) -> None:
        self.organization_id = str(actor.organization_id)
        self.user_name = actor.name
        self.user_email = actor.email
        self.role = str(actor.role)
        self.organizations = [
            {"id": str(org.id), "name": org.name, "role": str(org.role)}
            for org in auth_service.list_organizations(session, token=self.token)
        ]

    def _forget(self) -> None:
        self.token = ""
        self.user_name = ""
        self.user_email = ""
        self.role = ""
        self.organizations = []

    def _signed_in(self, signed_in: SignedIn) -> None:
        """Store a fresh login; the next page load derives everything else from it."""
        self.token = signed_in.token
        if signed_in.organization_id is not None:
            self.organization_id = str(signed_in.organization_id)

    @rx.event
    def check(self) -> EventSpec | None:
        """First on_load of every protected page: verify the login or go to the log-in page."""
        try:
            with session_scope() as session:
                actor = self._actor(session)
                self._remember(session, actor)
        except (AuthError, PermissionDenied):
            self._forget()
            return redirect_to_login()
        return None

    @rx.event
    def redirect_if_logged_in(self) -> EventSpec | None:
        """On the log-in and sign-up pages: a live login goes where ``?next=`` says, or home."""
        if not self.token:
            return None
        try:
            with session_scope() as session:
                self._actor(session)
        except (AuthError, PermissionDenied):
            self._forget()
            return None
        return rx.redirect(routes.after_login(self.router.url.query_parameters.get("next", "")))

    @rx.event
    def switch_organization(self, organization_id: str) -> EventSpec:
        """Make another organization current (only one the person belongs to)."""
        with session_scope() as session:
            actor = auth_service.switch_organization(
                session, token=self.token, organization_id=int(organization_id)
            )
            self._remember(session, actor)
        return rx.redirect(routes.DASHBOARD)

    @rx.event
    def log_out(self) -> EventSpec:
        """Revoke the login in the database, then forget it in the browser."""
        if self.token:
            with session_scope() as session:
                auth_service.log_out(
                    session, token=self.token, ip=self.router.session.client_ip or None
                )
        self._forget()
        return rx.redirect(routes.LOGIN)


async def require_actor(state: rx.State, session: Session) -> Actor:
    """The services Actor for the event being handled by ``state``.

    Re-derived from the browser's token on every call; raises AuthError when the login has
    ended, which the app turns into a redirect to the log-in page.
    """
    auth = await state.get_state(AuthState)
    return auth._actor(session)


async def store_login(state: rx.State, signed_in: SignedIn) -> None:
    """Keep a fresh login (sign-up, log-in, accepted invitation) in the browser."""
    auth = await state.get_state(AuthState)
    auth._signed_in(signed_in)
