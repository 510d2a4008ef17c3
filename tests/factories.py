"""Small builders for tests: a signed-up owner, a brand, a teammate with a role."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from sqlmodel import Session

from socialmuse.models.enums import Role
from socialmuse.services import auth, brands, team
from socialmuse.services.permissions import Actor

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


@dataclass
class Person:
    token: str
    actor: Actor
    email: str


def owner(session: Session, *, org: str = "Acme") -> Person:
    n = next(_seq)
    email = f"owner{n}@example.com"
    signed = auth.sign_up(
        session, email=email, password=PASSWORD, name=f"Owner {n}", organization_name=org
    )
    session.commit()
    actor = auth.actor_for(session, token=signed.token, organization_id=signed.organization_id)
    return Person(token=signed.token, actor=actor, email=email)


def brand(session: Session, person: Person, name: str = "Brand", tz: str = "Europe/Paris") -> int:
    created = brands.create_brand(session, actor=person.actor, name=name, timezone=tz)
    session.commit()
    return created.id


def teammate(
    session: Session, inviter: Person, *, role: Role, brand_ids: tuple[int, ...] = ()
) -> Person:
    n = next(_seq)
    email = f"mate{n}@example.com"
    invite = team.create_invitation(
        session, actor=inviter.actor, email=email, role=role, brand_ids=brand_ids
    )
    signed = team.accept_invitation(
        session, token=invite.token, name=f"Mate {n}", password=PASSWORD
    )
    session.commit()
    actor = auth.actor_for(session, token=signed.token, organization_id=signed.organization_id)
    return Person(token=signed.token, actor=actor, email=email)
