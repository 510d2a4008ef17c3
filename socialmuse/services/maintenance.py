"""Housekeeping that keeps the database small and honest; run periodically by the scheduler."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, delete, or_, select

from socialmuse.models import AuthSession, Invitation, utcnow

RETAIN_ENDED = timedelta(days=30)


def purge_ended_logins(session: Session) -> int:
    """Forget logins that ended (expired or revoked) more than 30 days ago."""
    cutoff = utcnow() - RETAIN_ENDED
    ended = or_(
        col(AuthSession.expires_at) < cutoff,
        col(AuthSession.revoked_at) < cutoff,
    )
    ids = session.exec(select(AuthSession.id).where(ended)).all()
    if ids:
        session.exec(delete(AuthSession).where(col(AuthSession.id).in_(ids)))
    return len(ids)


def purge_stale_invitations(session: Session) -> int:
    """Drop invitations nobody used that expired or were withdrawn over 30 days ago."""
    cutoff = utcnow() - RETAIN_ENDED
    stale = (col(Invitation.accepted_at).is_(None)) & or_(
        col(Invitation.expires_at) < cutoff, col(Invitation.revoked_at) < cutoff
    )
    ids = session.exec(select(Invitation.id).where(stale)).all()
    if ids:
        session.exec(delete(Invitation).where(col(Invitation.id).in_(ids)))
    return len(ids)
