"""The one function that decides every access.

Roles, most powerful first: super_admin (the organization's owner: everything, including
billing and granting super_admin), admin (everything but billing and owner grants),
agency_manager (brands, accounts, content and team below them), brand_owner (their brands:
settings, accounts, approvals; invites team members), team_member (content in their brands).
A membership may be scoped to some brands; scope narrows every brand-level action.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from socialmuse.models.enums import Role
from socialmuse.services.errors import PermissionDenied

ROLE_RANK: dict[Role, int] = {
    Role.SUPER_ADMIN: 50,
    Role.ADMIN: 40,
    Role.AGENCY_MANAGER: 30,
    Role.BRAND_OWNER: 20,
    Role.TEAM_MEMBER: 10,
}

ROLE_LABELS: dict[Role, str] = {
    Role.SUPER_ADMIN: "Super admin",
    Role.ADMIN: "Admin",
    Role.AGENCY_MANAGER: "Agency manager",
    Role.BRAND_OWNER: "Brand owner",
    Role.TEAM_MEMBER: "Team member",
}


class Action(StrEnum):
    """Everything a door may ask to do; later stages add members here, not checks elsewhere."""

    ORG_VIEW = "org.view"
    ORG_MANAGE = "org.manage"
    BILLING_MANAGE = "billing.manage"
    AUDIT_VIEW = "audit.view"
    TEAM_VIEW = "team.view"
    TEAM_MANAGE = "team.manage"
    BRAND_VIEW = "brand.view"
    BRAND_CREATE = "brand.create"
    BRAND_MANAGE = "brand.manage"
    ACCOUNT_MANAGE = "account.manage"
    POST_CREATE = "post.create"
    POST_APPROVE = "post.approve"
    AI_MANAGE = "ai.manage"


# The least powerful role allowed to take each action.
_MIN_ROLE: dict[Action, Role] = {
    Action.ORG_VIEW: Role.TEAM_MEMBER,
    Action.ORG_MANAGE: Role.ADMIN,
    Action.BILLING_MANAGE: Role.SUPER_ADMIN,
    Action.AUDIT_VIEW: Role.ADMIN,
    Action.TEAM_VIEW: Role.TEAM_MEMBER,
    Action.TEAM_MANAGE: Role.BRAND_OWNER,
    Action.BRAND_VIEW: Role.TEAM_MEMBER,
    Action.BRAND_CREATE: Role.AGENCY_MANAGER,
    Action.BRAND_MANAGE: Role.BRAND_OWNER,
    Action.ACCOUNT_MANAGE: Role.BRAND_OWNER,
    Action.POST_CREATE: Role.TEAM_MEMBER,
    Action.POST_APPROVE: Role.BRAND_OWNER,
    Action.AI_MANAGE: Role.ADMIN,
}


@dataclass(frozen=True)
class Actor:
    """A user acting inside one organization, as derived from a live session or API key."""

    user_id: int
    organization_id: int
    role: Role
    brand_ids: frozenset[int] | None = None  # None: every brand of the organization
    email: str = ""
    name: str = ""
    ip: str | None = None
    via: str = "web"  # which door: web, api, cli, job (kept in the audit trail)

    @property
    def rank(self) -> int:
        return ROLE_RANK[self.role]


def can(actor: Actor, action: Action, *, organization_id: int, brand_id: int | None = None) -> bool:
    """True when ``actor`` may take ``action`` in that organization (and brand)."""
    if organization_id != actor.organization_id:
        return False
    if actor.rank < ROLE_RANK[_MIN_ROLE[action]]:
        return False
    return not (
        brand_id is not None and actor.brand_ids is not None and brand_id not in actor.brand_ids
    )


def authorize(
    actor: Actor, action: Action, *, organization_id: int, brand_id: int | None = None
) -> None:
    """Raise PermissionDenied unless ``can``; every service calls this before touching data."""
    if not can(actor, action, organization_id=organization_id, brand_id=brand_id):
        raise PermissionDenied("You do not have permission to do that in this organization.")


def grantable_roles(actor: Actor) -> list[Role]:
    """Roles this actor may hand out: never above their own; only owners make owners."""
    if not can(actor, Action.TEAM_MANAGE, organization_id=actor.organization_id):
        return []
    if actor.role is Role.SUPER_ADMIN:
        return list(ROLE_RANK)
    return [role for role, rank in ROLE_RANK.items() if rank < actor.rank]


def check_grant(actor: Actor, role: Role, brand_ids: Iterable[int]) -> None:
    """Refuse a role or brand scope the actor could not hold themselves."""
    authorize(actor, Action.TEAM_MANAGE, organization_id=actor.organization_id)
    if role not in grantable_roles(actor):
        raise PermissionDenied(f"You cannot grant the role {ROLE_LABELS[role]}.", field="role")
    scope = set(brand_ids)
    if actor.brand_ids is not None:
        if not scope:
            raise PermissionDenied(
                "Your access is limited to some brands: choose at least one of them.",
                field="brand_ids",
            )
        if not scope <= actor.brand_ids:
            raise PermissionDenied(
                "You can only grant access to brands you have access to.", field="brand_ids"
            )


def may_manage_member(actor: Actor, role: Role, brand_ids: frozenset[int] | None) -> bool:
    """Whether ``actor`` may change or remove a member holding ``role`` with that scope."""
    if not can(actor, Action.TEAM_MANAGE, organization_id=actor.organization_id):
        return False
    if actor.role is not Role.SUPER_ADMIN and ROLE_RANK[role] >= actor.rank:
        return False
    if actor.brand_ids is None:
        return True
    return brand_ids is not None and brand_ids <= actor.brand_ids
