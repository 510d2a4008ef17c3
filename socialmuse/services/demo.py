"""A demo organization so a newcomer sees a lived-in SocialMuse; later stages add to it."""

from __future__ import annotations

import secrets

from pydantic import BaseModel
from sqlmodel import Session, select

from socialmuse.models import Membership, User
from socialmuse.models.enums import Role
from socialmuse.services import auth, brands, team
from socialmuse.services.demo_calendar import seed_demo_calendar
from socialmuse.services.organizations import create_organization_for
from socialmuse.services.secrets import hash_password

DEMO_EMAIL = "demo@socialmuse.example"
TEAMMATE_EMAIL = "sam@socialmuse.example"
DEMO_BRANDS = (
    ("Northwind Coffee", "Europe/Paris", "Warm, witty, never pushy. Short sentences."),
    ("Bluebird Yoga", "America/New_York", "Calm and encouraging; plain words, no jargon."),
)


class DemoLogin(BaseModel):
    email: str
    password: str
    organization_id: int
    user_id: int
    brand_ids: list[int]
    teammate_email: str
    teammate_user_id: int


def seed_demo(session: Session) -> DemoLogin:
    """Create (or refresh) the demo organization; the password is new on every run."""
    password = secrets.token_urlsafe(12)
    user = session.exec(select(User).where(User.email == DEMO_EMAIL)).first()
    if user is None:
        user = auth.create_user(session, email=DEMO_EMAIL, password=password, name="Dana Demo")
        organization = create_organization_for(session, user=user, name="Demo Agency")
        organization_id = organization.id or 0
    else:
        user.password_hash = hash_password(password)
        session.add(user)
        organization_id = (
            session.exec(
                select(Membership.organization_id).where(
                    Membership.user_id == user.id, Membership.role == Role.SUPER_ADMIN
                )
            ).first()
            or create_organization_for(session, user=user, name="Demo Agency").id
            or 0
        )
    owner = auth.actor_for_user(session, user_id=user.id or 0, organization_id=organization_id)
    existing = {
        b.name: b.id for b in brands.list_brands(session, actor=owner, include_archived=True)
    }
    brand_ids = []
    for name, timezone, voice in DEMO_BRANDS:
        if name not in existing:
            existing[name] = brands.create_brand(
                session, actor=owner, name=name, timezone=timezone, voice=voice
            ).id
        brand_ids.append(existing[name])
    mate = session.exec(select(User).where(User.email == TEAMMATE_EMAIL)).first()
    if mate is None:
        invitation = team.create_invitation(
            session,
            actor=owner,
            email=TEAMMATE_EMAIL,
            role=Role.TEAM_MEMBER,
            brand_ids=brand_ids[:1],
        )
        team.accept_invitation(
            session, token=invitation.token, name="Sam Teammate", password=secrets.token_urlsafe(16)
        )
        mate = session.exec(select(User).where(User.email == TEAMMATE_EMAIL)).one()
    seed_demo_calendar(session, actor=owner, brand_ids=brand_ids)
    return DemoLogin(
        email=DEMO_EMAIL,
        password=password,
        organization_id=organization_id,
        user_id=user.id or 0,
        brand_ids=brand_ids,
        teammate_email=TEAMMATE_EMAIL,
        teammate_user_id=mate.id or 0,
    )
