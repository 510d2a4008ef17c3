"""The mailer against a real SMTP server (aiosmtpd in a thread): reports arrive with their
attachment; a refusing server leaves the run failed, visible and retried, nothing lost."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session

from socialmuse.models.enums import Platform
from socialmuse.models.reports import ReportSchedule
from socialmuse.platforms.base import PostMetrics
from socialmuse.services import mailer, milestones, report_schedules
from socialmuse.services.report_schedules import ScheduleInput
from socialmuse.settings import Settings, get_settings
from tests.factories import brand, owner
from tests.services.analytics_helpers import account, published


@dataclass
class Inbox:
    """What the test SMTP server received; ``refuse`` makes it answer 554 to DATA."""

    messages: list[Message] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    refuse: bool = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "554 5.7.1 Message rejected: mailbox unavailable"
        self.messages.append(email.message_from_bytes(envelope.original_content))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture()
def smtp() -> Iterator[tuple[Inbox, Settings]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings = get_settings().model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_starttls": False,
            "smtp_from": "Reports <reports@example.com>",
        }
    )
    try:
        yield inbox, settings
    finally:
        controller.stop()


def _schedule(session: Session, fmt: str = "pdf") -> tuple[int, int]:
    person = owner(session)
    brand_id = brand(session, person, "Bakery", tz="Europe/Paris")
    acct = account(session, person, brand_id, Platform.X, "bakery")
    published(
        session,
        acct,
        datetime(2026, 3, 18, 9, tzinfo=UTC),
        text="Fresh bread #bread",
        metrics=PostMetrics(impressions=800, likes=30, comments=4, shares=2),
    )
    created = report_schedules.create_schedule(
        session,
        actor=person.actor,
        brand_id=brand_id,
        data=ScheduleInput(
            name="Weekly digest", recipients="ana@example.com, bo@example.com", format=fmt
        ),
        now=datetime(2026, 3, 20, 12, tzinfo=UTC),
    )
    session.commit()
    return created.id, brand_id


def test_a_due_report_arrives_with_its_attachment(
    session: Session, smtp: tuple[Inbox, Settings]
) -> None:
    inbox, settings = smtp
    schedule_id, _ = _schedule(session)
    now = datetime(2026, 3, 23, 8, 0, 5, tzinfo=UTC)  # Monday 09:00 Paris has passed
    (claim,) = report_schedules.claim_due(session, now=now)
    outcome = report_schedules.deliver(
        session, schedule_id=schedule_id, run_at=claim.run_at, now=now, settings=settings
    )
    session.commit()
    assert outcome.status == "sent"
    (message,) = inbox.messages
    assert inbox.recipients == [["ana@example.com", "bo@example.com"]]
    assert message["Subject"] == "Bakery: Weekly digest (16 Mar to 22 Mar 2026)"
    assert message["From"] == "Reports <reports@example.com>"
    body, attachment = [p for p in message.walk() if not p.is_multipart()]
    assert "Engagements: 36" in body.get_payload(decode=True).decode()
    assert attachment.get_filename() == "bakery-2026-03-16-2026-03-22.pdf"
    assert attachment.get_payload(decode=True).startswith(b"%PDF-")
    row = session.get(ReportSchedule, schedule_id)
    assert row is not None and row.last_status == "sent" and row.pending_run_at is None
    assert row.next_run_at == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # 09:00 CEST next week


def test_a_refusing_server_fails_the_run_and_it_is_retried(
    session: Session, smtp: tuple[Inbox, Settings]
) -> None:
    inbox, settings = smtp
    schedule_id, _ = _schedule(session, fmt="csv")
    inbox.refuse = True
    now = datetime(2026, 3, 23, 8, 0, 5, tzinfo=UTC)
    (claim,) = report_schedules.claim_due(session, now=now)
    outcome = report_schedules.deliver(
        session, schedule_id=schedule_id, run_at=claim.run_at, now=now, settings=settings
    )
    session.commit()
    assert outcome.status == "failed" and "554" in (outcome.error or "")
    row = session.get(ReportSchedule, schedule_id)
    assert row is not None
    assert row.last_status == "failed" and "Message rejected" in (row.last_error or "")
    assert row.pending_run_at == claim.run_at  # the occurrence is kept, not lost
    assert row.next_run_at == now + timedelta(minutes=5)
    assert report_schedules.claim_due(session, now=now + timedelta(minutes=4)) == []

    inbox.refuse = False
    later = now + timedelta(minutes=5)
    (retry,) = report_schedules.claim_due(session, now=later)
    assert retry.run_at == claim.run_at
    outcome = report_schedules.deliver(
        session, schedule_id=schedule_id, run_at=retry.run_at, now=later, settings=settings
    )
    session.commit()
    assert outcome.status == "sent"
    (message,) = inbox.messages
    # The retry reports the same week the failed run was for.
    assert "(16 Mar to 22 Mar 2026)" in message["Subject"]
    attachment = next(p for p in message.walk() if p.get_filename())
    assert attachment.get_filename() == "bakery-2026-03-16-2026-03-22.zip"
    refreshed = session.get(ReportSchedule, schedule_id)
    assert refreshed is not None and refreshed.failures == 0 and refreshed.last_error is None


def test_unreachable_server_is_a_plain_error(smtp: tuple[Inbox, Settings]) -> None:
    _, settings = smtp
    closed = settings.model_copy(update={"smtp_port": _free_port()})
    with pytest.raises(mailer.MailError) as raised:
        mailer.send(mailer.Email(to=("a@example.com",), subject="s", body="b"), settings=closed)
    assert "Could not reach the SMTP server 127.0.0.1" in raised.value.message
    off = settings.model_copy(update={"smtp_host": ""})
    with pytest.raises(mailer.MailError, match="SOCIALMUSE_SMTP_HOST"):
        mailer.send(mailer.Email(to=("a@example.com",), subject="s", body="b"), settings=off)
    needs_tls = settings.model_copy(update={"smtp_starttls": True})
    with pytest.raises(mailer.MailError, match="does not offer STARTTLS"):
        mailer.send(mailer.Email(to=("a@example.com",), subject="s", body="b"), settings=needs_tls)


def test_milestone_alerts_are_emailed_once(
    session: Session, smtp: tuple[Inbox, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, settings = smtp
    monkeypatch.setenv("SOCIALMUSE_SMTP_HOST", settings.smtp_host)
    monkeypatch.setenv("SOCIALMUSE_SMTP_PORT", str(settings.smtp_port))
    monkeypatch.setenv("SOCIALMUSE_SMTP_STARTTLS", "false")
    get_settings.cache_clear()
    try:
        person = owner(session)
        brand_id = brand(session, person, "Roastery")
        acct = account(session, person, brand_id, Platform.X, "roast")
        target = published(session, acct, datetime(2026, 3, 18, 9, tzinfo=UTC))
        milestones.check_post(session, target_id=target.id or 0, engagements=650)
        session.commit()
        inbox.refuse = True
        sent, errors = mailer.send_milestone_emails(session)
        assert sent == 0 and len(errors) == 1
        assert milestones.pending_emails(session)  # still pending after the refusal
        inbox.refuse = False
        sent, errors = mailer.send_milestone_emails(session)
        assert (sent, errors) == (1, [])
        (message,) = inbox.messages
        assert inbox.recipients == [[person.email]]
        assert message["Subject"].startswith("Roastery:") and "500" in message["Subject"]
        assert mailer.send_milestone_emails(session) == (0, [])  # 100 and 500 marked together
    finally:
        get_settings.cache_clear()


def test_recipients_are_parsed_and_deduplicated() -> None:
    assert mailer.parse_recipients("a@x.io; B@x.io, b@x.io  c@x.io") == [
        "a@x.io",
        "B@x.io",
        "c@x.io",
    ]


def test_an_approval_request_reaches_the_approver_by_email_once(
    session: Session, smtp: tuple[Inbox, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialmuse.models import Brand
    from socialmuse.models.enums import Role
    from socialmuse.services import accounts, approvals
    from socialmuse.services.post_editing import PostDraft, save_post
    from tests.factories import teammate

    inbox, settings = smtp
    monkeypatch.setenv("SOCIALMUSE_SMTP_HOST", settings.smtp_host)
    monkeypatch.setenv("SOCIALMUSE_SMTP_PORT", str(settings.smtp_port))
    monkeypatch.setenv("SOCIALMUSE_SMTP_STARTTLS", "false")
    get_settings.cache_clear()
    try:
        boss = owner(session)
        brand_id = brand(session, boss, "Bakery")
        writer = teammate(session, boss, role=Role.TEAM_MEMBER, brand_ids=(brand_id,))
        row = session.get(Brand, brand_id)
        assert row is not None
        row.approval_policy = {"required_for": "team_members", "steps": ["brand_owner"]}
        session.add(row)
        sandbox = accounts.connect_sandbox(session, actor=boss.actor, brand_id=brand_id, handle="b")
        draft = save_post(
            session,
            actor=writer.actor,
            draft=PostDraft(brand_id=brand_id, text="Rye is back", account_ids=[sandbox.id]),
        )
        approvals.submit_for_review(session, actor=writer.actor, post_id=draft.id)
        session.commit()

        inbox.refuse = True
        sent, errors = mailer.send_notification_emails(session)
        assert sent == 0 and len(errors) == 1  # refused: still pending
        inbox.refuse = False
        assert mailer.send_notification_emails(session) == (1, [])
        (message,) = inbox.messages
        assert inbox.recipients == [[boss.email]]
        body = message.get_payload(decode=True).decode()
        assert f"/posts/{draft.id}" in body
        assert mailer.send_notification_emails(session) == (0, [])  # sent once
    finally:
        get_settings.cache_clear()
