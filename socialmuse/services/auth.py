"""Sign-up, log-in, sessions and the Actor every other service needs.

A login is a random token held by the browser and a row holding its SHA-256, expiry and
revocation. Every request re-derives the Actor from that row, so log-out, expiry and a
removed membership take effect on the next click, in every web process.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from socialmuse.models import (
    AuthSession,
    Membership,
    MembershipBrand,
    Organization,
    User,
    utcnow,
)
from socialmuse.models.enums import Role
from socialmuse.services import audit
from socialmuse.services.errors import (
    AuthError,
    NotFound,
    PermissionDenied,
    Throttled,
    ValidationError,
)
from socialmuse.services.identity import check_password, clean_name, normalize_email
from socialmuse.services.organizations import create_organization_for
from socialmuse.services.permissions import Actor
from socialmuse.services.schemas import OrganizationSummary, SignedIn, UserPublic
from socialmuse.services.secrets import (
    hash_password,
    new_token,
    token_digest,
    verify_password,
)
from socialmuse.settings import get_settings

THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_IP = 30
_TOUCH_EVERY = timedelta(minutes=5)


def sign_up(
    session: Session,
    *,
    email: str,
    password: str,
    name: str,
    organization_name: str,
    ip: str | None = None,
    user_agent: str | None = None,
) -> SignedIn:
    """Create a person, their organization (they become its super admin) and a login."""
    organization_name = clean_name(
        organization_name, field="organization_name", what="your organization's name"
    )
    user = create_user(session, email=email, password=password, name=name, ip=ip)
    organization = create_organization_for(session, user=user, name=organization_name, ip=ip)
    token = start_session(
        session, user=user, organization_id=organization.id, ip=ip, user_agent=user_agent
    )
    return SignedIn(token=token, user_id=user.id or 0, organization_id=organization.id)


def create_user(
    session: Session, *, email: str, password: str, name: str, ip: str | None = None
) -> User:
    """Validate and add a user; the caller's transaction decides whether it sticks."""
    email = normalize_email(email)
    name = clean_name(name, field="name", what="your name")
    check_password(password, email=email)
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise ValidationError(
            "An account with this email already exists. Log in instead.", field="email"
        )
    user = User(email=email, name=name, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    audit.record(session, action=audit.SIGN_UP, actor_user_id=user.id, subject=email, ip=ip)
    return user


def log_in(
    session: Session,
    *,
    email: str,
    password: str,
    ip: str | None = None,
    user_agent: str | None = None,
) -> SignedIn:
    """Check credentials under throttling; every outcome lands in the audit trail."""
    try:
        email = normalize_email(email)
    except ValidationError:
        raise AuthError("Email or password is incorrect.", field="password") from None
    _check_throttle(session, email=email, ip=ip)
    user = session.exec(select(User).where(User.email == email)).first()
    if not verify_password(user.password_hash if user else None, password) or not (
        user and user.is_active
    ):
        audit.record(
            session,
            action=audit.SIGN_IN_FAILED,
            actor_user_id=user.id if user else None,
            subject=email,
            ip=ip,
        )
        raise AuthError("Email or password is incorrect.", field="password")
    organization_id = _landing_organization(session, user)
    token = start_session(
        session, user=user, organization_id=organization_id, ip=ip, user_agent=user_agent
    )
    return SignedIn(token=token, user_id=user.id or 0, organization_id=organization_id)


def _check_throttle(session: Session, *, email: str, ip: str | None) -> None:
    now = utcnow()
    window_start = now - THROTTLE_WINDOW
    last_success = session.exec(
        select(func.max(audit.AuditEvent.created_at)).where(
            audit.AuditEvent.action == audit.SIGN_IN, audit.AuditEvent.subject == email
        )
    ).one()
    since = max(window_start, _aware(last_success) or window_start)
    failures = _failures(session, since, col(audit.AuditEvent.subject) == email)
    if len(failures) >= MAX_FAILURES_PER_EMAIL:
        raise _throttled(failures[-MAX_FAILURES_PER_EMAIL], now)
    if ip:
        by_ip = _failures(session, window_start, col(audit.AuditEvent.ip) == ip)
        if len(by_ip) >= MAX_FAILURES_PER_IP:
            raise _throttled(by_ip[-MAX_FAILURES_PER_IP], now)


def _failures(session: Session, since: datetime, condition: object) -> list[datetime]:
    rows = session.exec(
        select(audit.AuditEvent.created_at)
        .where(audit.AuditEvent.action == audit.SIGN_IN_FAILED)
        .where(condition)  # type: ignore[arg-type]
        .where(col(audit.AuditEvent.created_at) > since)
        .order_by(col(audit.AuditEvent.created_at))
    ).all()
    return [_aware(r) or r for r in rows]


def _throttled(oldest_counted: datetime, now: datetime) -> Throttled:
    retry_after = max(int((oldest_counted + THROTTLE_WINDOW - now).total_seconds()), 1)
    minutes = max(round(retry_after / 60), 1)
    return Throttled(
        f"Too many failed sign-in attempts. Try again in {minutes} minute"
        f"{'s' if minutes != 1 else ''}.",
        retry_after=retry_after,
        field="password",
    )


def _aware(value: datetime | None) -> datetime | None:
    from datetime import UTC

    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _landing_organization(session: Session, user: User) -> int | None:
    orgs = [o.id for o in list_organizations_for(session, user_id=user.id or 0)]
    if user.last_organization_id in orgs:
        return user.last_organization_id
    return orgs[0] if orgs else None


def start_session(
    session: Session,
    *,
    user: User,
    organization_id: int | None,
    ip: str | None = None,
    user_agent: str | None = None,
) -> str:
    """Issue a fresh token (never reuse one across logins) and record the sign-in."""
    token = new_token()
    now = utcnow()
    session.add(
        AuthSession(
            user_id=user.id or 0,
            token_hash=token_digest(token),
            expires_at=now + timedelta(days=get_settings().session_days),
            ip=ip,
            user_agent=(user_agent or "")[:255] or None,
        )
    )
    user.last_login_at = now
    if organization_id is not None:
        user.last_organization_id = organization_id
    session.add(user)
    audit.record(session, action=audit.SIGN_IN, actor_user_id=user.id, subject=user.email, ip=ip)
    return token


def log_out(session: Session, *, token: str, ip: str | None = None) -> None:
    """Revoke the login server-side; a copied token is useless afterwards."""
    row = _session_row(session, token)
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at = utcnow()
    session.add(row)
    user = session.get(User, row.user_id)
    audit.record(
        session,
        action=audit.SIGN_OUT,
        actor_user_id=row.user_id,
        subject=user.email if user else None,
        ip=ip,
    )


def revoke_all_sessions(session: Session, *, user_id: int) -> int:
    """End every login of a user (password change, account disabled)."""
    rows = session.exec(
        select(AuthSession).where(
            AuthSession.user_id == user_id, col(AuthSession.revoked_at).is_(None)
        )
    ).all()
    now = utcnow()
    for row in rows:
        row.revoked_at = now
        session.add(row)
    return len(rows)


def _session_row(session: Session, token: str) -> AuthSession | None:
    if not token:
        return None
    return session.exec(
        select(AuthSession).where(AuthSession.token_hash == token_digest(token))
    ).first()


def current_user(session: Session, *, token: str) -> User:
    """The live user behind a token, or AuthError when the login is gone."""
    row = _session_row(session, token)
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise AuthError("Your session has ended. Please log in again.")
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise AuthError("Your session has ended. Please log in again.")
    if now - row.last_seen_at > _TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
    return user


def whoami(session: Session, *, token: str) -> UserPublic:
    user = current_user(session, token=token)
    return UserPublic(id=user.id or 0, email=user.email, name=user.name)


def actor_for(
    session: Session, *, token: str, organization_id: int | None, ip: str | None = None
) -> Actor:
    """Resolve the acting membership; falls back to the user's landing organization."""
    user = current_user(session, token=token)
    return _membership_actor(session, user, organization_id, ip)


def actor_for_user(session: Session, *, user_id: int, organization_id: int) -> Actor:
    """An actor for a trusted server-side caller (seeding, jobs acting for a user)."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("That user does not exist.")
    return _membership_actor(session, user, organization_id, None)


def _membership_actor(
    session: Session, user: User, organization_id: int | None, ip: str | None
) -> Actor:
    if organization_id is None:
        organization_id = _landing_organization(session, user)
        if organization_id is None:
            raise PermissionDenied("You are not a member of any organization.")
    membership = session.exec(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organization_id == organization_id
        )
    ).first()
    if membership is None:
        raise PermissionDenied("You are not a member of this organization.")
    return Actor(
        user_id=user.id or 0,
        organization_id=organization_id,
        role=Role(membership.role),
        brand_ids=membership_scope(session, membership.id or 0),
        email=user.email,
        name=user.name,
        ip=ip,
    )


def membership_scope(session: Session, membership_id: int) -> frozenset[int] | None:
    """The brands a membership is limited to, or None when it covers every brand."""
    ids = session.exec(
        select(MembershipBrand.brand_id).where(MembershipBrand.membership_id == membership_id)
    ).all()
    return frozenset(ids) if ids else None


def operator_actor(session: Session, *, organization_id: int) -> Actor:
    """The machine operator at the CLI: full rights inside one existing organization.

    Whoever can run the CLI can already read the database; this keeps the CLI going
    through the same services (and audit trail) as everyone else, tagged ``via=cli``.
    """
    if session.get(Organization, organization_id) is None:
        raise NotFound(f"There is no organization with id {organization_id}.")
    return Actor(
        user_id=0,
        organization_id=organization_id,
        role=Role.SUPER_ADMIN,
        name="operator",
        via="cli",
    )


def operator_actor_for_brand(session: Session, *, brand_id: int) -> Actor:
    """The operator acting in whichever organization owns ``brand_id``."""
    from socialmuse.models import Brand

    brand = session.get(Brand, brand_id)
    if brand is None:
        raise NotFound(f"There is no brand with id {brand_id}.", field="brand_id")
    return operator_actor(session, organization_id=brand.organization_id)


def list_organizations(session: Session, *, token: str) -> list[OrganizationSummary]:
    user = current_user(session, token=token)
    return list_organizations_for(session, user_id=user.id or 0)


def list_organizations_for(session: Session, *, user_id: int) -> list[OrganizationSummary]:
    rows = session.exec(
        select(Organization, Membership.role)
        .join(Membership, col(Membership.organization_id) == col(Organization.id))
        .where(Membership.user_id == user_id)
        .order_by(col(Organization.name), col(Organization.id))
    ).all()
    return [OrganizationSummary(id=o.id or 0, name=o.name, role=Role(r)) for o, r in rows]


def switch_organization(session: Session, *, token: str, organization_id: int) -> Actor:
    """Remember the chosen organization for the next login; refuses non-members."""
    actor = actor_for(session, token=token, organization_id=organization_id)
    user = session.get(User, actor.user_id)
    if user is not None:
        user.last_organization_id = organization_id
        session.add(user)
    return actor
