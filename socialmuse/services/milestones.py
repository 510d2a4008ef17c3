"""Milestone alerts: a post passing N engagements, an account passing N followers.

Each (subject, threshold) is recorded once in ``MilestoneAlert`` (a unique key, so two
workers ingesting at once cannot both fire it) and announced as an in-app Notification to
every member who can see the brand. When a jump passes several thresholds at once, all
are recorded but only the highest is announced: nobody wants three notifications for one
viral post. The mailer (a later stage) sends ``pending_emails`` and calls ``mark_emailed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from socialmuse.models import (
    Brand,
    Membership,
    MembershipBrand,
    Notification,
    Post,
    PostTarget,
    SocialAccount,
    utcnow,
)
from socialmuse.models.metrics import MilestoneAlert
from socialmuse.services.accounts import PLATFORM_LABELS
from socialmuse.services.brands import Action, load_brand
from socialmuse.services.permissions import Actor

POST_THRESHOLDS = (100, 500, 1_000, 5_000, 10_000, 50_000, 100_000)
FOLLOWER_THRESHOLDS = (1_000, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000)
POST = "post"
ACCOUNT = "account"


class AlertPublic(BaseModel):
    id: int
    brand_id: int
    subject_type: str
    subject_id: int
    threshold: int
    value: int
    title: str
    created_at: datetime


@dataclass(frozen=True)
class MilestoneEmail:
    """What the mailer needs for one alert: who to tell and what to say."""

    alert_id: int
    organization_id: int
    recipients: tuple[str, ...]
    subject: str
    body: str
    link: str | None


def _brand_members(session: Session, organization_id: int, brand_id: int) -> list[int]:
    """User ids of members who can see the brand (unscoped members see every brand)."""
    memberships = session.exec(
        select(Membership).where(Membership.organization_id == organization_id)
    ).all()
    scoped: dict[int, set[int]] = {}
    for row in session.exec(
        select(MembershipBrand).where(
            col(MembershipBrand.membership_id).in_([m.id for m in memberships])
        )
    ).all():
        scoped.setdefault(row.membership_id, set()).add(row.brand_id)
    return [m.user_id for m in memberships if m.id not in scoped or brand_id in scoped[m.id or 0]]


def _record(
    session: Session,
    *,
    organization_id: int,
    brand_id: int,
    subject_type: str,
    subject_id: int,
    thresholds: tuple[int, ...],
    value: int,
) -> list[MilestoneAlert]:
    """Insert the newly passed thresholds; a concurrent duplicate is skipped, not raised."""
    passed = [t for t in thresholds if value >= t]
    if not passed:
        return []
    known = set(
        session.exec(
            select(MilestoneAlert.threshold).where(
                MilestoneAlert.subject_type == subject_type,
                MilestoneAlert.subject_id == subject_id,
            )
        ).all()
    )
    created = []
    for threshold in passed:
        if threshold in known:
            continue
        alert = MilestoneAlert(
            organization_id=organization_id,
            brand_id=brand_id,
            subject_type=subject_type,
            subject_id=subject_id,
            threshold=threshold,
            value=value,
        )
        try:
            with session.begin_nested():
                session.add(alert)
                session.flush()
        except IntegrityError:
            continue
        created.append(alert)
    return created


def _notify(
    session: Session, organization_id: int, brand_id: int, title: str, body: str, link: str
) -> int:
    users = _brand_members(session, organization_id, brand_id)
    for user_id in users:
        session.add(
            Notification(
                organization_id=organization_id,
                user_id=user_id,
                kind="milestone",
                title=title[:255],
                body=body,
                link=link,
            )
        )
    return len(users)


def _post_title(threshold: int) -> str:
    return f"A post passed {threshold:,} engagements"


def _account_title(account: SocialAccount, threshold: int) -> str:
    network = PLATFORM_LABELS.get(account.platform, str(account.platform))
    return f"@{account.handle} on {network} passed {threshold:,} followers"


def check_post(session: Session, *, target_id: int, engagements: int) -> list[MilestoneAlert]:
    """Record and announce the engagement thresholds this target has newly passed."""
    if engagements < POST_THRESHOLDS[0]:  # most reads: nothing to look up
        return []
    target = session.get(PostTarget, target_id)
    if target is None:
        return []
    post = session.get(Post, target.post_id)
    account = session.get(SocialAccount, target.social_account_id)
    if post is None or account is None:
        return []
    created = _record(
        session,
        organization_id=target.organization_id,
        brand_id=post.brand_id,
        subject_type=POST,
        subject_id=target_id,
        thresholds=POST_THRESHOLDS,
        value=engagements,
    )
    if created:
        top = max(a.threshold for a in created)
        network = PLATFORM_LABELS.get(account.platform, str(account.platform))
        snippet = (post.text[:80] + "…") if len(post.text) > 80 else post.text
        _notify(
            session,
            target.organization_id,
            post.brand_id,
            _post_title(top),
            f'"{snippet}" on {network} (@{account.handle}) now has {engagements:,} engagements.',
            f"/posts/{post.id}",
        )
    return created


def check_account(session: Session, *, account_id: int, followers: int) -> list[MilestoneAlert]:
    """Record and announce the follower thresholds this account has newly passed."""
    if followers < FOLLOWER_THRESHOLDS[0]:
        return []
    account = session.get(SocialAccount, account_id)
    if account is None:
        return []
    created = _record(
        session,
        organization_id=account.organization_id,
        brand_id=account.brand_id,
        subject_type=ACCOUNT,
        subject_id=account_id,
        thresholds=FOLLOWER_THRESHOLDS,
        value=followers,
    )
    if created:
        top = max(a.threshold for a in created)
        _notify(
            session,
            account.organization_id,
            account.brand_id,
            _account_title(account, top),
            f"It now has {followers:,} followers.",
            "/analytics",
        )
    return created


def _title(session: Session, alert: MilestoneAlert) -> str:
    if alert.subject_type == ACCOUNT:
        account = session.get(SocialAccount, alert.subject_id)
        if account is not None:
            return _account_title(account, alert.threshold)
        return f"An account passed {alert.threshold:,} followers"
    return _post_title(alert.threshold)


def list_alerts(
    session: Session, *, actor: Actor, brand_id: int, limit: int = 50
) -> list[AlertPublic]:
    """The brand's milestones, newest first (what the dashboard's "wins" list shows)."""
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    rows = session.exec(
        select(MilestoneAlert)
        .where(
            MilestoneAlert.organization_id == actor.organization_id,
            MilestoneAlert.brand_id == brand_id,
        )
        .order_by(col(MilestoneAlert.created_at).desc(), col(MilestoneAlert.id).desc())
        .limit(limit)
    ).all()
    return [
        AlertPublic(
            id=a.id or 0,
            brand_id=a.brand_id,
            subject_type=a.subject_type,
            subject_id=a.subject_id,
            threshold=a.threshold,
            value=a.value,
            title=_title(session, a),
            created_at=a.created_at,
        )
        for a in rows
    ]


def pending_emails(session: Session, *, limit: int = 100) -> list[MilestoneEmail]:
    """Alerts not yet emailed, one per subject (its highest threshold), with recipients.

    The mailer calls this, sends each message, then ``mark_emailed`` with every alert id of
    the subject (``alert_ids_for``) so the lower thresholds passed in the same jump are not
    mailed later on their own.
    """
    from socialmuse.models import User

    rows = session.exec(
        select(MilestoneAlert)
        .where(col(MilestoneAlert.emailed_at).is_(None))
        .order_by(col(MilestoneAlert.created_at), col(MilestoneAlert.id))
        .limit(limit * 4)
    ).all()
    top: dict[tuple[str, int], MilestoneAlert] = {}
    for alert in rows:
        key = (alert.subject_type, alert.subject_id)
        if key not in top or alert.threshold > top[key].threshold:
            top[key] = alert
    emails = []
    for alert in list(top.values())[:limit]:
        brand = session.get(Brand, alert.brand_id)
        user_ids = _brand_members(session, alert.organization_id, alert.brand_id)
        recipients = tuple(
            session.exec(
                select(User.email).where(col(User.id).in_(user_ids), User.is_active == True)  # noqa: E712
            ).all()
        )
        title = _title(session, alert)
        emails.append(
            MilestoneEmail(
                alert_id=alert.id or 0,
                organization_id=alert.organization_id,
                recipients=recipients,
                subject=f"{brand.name if brand else 'SocialMuse'}: {title}",
                body=f"{title} ({alert.value:,} at the time of the alert).",
                link="/analytics" if alert.subject_type == ACCOUNT else None,
            )
        )
    return emails


def alert_ids_for(session: Session, alert_id: int) -> list[int]:
    """Every unsent alert of the same subject as ``alert_id`` (the ones one email covers)."""
    alert = session.get(MilestoneAlert, alert_id)
    if alert is None:
        return []
    return [
        a.id or 0
        for a in session.exec(
            select(MilestoneAlert).where(
                MilestoneAlert.subject_type == alert.subject_type,
                MilestoneAlert.subject_id == alert.subject_id,
                col(MilestoneAlert.emailed_at).is_(None),
            )
        ).all()
    ]


def mark_emailed(session: Session, alert_ids: list[int], *, now: datetime | None = None) -> int:
    """Remember that these alerts went out by email; returns how many were marked."""
    now = now or utcnow()
    alerts = session.exec(select(MilestoneAlert).where(col(MilestoneAlert.id).in_(alert_ids))).all()
    for alert in alerts:
        alert.emailed_at = now
        session.add(alert)
    session.flush()
    return len(alerts)
