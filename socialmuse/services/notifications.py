"""In-app notifications: one row per person told, read from the bell in the app's header.

Other services call ``notify`` inside their own transaction, so a notification exists exactly
when the change it announces does. Each person only ever reads their own notifications in the
organization they are working in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import ColumnElement, func, update
from sqlmodel import Session, col, select

from socialmuse.models import Notification, User, utcnow
from socialmuse.services.permissions import Action, Actor, authorize

MAX_LISTED = 50
TITLE_LENGTH = 255


class NotificationPublic(BaseModel):
    id: int
    kind: str
    title: str
    body: str
    link: str | None
    created_at: datetime
    read: bool


def notify(
    session: Session,
    *,
    organization_id: int,
    user_ids: Iterable[int],
    kind: str,
    title: str,
    body: str = "",
    link: str | None = None,
) -> list[Notification]:
    """Tell each of ``user_ids`` (duplicates and 0 ignored) about something in the organization.

    ``kind`` is a dotted name such as ``approval.requested``; ``link`` a path inside the app.
    """
    rows = []
    for user_id in dict.fromkeys(u for u in user_ids if u):
        row = Notification(
            organization_id=organization_id,
            user_id=user_id,
            kind=kind,
            title=title[:TITLE_LENGTH],
            body=body,
            link=link,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    # Email follows from the rows: the reports job mails pending ones
    # (``mailer.send_notification_emails``), so a slow or refusing SMTP server never holds
    # up the action that notified.
    return rows


# Older unsent notifications are not mailed: configuring SMTP later must not flood inboxes.
EMAIL_WINDOW = timedelta(days=2)


class PendingEmail(BaseModel):
    notification_id: int
    to: str
    subject: str
    body: str
    link: str | None


def pending_emails(session: Session, *, limit: int = 50) -> list[PendingEmail]:
    """Recent notifications not yet emailed, with their recipient's address."""
    rows = session.exec(
        select(Notification, User.email)
        .join(User, col(User.id) == col(Notification.user_id))
        .where(
            col(Notification.emailed_at).is_(None),
            col(Notification.created_at) >= utcnow() - EMAIL_WINDOW,
        )
        .order_by(col(Notification.id))
        .limit(limit)
    ).all()
    return [
        PendingEmail(
            notification_id=n.id or 0, to=address, subject=n.title, body=n.body, link=n.link
        )
        for n, address in rows
    ]


def claim_email(session: Session, notification_id: int) -> bool:
    """Take the right to mail one notification (two workers never send it twice)."""
    result = session.execute(
        update(Notification)
        .where(col(Notification.id) == notification_id, col(Notification.emailed_at).is_(None))
        .values(emailed_at=utcnow())
    )
    session.commit()
    return bool(getattr(result, "rowcount", 0))


def release_email(session: Session, notification_id: int) -> None:
    """The send failed: leave the notification pending for the next pass."""
    session.execute(
        update(Notification).where(col(Notification.id) == notification_id).values(emailed_at=None)
    )
    session.commit()


def _mine(actor: Actor) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return (
        col(Notification.organization_id) == actor.organization_id,
        col(Notification.user_id) == actor.user_id,
    )


def list_notifications(
    session: Session, *, actor: Actor, unread_only: bool = False, limit: int = MAX_LISTED
) -> list[NotificationPublic]:
    """The actor's own notifications in this organization, newest first."""
    authorize(actor, Action.ORG_VIEW, organization_id=actor.organization_id)
    query = select(Notification).where(*_mine(actor))
    if unread_only:
        query = query.where(col(Notification.read_at).is_(None))
    rows = session.exec(
        query.order_by(col(Notification.created_at).desc(), col(Notification.id).desc()).limit(
            min(max(limit, 1), 200)
        )
    ).all()
    return [
        NotificationPublic(
            id=n.id or 0,
            kind=n.kind,
            title=n.title,
            body=n.body,
            link=n.link,
            created_at=n.created_at,
            read=n.read_at is not None,
        )
        for n in rows
    ]


def unread_count(session: Session, *, actor: Actor) -> int:
    """How many of the actor's notifications are unread (the number on the bell)."""
    authorize(actor, Action.ORG_VIEW, organization_id=actor.organization_id)
    count = session.exec(
        select(func.count())
        .select_from(Notification)
        .where(*_mine(actor), col(Notification.read_at).is_(None))
    ).one()
    return int(count)


def mark_read(
    session: Session, *, actor: Actor, notification_ids: Iterable[int] | None = None
) -> int:
    """Mark some (or, with None, all) of the actor's notifications read; returns how many.

    Ids of other people's notifications are silently ignored: they are not the actor's to mark.
    """
    authorize(actor, Action.ORG_VIEW, organization_id=actor.organization_id)
    query = select(Notification).where(*_mine(actor), col(Notification.read_at).is_(None))
    if notification_ids is not None:
        ids = list(notification_ids)
        if not ids:
            return 0
        query = query.where(col(Notification.id).in_(ids))
    stamp = utcnow()
    rows = session.exec(query).all()
    for row in rows:
        row.read_at = stamp
        session.add(row)
    session.flush()
    return len(rows)
