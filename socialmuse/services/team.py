"""Team: invitations by link, memberships, roles and brand scopes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

from sqlmodel import Session, col, delete, select

from socialmuse.models import (
    Brand,
    Invitation,
    Membership,
    MembershipBrand,
    Organization,
    User,
    utcnow,
)
from socialmuse.models.enums import Role
from socialmuse.services import audit
from socialmuse.services.auth import (
    create_user,
    current_user,
    log_in,
    membership_scope,
    start_session,
)
from socialmuse.services.errors import NotFound, PermissionDenied, ValidationError
from socialmuse.services.identity import normalize_email
from socialmuse.services.permissions import (
    ROLE_LABELS,
    Action,
    Actor,
    authorize,
    check_grant,
    grantable_roles,
    may_manage_member,
)
from socialmuse.services.schemas import (
    CreatedInvitation,
    InvitationPreview,
    InvitationPublic,
    MemberPublic,
    SignedIn,
)
from socialmuse.services.secrets import new_token, token_digest
from socialmuse.settings import get_settings

__all__ = [
    "accept_invitation",
    "change_member",
    "create_invitation",
    "grantable_roles",
    "list_invitations",
    "list_members",
    "preview_invitation",
    "remove_member",
    "revoke_invitation",
]


def _parse_role(value: str | Role) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValidationError(f"{value!r} is not a role.", field="role") from None


def _org_brand_names(session: Session, organization_id: int, ids: Iterable[int]) -> dict[int, str]:
    ids = list(ids)
    if not ids:
        return {}
    rows = session.exec(
        select(Brand.id, Brand.name).where(
            Brand.organization_id == organization_id, col(Brand.id).in_(ids)
        )
    ).all()
    return {bid: name for bid, name in rows if bid is not None}


def _check_brand_ids(session: Session, actor: Actor, brand_ids: Sequence[int]) -> list[int]:
    wanted = sorted(set(brand_ids))
    known = _org_brand_names(session, actor.organization_id, wanted)
    missing = [b for b in wanted if b not in known]
    if missing:
        raise ValidationError("Some of the chosen brands do not exist.", field="brand_ids")
    return wanted


def list_members(session: Session, *, actor: Actor) -> list[MemberPublic]:
    authorize(actor, Action.TEAM_VIEW, organization_id=actor.organization_id)
    rows = session.exec(
        select(Membership, User)
        .join(User, col(User.id) == col(Membership.user_id))
        .where(Membership.organization_id == actor.organization_id)
        .order_by(col(User.name), col(User.id))
    ).all()
    members = []
    for membership, user in rows:
        scope = membership_scope(session, membership.id or 0)
        names = _org_brand_names(session, actor.organization_id, scope or [])
        role = Role(membership.role)
        members.append(
            MemberPublic(
                membership_id=membership.id or 0,
                user_id=user.id or 0,
                email=user.email,
                name=user.name,
                role=role,
                role_label=ROLE_LABELS[role],
                brand_ids=sorted(scope or []),
                brand_names=[names[b] for b in sorted(names)],
                joined_at=membership.created_at,
                is_you=user.id == actor.user_id,
                manageable=user.id != actor.user_id and may_manage_member(actor, role, scope),
            )
        )
    return members


def _invitation_status(invitation: Invitation) -> str:
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.expires_at <= utcnow():
        return "expired"
    return "pending"


def _invitation_public(session: Session, invitation: Invitation) -> InvitationPublic:
    inviter = session.get(User, invitation.invited_by_user_id or 0)
    names = _org_brand_names(session, invitation.organization_id, invitation.brand_ids)
    role = Role(invitation.role)
    return InvitationPublic(
        id=invitation.id or 0,
        email=invitation.email,
        role=role,
        role_label=ROLE_LABELS[role],
        brand_ids=list(invitation.brand_ids),
        brand_names=[names[b] for b in sorted(names)],
        invited_by=inviter.name if inviter else "—",
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
        status=_invitation_status(invitation),
    )


def list_invitations(session: Session, *, actor: Actor) -> list[InvitationPublic]:
    """Pending invitations, newest first (accepted ones show up as members)."""
    authorize(actor, Action.TEAM_MANAGE, organization_id=actor.organization_id)
    rows = session.exec(
        select(Invitation)
        .where(
            Invitation.organization_id == actor.organization_id,
            col(Invitation.accepted_at).is_(None),
            col(Invitation.revoked_at).is_(None),
        )
        .order_by(col(Invitation.created_at).desc())
    ).all()
    return [_invitation_public(session, i) for i in rows]


def create_invitation(
    session: Session,
    *,
    actor: Actor,
    email: str,
    role: str | Role,
    brand_ids: Sequence[int] = (),
) -> CreatedInvitation:
    """A single-use link for one email address; re-inviting replaces the pending link."""
    role = _parse_role(role)
    email = normalize_email(email)
    check_grant(actor, role, brand_ids)
    wanted = _check_brand_ids(session, actor, brand_ids)
    existing_member = session.exec(
        select(Membership.id)
        .join(User, col(User.id) == col(Membership.user_id))
        .where(Membership.organization_id == actor.organization_id, User.email == email)
    ).first()
    if existing_member is not None:
        raise ValidationError("This person is already a member of the organization.", field="email")
    now = utcnow()
    for pending in session.exec(
        select(Invitation).where(
            Invitation.organization_id == actor.organization_id,
            Invitation.email == email,
            col(Invitation.accepted_at).is_(None),
            col(Invitation.revoked_at).is_(None),
        )
    ).all():
        pending.revoked_at = now
        session.add(pending)
    token = new_token()
    invitation = Invitation(
        organization_id=actor.organization_id,
        email=email,
        role=role,
        brand_ids=wanted,
        token_hash=token_digest(token),
        invited_by_user_id=actor.user_id or None,
        expires_at=now + timedelta(days=get_settings().invitation_days),
    )
    session.add(invitation)
    session.flush()
    audit.record_for(
        session,
        actor,
        "invitation.created",
        target_type="invitation",
        target_id=invitation.id,
        details={"email": email, "role": role.value, "brand_ids": wanted},
    )
    return CreatedInvitation(
        invitation=_invitation_public(session, invitation),
        token=token,
        url=f"{get_settings().base_url}/invite/{token}",
    )


def revoke_invitation(session: Session, *, actor: Actor, invitation_id: int) -> None:
    authorize(actor, Action.TEAM_MANAGE, organization_id=actor.organization_id)
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.organization_id != actor.organization_id:
        raise NotFound("That invitation does not exist.")
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = utcnow()
        session.add(invitation)
        audit.record_for(
            session,
            actor,
            "invitation.revoked",
            target_type="invitation",
            target_id=invitation.id,
            details={"email": invitation.email},
        )


def _open_invitation(session: Session, token: str) -> Invitation:
    invitation = session.exec(
        select(Invitation).where(Invitation.token_hash == token_digest(token or ""))
    ).first()
    if invitation is None:
        raise NotFound("This invitation link is not valid. Ask for a new one.")
    status = _invitation_status(invitation)
    if status == "revoked":
        raise ValidationError("This invitation was withdrawn. Ask for a new one.")
    if status == "accepted":
        raise ValidationError("This invitation was already used. Log in to continue.")
    if status == "expired":
        raise ValidationError("This invitation has expired. Ask for a new one.")
    return invitation


def preview_invitation(session: Session, *, token: str) -> InvitationPreview:
    """What the invitee sees before accepting; needs no login, reveals nothing else."""
    invitation = _open_invitation(session, token)
    organization = session.get(Organization, invitation.organization_id)
    inviter = session.get(User, invitation.invited_by_user_id or 0)
    names = _org_brand_names(session, invitation.organization_id, invitation.brand_ids)
    role = Role(invitation.role)
    account = session.exec(select(User.id).where(User.email == invitation.email)).first()
    return InvitationPreview(
        organization_name=organization.name if organization else "",
        email=invitation.email,
        role=role,
        role_label=ROLE_LABELS[role],
        brand_names=[names[b] for b in sorted(names)],
        invited_by=inviter.name if inviter else "",
        expires_at=invitation.expires_at,
        account_exists=account is not None,
    )


def accept_invitation(
    session: Session,
    *,
    token: str,
    session_token: str | None = None,
    name: str | None = None,
    password: str | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
) -> SignedIn:
    """Join the organization as the invited email: signed in, by password, or as a new account."""
    invitation = _open_invitation(session, token)
    if session_token:
        user = current_user(session, token=session_token)
        if user.email != invitation.email:
            raise PermissionDenied(
                f"This invitation is for {invitation.email}. Log out and open the link again."
            )
        login_token = session_token
    else:
        exists = session.exec(select(User).where(User.email == invitation.email)).first()
        if exists is not None:
            signed = log_in(
                session,
                email=invitation.email,
                password=password or "",
                ip=ip,
                user_agent=user_agent,
            )
            user, login_token = exists, signed.token
        else:
            user = create_user(
                session, email=invitation.email, password=password or "", name=name or "", ip=ip
            )
            login_token = start_session(
                session, user=user, organization_id=None, ip=ip, user_agent=user_agent
            )
    membership = session.exec(
        select(Membership).where(
            Membership.organization_id == invitation.organization_id,
            Membership.user_id == user.id,
        )
    ).first()
    if membership is None:
        membership = Membership(
            organization_id=invitation.organization_id,
            user_id=user.id or 0,
            role=Role(invitation.role),
        )
        session.add(membership)
        session.flush()
        live_brands = _org_brand_names(session, invitation.organization_id, invitation.brand_ids)
        for brand_id in sorted(live_brands):
            session.add(MembershipBrand(membership_id=membership.id or 0, brand_id=brand_id))
        audit.record(
            session,
            action="membership.created",
            organization_id=invitation.organization_id,
            actor_user_id=user.id,
            target_type="membership",
            target_id=membership.id,
            ip=ip,
            details={
                "email": user.email,
                "role": invitation.role,
                "via": "invitation",
                "brand_ids": sorted(live_brands),
            },
        )
    invitation.accepted_at = utcnow()
    invitation.accepted_by_user_id = user.id
    session.add(invitation)
    user.last_organization_id = invitation.organization_id
    session.add(user)
    return SignedIn(
        token=login_token, user_id=user.id or 0, organization_id=invitation.organization_id
    )


def _load_member(session: Session, actor: Actor, membership_id: int) -> tuple[Membership, User]:
    authorize(actor, Action.TEAM_MANAGE, organization_id=actor.organization_id)
    membership = session.get(Membership, membership_id)
    if membership is None or membership.organization_id != actor.organization_id:
        raise NotFound("That member does not exist.")
    user = session.get(User, membership.user_id)
    if user is None:
        raise NotFound("That member does not exist.")
    if membership.user_id == actor.user_id:
        raise PermissionDenied("You cannot change your own role or remove yourself.")
    scope = membership_scope(session, membership.id or 0)
    if not may_manage_member(actor, Role(membership.role), scope):
        raise PermissionDenied("You cannot manage a member with this role or brand access.")
    return membership, user


def change_member(
    session: Session,
    *,
    actor: Actor,
    membership_id: int,
    role: str | Role,
    brand_ids: Sequence[int] = (),
) -> MemberPublic:
    """Set a member's role and brand scope (an empty scope means every brand)."""
    role = _parse_role(role)
    membership, user = _load_member(session, actor, membership_id)
    check_grant(actor, role, brand_ids)
    wanted = _check_brand_ids(session, actor, brand_ids)
    previous = {
        "role": membership.role,
        "brand_ids": sorted(membership_scope(session, membership.id or 0) or []),
    }
    membership.role = role
    session.add(membership)
    session.exec(delete(MembershipBrand).where(col(MembershipBrand.membership_id) == membership.id))
    for brand_id in wanted:
        session.add(MembershipBrand(membership_id=membership.id or 0, brand_id=brand_id))
    session.flush()
    audit.record_for(
        session,
        actor,
        "membership.changed",
        target_type="membership",
        target_id=membership.id,
        details={
            "email": user.email,
            "role": role.value,
            "brand_ids": wanted,
            "previous": previous,
        },
    )
    return next(m for m in list_members(session, actor=actor) if m.membership_id == membership_id)


def remove_member(session: Session, *, actor: Actor, membership_id: int) -> None:
    """Take a person out of the organization; their open sessions lose access at once."""
    membership, user = _load_member(session, actor, membership_id)
    session.exec(delete(MembershipBrand).where(col(MembershipBrand.membership_id) == membership.id))
    session.delete(membership)
    audit.record_for(
        session,
        actor,
        "membership.removed",
        target_type="membership",
        target_id=membership_id,
        details={"email": user.email, "role": membership.role},
    )
