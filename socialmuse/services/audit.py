"""The audit trail: who did what to which target, from where and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from socialmuse.models import AuditEvent, Membership, User
from socialmuse.services.permissions import Action, Actor, authorize
from socialmuse.services.schemas import AuditEventPublic, AuditPage

SIGN_IN = "auth.sign_in"
SIGN_IN_FAILED = "auth.sign_in_failed"
SIGN_OUT = "auth.sign_out"
SIGN_UP = "auth.sign_up"


def record(
    session: Session,
    *,
    action: str,
    organization_id: int | None = None,
    actor_user_id: int | None = None,
    target_type: str | None = None,
    target_id: int | None = None,
    subject: str | None = None,
    ip: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction, so it exists exactly when the change does."""
    event = AuditEvent(
        organization_id=organization_id,
        actor_user_id=actor_user_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        subject=subject,
        ip=ip,
        details=details or {},
    )
    session.add(event)
    return event


def record_for(
    session: Session,
    actor: Actor,
    action: str,
    *,
    target_type: str,
    target_id: int | None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record an action taken inside the actor's organization."""
    return record(
        session,
        action=action,
        organization_id=actor.organization_id,
        actor_user_id=actor.user_id or None,
        target_type=target_type,
        target_id=target_id,
        ip=actor.ip,
        details={**(details or {}), **({"via": actor.via} if actor.via != "web" else {})},
    )


def list_events(session: Session, *, actor: Actor, page: int = 1, page_size: int = 50) -> AuditPage:
    """The organization's events plus sign-in events of its members, newest first."""
    authorize(actor, Action.AUDIT_VIEW, organization_id=actor.organization_id)
    page = max(page, 1)
    page_size = min(max(page_size, 1), 200)
    member_emails = (
        select(User.email)
        .join(Membership, col(Membership.user_id) == col(User.id))
        .where(Membership.organization_id == actor.organization_id)
    )
    scope = or_(
        col(AuditEvent.organization_id) == actor.organization_id,
        (col(AuditEvent.organization_id).is_(None)) & col(AuditEvent.subject).in_(member_emails),
    )
    total = session.exec(select(func.count()).select_from(AuditEvent).where(scope)).one()
    rows = session.exec(
        select(AuditEvent, User.email)
        .outerjoin(User, col(User.id) == col(AuditEvent.actor_user_id))
        .where(scope)
        .order_by(col(AuditEvent.created_at).desc(), col(AuditEvent.id).desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    items = [
        AuditEventPublic(
            id=event.id or 0,
            created_at=event.created_at,
            action=event.action,
            actor=email or event.subject or "—",
            target=_target_label(event),
            ip=event.ip or "",
            details=event.details,
            summary=_summary(event.details),
        )
        for event, email in rows
    ]
    return AuditPage(items=items, total=int(total), page=page, page_size=page_size)


def _summary(details: dict[str, Any]) -> str:
    """``key: value`` pairs in plain text (lists joined), for people reading the log."""
    parts = []
    for key in sorted(details):
        value = details[key]
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value) or "none"
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in sorted(value.items()))
        parts.append(f"{key.replace('_', ' ')}: {value}")
    return " · ".join(parts)


def _target_label(event: AuditEvent) -> str:
    if event.target_type and event.target_id is not None:
        name = event.details.get("name") or event.details.get("email")
        base = f"{event.target_type} #{event.target_id}"
        return f"{base} ({name})" if name else base
    return event.subject or ""
