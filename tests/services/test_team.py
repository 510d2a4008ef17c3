"""Team: invite by link, accept, change role and scope, remove, and who may grant what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from socialmuse.models import Invitation, Membership, User, utcnow
from socialmuse.models.enums import Role
from socialmuse.services import auth, brands, team
from socialmuse.services.errors import (
    AuthError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from tests.factories import PASSWORD, brand, owner, teammate


def test_invite_accept_and_see_only_the_scoped_brand(session: Session) -> None:
    boss = owner(session)
    shown = brand(session, boss, "Shown")
    brand(session, boss, "Not shown")
    invite = team.create_invitation(
        session, actor=boss.actor, email="Kim@Example.com", role=Role.TEAM_MEMBER, brand_ids=[shown]
    )
    session.commit()
    assert invite.url.endswith(f"/invite/{invite.token}")
    stored = session.exec(select(Invitation.token_hash)).one()
    assert invite.token not in stored
    preview = team.preview_invitation(session, token=invite.token)
    assert (preview.email, preview.role, preview.brand_names) == (
        "kim@example.com",
        Role.TEAM_MEMBER,
        ["Shown"],
    )
    assert not preview.account_exists
    signed = team.accept_invitation(session, token=invite.token, name="Kim", password=PASSWORD)
    session.commit()
    kim = auth.actor_for(session, token=signed.token, organization_id=None)
    assert kim.organization_id == boss.actor.organization_id
    assert kim.role is Role.TEAM_MEMBER and kim.brand_ids == frozenset({shown})
    assert [b.name for b in brands.list_brands(session, actor=kim)] == ["Shown"]
    with pytest.raises(ValidationError, match="already used"):
        team.accept_invitation(session, token=invite.token, name="Kim", password=PASSWORD)


def test_existing_user_accepts_with_password_or_session(session: Session) -> None:
    a = owner(session, org="A")
    b = owner(session, org="B")
    invite = team.create_invitation(session, actor=a.actor, email=b.email, role=Role.ADMIN)
    with pytest.raises(AuthError):
        team.accept_invitation(session, token=invite.token, password="wrong password here")
    session.rollback()
    invite = team.create_invitation(session, actor=a.actor, email=b.email, role=Role.ADMIN)
    signed = team.accept_invitation(session, token=invite.token, session_token=b.token)
    session.commit()
    assert signed.token == b.token
    orgs = {o.name: o.role for o in auth.list_organizations(session, token=b.token)}
    assert orgs == {"A": Role.ADMIN, "B": Role.SUPER_ADMIN}


def test_invitation_for_someone_else_refused_when_logged_in_as_another(session: Session) -> None:
    a = owner(session)
    other = owner(session, org="Other")
    invite = team.create_invitation(
        session, actor=a.actor, email="x@example.com", role=Role.TEAM_MEMBER
    )
    with pytest.raises(PermissionDenied, match=r"x@example\.com"):
        team.accept_invitation(session, token=invite.token, session_token=other.token)


def test_unknown_expired_and_revoked_invitations(session: Session) -> None:
    boss = owner(session)
    with pytest.raises(NotFound):
        team.preview_invitation(session, token="no-such-token")
    expired = team.create_invitation(
        session, actor=boss.actor, email="e@example.com", role=Role.TEAM_MEMBER
    )
    row = session.exec(select(Invitation)).one()
    row.expires_at = utcnow() - timedelta(minutes=1)
    session.add(row)
    session.commit()
    with pytest.raises(ValidationError, match="expired"):
        team.accept_invitation(session, token=expired.token, name="E", password=PASSWORD)
    session.rollback()
    revoked = team.create_invitation(
        session, actor=boss.actor, email="r@example.com", role=Role.TEAM_MEMBER
    )
    team.revoke_invitation(session, actor=boss.actor, invitation_id=revoked.invitation.id)
    session.commit()
    with pytest.raises(ValidationError, match="withdrawn"):
        team.accept_invitation(session, token=revoked.token, name="R", password=PASSWORD)
    session.rollback()
    assert session.exec(select(func.count()).select_from(User)).one() == 1


def test_weak_password_on_accept_creates_nothing(session: Session) -> None:
    boss = owner(session)
    invite = team.create_invitation(
        session, actor=boss.actor, email="w@example.com", role=Role.TEAM_MEMBER
    )
    session.commit()
    with pytest.raises(ValidationError) as err:
        team.accept_invitation(session, token=invite.token, name="W", password="123")
    session.rollback()
    assert err.value.field == "password"
    assert session.exec(select(func.count()).select_from(Membership)).one() == 1
    assert team.preview_invitation(session, token=invite.token).email == "w@example.com"


@pytest.mark.parametrize(
    ("granter", "role", "allowed"),
    [
        (Role.SUPER_ADMIN, Role.SUPER_ADMIN, True),
        (Role.ADMIN, Role.SUPER_ADMIN, False),
        (Role.ADMIN, Role.ADMIN, False),
        (Role.ADMIN, Role.AGENCY_MANAGER, True),
        (Role.AGENCY_MANAGER, Role.AGENCY_MANAGER, False),
        (Role.AGENCY_MANAGER, Role.BRAND_OWNER, True),
        (Role.BRAND_OWNER, Role.BRAND_OWNER, False),
        (Role.BRAND_OWNER, Role.TEAM_MEMBER, True),
    ],
)
def test_roles_one_may_grant(session: Session, granter: Role, role: Role, allowed: bool) -> None:
    boss = owner(session)
    b = brand(session, boss)
    scope = (b,) if granter is Role.BRAND_OWNER else ()
    actor = (
        boss
        if granter is Role.SUPER_ADMIN
        else teammate(session, boss, role=granter, brand_ids=scope)
    )
    if allowed:
        made = team.create_invitation(
            session, actor=actor.actor, email="n@example.com", role=role, brand_ids=scope
        )
        assert made.invitation.role is role
    else:
        with pytest.raises(PermissionDenied) as err:
            team.create_invitation(
                session, actor=actor.actor, email="n@example.com", role=role, brand_ids=scope
            )
        assert err.value.field == "role"


def test_team_member_cannot_invite(session: Session) -> None:
    boss = owner(session)
    member = teammate(session, boss, role=Role.TEAM_MEMBER)
    assert team.grantable_roles(member.actor) == []
    with pytest.raises(PermissionDenied):
        team.create_invitation(
            session, actor=member.actor, email="z@example.com", role=Role.TEAM_MEMBER
        )


def test_scoped_brand_owner_cannot_grant_other_brands(session: Session) -> None:
    boss = owner(session)
    own, other = brand(session, boss, "Own"), brand(session, boss, "Other")
    bo = teammate(session, boss, role=Role.BRAND_OWNER, brand_ids=(own,))
    with pytest.raises(PermissionDenied) as err:
        team.create_invitation(
            session, actor=bo.actor, email="q@example.com", role=Role.TEAM_MEMBER, brand_ids=[other]
        )
    assert err.value.field == "brand_ids"
    with pytest.raises(PermissionDenied):
        team.create_invitation(
            session, actor=bo.actor, email="q@example.com", role=Role.TEAM_MEMBER, brand_ids=[]
        )


def test_change_role_and_remove_take_effect_on_the_next_request(session: Session) -> None:
    boss = owner(session)
    b = brand(session, boss)
    mate = teammate(session, boss, role=Role.TEAM_MEMBER)
    membership_id = next(
        m.membership_id
        for m in team.list_members(session, actor=boss.actor)
        if m.email == mate.email
    )
    changed = team.change_member(
        session, actor=boss.actor, membership_id=membership_id, role=Role.BRAND_OWNER, brand_ids=[b]
    )
    session.commit()
    assert changed.role is Role.BRAND_OWNER and changed.brand_names == ["Brand"]
    fresh = auth.actor_for(session, token=mate.token, organization_id=None)
    assert fresh.role is Role.BRAND_OWNER and fresh.brand_ids == frozenset({b})
    team.remove_member(session, actor=boss.actor, membership_id=membership_id)
    session.commit()
    with pytest.raises(PermissionDenied):
        auth.actor_for(session, token=mate.token, organization_id=boss.actor.organization_id)


def test_nobody_changes_their_own_role_or_a_higher_one(session: Session) -> None:
    boss = owner(session)
    admin = teammate(session, boss, role=Role.ADMIN)
    members = {m.email: m for m in team.list_members(session, actor=admin.actor)}
    assert not members[boss.email].manageable and not members[admin.email].manageable
    with pytest.raises(PermissionDenied):
        team.change_member(
            session,
            actor=admin.actor,
            membership_id=members[boss.email].membership_id,
            role=Role.ADMIN,
        )
    with pytest.raises(PermissionDenied):
        team.remove_member(
            session, actor=admin.actor, membership_id=members[admin.email].membership_id
        )


def test_inviting_an_existing_member_is_refused(session: Session) -> None:
    boss = owner(session)
    mate = teammate(session, boss, role=Role.TEAM_MEMBER)
    with pytest.raises(ValidationError) as err:
        team.create_invitation(session, actor=boss.actor, email=mate.email, role=Role.ADMIN)
    assert err.value.field == "email"


def test_bad_role_value_is_a_field_error(session: Session) -> None:
    boss = owner(session)
    with pytest.raises(ValidationError) as err:
        team.create_invitation(session, actor=boss.actor, email="a@example.com", role="emperor")
    assert err.value.field == "role"
