"""Sign-up, log-in, sessions and throttling."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from socialmuse.models import AuditEvent, AuthSession, Membership, Organization, User, utcnow
from socialmuse.models.enums import Role
from socialmuse.services import audit, auth
from socialmuse.services.errors import AuthError, PermissionDenied, Throttled, ValidationError
from tests.factories import PASSWORD, owner


def count(session: Session, model: type) -> int:
    return int(session.exec(select(func.count()).select_from(model)).one())


def test_first_user_creates_an_organization_and_owns_it(session: Session) -> None:
    signed = auth.sign_up(
        session,
        email="Ann@Example.COM",
        password=PASSWORD,
        name="Ann",
        organization_name="  Ann's   Bakery ",
    )
    session.commit()
    actor = auth.actor_for(session, token=signed.token, organization_id=None)
    assert actor.role is Role.SUPER_ADMIN
    assert actor.email == "ann@example.com"
    org = session.get(Organization, actor.organization_id)
    assert org is not None and org.name == "Ann's Bakery"
    user = session.get(User, actor.user_id)
    assert user is not None and user.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize(
    ("email", "password", "name", "org", "field"),
    [
        ("not-an-email", PASSWORD, "Ann", "Org", "email"),
        ("", PASSWORD, "Ann", "Org", "email"),
        ("ann@example.com", "short", "Ann", "Org", "password"),
        ("ann@example.com", "password123", "Ann", "Org", "password"),
        ("ann@example.com", "annabelle-lives-here", "Ann", "Org", None),
        ("ann@example.com", PASSWORD, "  ", "Org", "name"),
        ("ann@example.com", PASSWORD, "Ann", "", "organization_name"),
    ],
)
def test_bad_sign_up_names_the_field_and_creates_nothing(
    session: Session, email: str, password: str, name: str, org: str, field: str | None
) -> None:
    if field is None:  # a password containing the email's name
        email, field = "annabelle@example.com", "password"
    with pytest.raises(ValidationError) as err:
        auth.sign_up(session, email=email, password=password, name=name, organization_name=org)
    session.rollback()
    assert err.value.field == field
    assert err.value.message
    assert count(session, User) == count(session, Organization) == count(session, Membership) == 0


def test_taken_email_is_refused_whatever_its_case(session: Session) -> None:
    owner(session)
    taken = session.exec(select(User.email)).one()
    with pytest.raises(ValidationError) as err:
        auth.sign_up(
            session, email=taken.upper(), password=PASSWORD, name="B", organization_name="Other"
        )
    session.rollback()
    assert err.value.field == "email" and "already exists" in err.value.message
    assert count(session, Organization) == 1


def test_log_in_then_log_out_revokes_the_token_server_side(session: Session) -> None:
    person = owner(session)
    signed = auth.log_in(session, email=person.email, password=PASSWORD, ip="10.0.0.1")
    session.commit()
    assert signed.token != person.token
    assert auth.whoami(session, token=signed.token).email == person.email
    auth.log_out(session, token=signed.token, ip="10.0.0.1")
    session.commit()
    with pytest.raises(AuthError):
        auth.whoami(session, token=signed.token)
    assert auth.whoami(session, token=person.token).email == person.email
    stored = session.exec(select(AuthSession.token_hash)).all()
    assert signed.token not in stored and person.token not in stored


def test_expired_session_is_refused(session: Session) -> None:
    person = owner(session)
    for row in session.exec(select(AuthSession)).all():
        row.expires_at = utcnow() - timedelta(seconds=1)
        session.add(row)
    session.commit()
    with pytest.raises(AuthError):
        auth.actor_for(session, token=person.token, organization_id=None)


def test_wrong_password_is_audited_and_repeated_failures_are_throttled(session: Session) -> None:
    person = owner(session)
    for _ in range(auth.MAX_FAILURES_PER_EMAIL):
        with pytest.raises(AuthError):
            auth.log_in(session, email=person.email, password="wrong password!", ip="10.0.0.9")
        session.commit()
    with pytest.raises(Throttled) as err:
        auth.log_in(session, email=person.email, password=PASSWORD, ip="10.0.0.9")
    assert err.value.retry_after > 0 and "Too many" in err.value.message
    failed = session.exec(select(AuditEvent).where(AuditEvent.action == audit.SIGN_IN_FAILED)).all()
    assert len(failed) == auth.MAX_FAILURES_PER_EMAIL
    assert all(e.ip == "10.0.0.9" and e.subject == person.email for e in failed)


def test_throttle_window_passes(session: Session) -> None:
    person = owner(session)
    for _ in range(auth.MAX_FAILURES_PER_EMAIL):
        with pytest.raises(AuthError):
            auth.log_in(session, email=person.email, password="nope nope nope")
        session.commit()
    for event in session.exec(select(AuditEvent)).all():
        event.created_at = event.created_at - auth.THROTTLE_WINDOW - timedelta(seconds=1)
        session.add(event)
    session.commit()
    assert auth.log_in(session, email=person.email, password=PASSWORD).token


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(session: Session) -> None:
    with pytest.raises(AuthError) as err:
        auth.log_in(session, email="ghost@example.com", password=PASSWORD)
    assert err.value.message == "Email or password is incorrect."


def test_actor_for_refuses_an_organization_the_user_is_not_in(session: Session) -> None:
    a = owner(session, org="A")
    b = owner(session, org="B")
    with pytest.raises(PermissionDenied):
        auth.actor_for(session, token=a.token, organization_id=b.actor.organization_id)
