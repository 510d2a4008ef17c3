"""Settings → Team: members (role, brand scope, removal) and invitations by link."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from socialmuse.db import session_scope
from socialmuse.services import brands as brand_service
from socialmuse.services import team as team_service
from socialmuse.services.errors import DomainError
from socialmuse.services.permissions import ROLE_LABELS, Action, Actor, can
from socialmuse.services.schemas import InvitationPublic, MemberPublic
from socialmuse.state.auth import require_actor
from socialmuse.state.forms import checked_ids, field_errors, text

BRAND_FIELD_PREFIX = "brand_"
"""Brand-scope checkboxes are named ``brand_<id>``; none ticked means every brand."""


def _scope_label(names: list[str]) -> str:
    return ", ".join(names) if names else "All brands"


def _member_row(member: MemberPublic) -> dict[str, str]:
    return {
        "id": str(member.membership_id),
        "name": member.name + (" (you)" if member.is_you else ""),
        "email": member.email,
        "role": str(member.role),
        "role_label": member.role_label,
        "scope": _scope_label(member.brand_names),
        "brand_ids": ",".join(str(b) for b in member.brand_ids),
        "manageable": "yes" if member.manageable else "",
    }


def _invitation_row(invitation: InvitationPublic) -> dict[str, str]:
    return {
        "id": str(invitation.id),
        "email": invitation.email,
        "role_label": invitation.role_label,
        "scope": _scope_label(invitation.brand_names),
        "invited_by": invitation.invited_by,
        "expires": invitation.expires_at.date().isoformat(),
        "status": invitation.status,
    }


class TeamState(rx.State):
    """Members, pending invitations, and what this person may grant."""

    members: list[dict[str, str]] = []
    invitations: list[dict[str, str]] = []
    roles: list[dict[str, str]] = []
    brands: list[dict[str, str]] = []
    can_manage: bool = False
    editing_id: str = ""
    invite_errors: dict[str, str] = {}
    edit_errors: dict[str, str] = {}
    invite_link: str = ""
    invite_version: int = 0

    @rx.var
    def editing_brand_ids(self) -> list[str]:
        """Brands the member being edited is limited to (empty: every brand)."""
        for member in self.members:
            if member["id"] == self.editing_id:
                return [b for b in member["brand_ids"].split(",") if b]
        return []

    @rx.var
    def editing_role(self) -> str:
        """The current role of the member being edited, preselected in the editor."""
        for member in self.members:
            if member["id"] == self.editing_id:
                return member["role"]
        return ""

    def _reload(self, session: Session, actor: Actor) -> None:
        self.members = [_member_row(m) for m in team_service.list_members(session, actor=actor)]
        self.can_manage = can(actor, Action.TEAM_MANAGE, organization_id=actor.organization_id)
        if not self.can_manage:
            self.invitations, self.roles, self.brands = [], [], []
            return
        self.invitations = [
            _invitation_row(i) for i in team_service.list_invitations(session, actor=actor)
        ]
        self.roles = [
            {"value": str(role), "label": ROLE_LABELS[role]}
            for role in team_service.grantable_roles(actor)
        ]
        self.brands = [
            {"id": str(b.id), "name": b.name}
            for b in brand_service.list_brands(session, actor=actor)
        ]

    @rx.event
    async def load(self) -> None:
        """Fresh lists on every visit; no link from a previous visit stays on screen."""
        self.editing_id = ""
        self.invite_link = ""
        self.invite_errors = {}
        self.edit_errors = {}
        with session_scope() as session:
            self._reload(session, await require_actor(self, session))

    @rx.event
    async def invite(self, form_data: dict[str, str]) -> EventSpec | None:
        """Create an invitation link for one email, role and brand scope."""
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                created = team_service.create_invitation(
                    session,
                    actor=actor,
                    email=text(form_data, "email"),
                    role=text(form_data, "role"),
                    brand_ids=checked_ids(form_data, BRAND_FIELD_PREFIX),
                )
                self._reload(session, actor)
        except DomainError as exc:
            self.invite_errors = field_errors(exc)
            return None
        self.invite_errors = {}
        self.invite_link = created.url
        self.invite_version += 1
        return rx.toast.success(f"Invitation for {created.invitation.email} created.")

    @rx.event
    async def revoke(self, invitation_id: str) -> EventSpec:
        """Withdraw a pending invitation; its link stops working at once."""
        with session_scope() as session:
            actor = await require_actor(self, session)
            team_service.revoke_invitation(session, actor=actor, invitation_id=int(invitation_id))
            self._reload(session, actor)
        return rx.toast.info("Invitation revoked.")

    @rx.event
    def start_edit(self, membership_id: str) -> None:
        """Open the role and brand-scope editor of one member."""
        self.editing_id = membership_id
        self.edit_errors = {}

    @rx.event
    def cancel_edit(self) -> None:
        """Close the editor without saving."""
        self.editing_id = ""
        self.edit_errors = {}

    @rx.event
    async def save_member(self, form_data: dict[str, str]) -> EventSpec | None:
        """Change the role and brand scope of the member being edited."""
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                member = team_service.change_member(
                    session,
                    actor=actor,
                    membership_id=int(self.editing_id),
                    role=text(form_data, "role"),
                    brand_ids=checked_ids(form_data, BRAND_FIELD_PREFIX),
                )
                self._reload(session, actor)
        except DomainError as exc:
            self.edit_errors = field_errors(exc)
            return None
        self.editing_id = ""
        self.edit_errors = {}
        return rx.toast.success(f"{member.name} is now {member.role_label}.")

    @rx.event
    async def remove(self, membership_id: str) -> EventSpec:
        """Take someone out of the organization; their sessions lose access on the next click."""
        with session_scope() as session:
            actor = await require_actor(self, session)
            team_service.remove_member(session, actor=actor, membership_id=int(membership_id))
            self._reload(session, actor)
        return rx.toast.info("Member removed.")
