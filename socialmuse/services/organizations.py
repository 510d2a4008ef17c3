"""Organizations: the tenant boundary."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from socialmuse.models import Brand, Membership, Organization, User
from socialmuse.models.enums import Role
from socialmuse.services import audit
from socialmuse.services.errors import NotFound
from socialmuse.services.identity import clean_name
from socialmuse.services.permissions import Action, Actor, authorize
from socialmuse.services.schemas import OrganizationPublic, OrganizationSummary


def create_organization_for(
    session: Session, *, user: User, name: str, ip: str | None = None
) -> Organization:
    """A new tenant whose creator is its super admin (the owner role)."""
    name = clean_name(name, field="organization_name", what="the organization's name")
    organization = Organization(name=name)
    session.add(organization)
    session.flush()
    membership = Membership(
        organization_id=organization.id or 0, user_id=user.id or 0, role=Role.SUPER_ADMIN
    )
    session.add(membership)
    session.flush()
    audit.record(
        session,
        action="organization.created",
        organization_id=organization.id,
        actor_user_id=user.id,
        target_type="organization",
        target_id=organization.id,
        ip=ip,
        details={"name": name},
    )
    audit.record(
        session,
        action="membership.created",
        organization_id=organization.id,
        actor_user_id=user.id,
        target_type="membership",
        target_id=membership.id,
        ip=ip,
        details={"email": user.email, "role": Role.SUPER_ADMIN.value},
    )
    return organization


def create_organization(session: Session, *, actor: Actor, name: str) -> OrganizationSummary:
    """Any signed-in person may start another organization (e.g. an agency's second client)."""
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound("Your account no longer exists.")
    organization = create_organization_for(session, user=user, name=name, ip=actor.ip)
    return OrganizationSummary(
        id=organization.id or 0, name=organization.name, role=Role.SUPER_ADMIN
    )


def _load(session: Session, actor: Actor, action: Action) -> Organization:
    authorize(actor, action, organization_id=actor.organization_id)
    organization = session.get(Organization, actor.organization_id)
    if organization is None:
        raise NotFound("This organization no longer exists.")
    return organization


def get_organization(session: Session, *, actor: Actor) -> OrganizationPublic:
    organization = _load(session, actor, Action.ORG_VIEW)
    return _public(session, organization)


def rename_organization(session: Session, *, actor: Actor, name: str) -> OrganizationPublic:
    organization = _load(session, actor, Action.ORG_MANAGE)
    new_name = clean_name(name, field="name", what="the organization's name")
    old_name = organization.name
    organization.name = new_name
    session.add(organization)
    audit.record_for(
        session,
        actor,
        "organization.renamed",
        target_type="organization",
        target_id=organization.id,
        details={"name": new_name, "previous": old_name},
    )
    return _public(session, organization)


def _public(session: Session, organization: Organization) -> OrganizationPublic:
    members = session.exec(
        select(func.count())
        .select_from(Membership)
        .where(Membership.organization_id == organization.id)
    ).one()
    brands = session.exec(
        select(func.count())
        .select_from(Brand)
        .where(Brand.organization_id == organization.id, col(Brand.archived_at).is_(None))
    ).one()
    return OrganizationPublic(
        id=organization.id or 0,
        name=organization.name,
        created_at=organization.created_at,
        member_count=int(members),
        brand_count=int(brands),
    )
