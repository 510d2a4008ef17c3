"""Milestones fire once per threshold, for the brand's members, with an email hook."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from socialmuse.models import Brand, Notification
from socialmuse.models.enums import Platform, Role
from socialmuse.platforms.base import PostMetrics
from socialmuse.services import metrics_collection, milestones
from tests.factories import brand, owner, teammate
from tests.services.analytics_helpers import account, published

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def test_a_post_passing_thresholds_notifies_the_brand_once_each(session: Session) -> None:
    boss = owner(session)
    cafe, other = brand(session, boss, "Cafe"), brand(session, boss, "Other")
    inside = teammate(session, boss, role=Role.TEAM_MEMBER, brand_ids=(cafe,))
    outside = teammate(session, boss, role=Role.TEAM_MEMBER, brand_ids=(other,))
    acct = account(session, boss, cafe, Platform.X, "cafe")
    target = published(session, acct, T0, text="Our big launch", metrics=PostMetrics(likes=90))
    assert session.exec(select(Notification)).all() == []
    cafe_brand = session.get(Brand, cafe)
    assert cafe_brand is not None
    for likes, at in ((120, 1), (130, 2), (1200, 3)):
        metrics_collection.store_post_metrics(
            session,
            target=target,
            account=acct,
            brand=cafe_brand,
            metrics=PostMetrics(likes=likes),
            now=T0 + timedelta(hours=at),
        )
        session.commit()
    notes = session.exec(select(Notification).order_by(Notification.id)).all()
    titles_by_user: dict[int, list[str]] = {}
    for note in notes:
        titles_by_user.setdefault(note.user_id, []).append(note.title)
    expected = ["A post passed 100 engagements", "A post passed 1,000 engagements"]
    assert titles_by_user[boss.actor.user_id] == expected
    assert titles_by_user[inside.actor.user_id] == expected
    assert outside.actor.user_id not in titles_by_user
    assert "Our big launch" in notes[0].body and notes[0].link == f"/posts/{target.post_id}"
    alerts = milestones.list_alerts(session, actor=boss.actor, brand_id=cafe)
    assert sorted(a.threshold for a in alerts) == [100, 500, 1000]
    assert {a.title for a in alerts} >= set(expected)
    # Recording the same counts again fires nothing new.
    assert milestones.check_post(session, target_id=target.id or 0, engagements=1200) == []


def test_the_mailer_hook_sends_one_email_per_subject(session: Session) -> None:
    boss = owner(session)
    cafe = brand(session, boss, "Cafe")
    acct = account(session, boss, cafe, Platform.MASTODON, "cafe")
    milestones.check_account(session, account_id=acct.id or 0, followers=12_000)
    session.commit()
    emails = milestones.pending_emails(session)
    assert len(emails) == 1
    email = emails[0]
    assert email.recipients == (boss.email,)
    assert email.subject == "Cafe: @cafe on Mastodon passed 10,000 followers"
    ids = milestones.alert_ids_for(session, email.alert_id)
    assert len(ids) == 3  # 1k, 5k and 10k passed in one jump: one email covers them
    assert milestones.mark_emailed(session, ids) == 3
    session.commit()
    assert milestones.pending_emails(session) == []
