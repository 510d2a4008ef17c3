"""Scheduled reports: weekly or monthly, at a local time in the brand's timezone, by email.

Times are wall-clock in the brand's zone, recomputed for every run, so "Mondays 09:00" is
09:00 in summer and winter alike. A wall time the clocks skip (spring forward) runs at the
first instant after the gap; a repeated one (fall back) runs once, at its first occurrence.

A due run is claimed with one conditional UPDATE that moves ``next_run_at`` past a lease
(exactly one scheduler or worker wins it); ``record_success`` / ``record_failure`` then set
the next regular run or a retry. A refused send keeps the pending occurrence, so the retry
mails the same period's report and nothing is lost.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import update
from sqlmodel import Session, col, select

from socialmuse.models import Brand, utcnow
from socialmuse.models.enums import Role
from socialmuse.models.reports import ReportSchedule
from socialmuse.services import audit, mailer
from socialmuse.services.brands import Action, load_brand
from socialmuse.services.errors import NotFound, ValidationError
from socialmuse.services.mailer import Attachment, Email, parse_recipients
from socialmuse.services.permissions import Actor
from socialmuse.settings import Settings

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FREQUENCIES = ("weekly", "monthly")
FORMATS = ("csv", "pdf")
LEASE = timedelta(minutes=15)  # a claimed run not finished by then is claimed again
MAX_RECIPIENTS = 20
MAX_PER_BRAND = 20
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ScheduleInput(BaseModel):
    """What a person types in the schedule form."""

    name: str = ""
    frequency: Literal["weekly", "monthly"] = "weekly"
    weekday: int = 0
    day_of_month: int = 1
    local_time: str = "09:00"
    recipients: str = ""
    format: Literal["csv", "pdf"] = "pdf"


class SchedulePublic(BaseModel):
    id: int
    brand_id: int
    name: str
    frequency: str
    weekday: int
    day_of_month: int
    local_time: str
    recipients: list[str]
    format: str
    description: str
    next_run_at: datetime
    pending_run_at: datetime | None
    last_sent_at: datetime | None
    last_attempt_at: datetime | None
    last_status: str | None
    last_error: str | None
    failures: int


@dataclass(frozen=True)
class Claim:
    """One run to deliver: the schedule and the scheduled occurrence it stands for."""

    schedule_id: int
    run_at: datetime


# ---------------------------------------------------------------- time arithmetic


def _parse_time(value: str) -> time:
    match = _TIME.match(value.strip())
    if not match:
        raise ValidationError("Type the time as HH:MM, e.g. 09:00.", field="local_time")
    return time(int(match.group(1)), int(match.group(2)))


def _instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Wall time on ``day`` as UTC; a skipped time lands right after the gap (fold=0)."""
    return datetime.combine(day, at).replace(tzinfo=zone, fold=0).astimezone(UTC)


def next_run_after(
    *,
    frequency: str,
    weekday: int,
    day_of_month: int,
    local_time: str,
    timezone: str,
    after: datetime,
) -> datetime:
    """The first scheduled instant strictly after ``after``, DST-correct in ``timezone``."""
    zone = ZoneInfo(timezone)
    at = _parse_time(local_time)
    local_day = after.astimezone(zone).date()
    if frequency == "weekly":
        day = local_day + timedelta(days=(weekday - local_day.weekday()) % 7)
        while (instant := _instant(day, at, zone)) <= after:
            day += timedelta(days=7)
        return instant
    year, month = local_day.year, local_day.month
    while True:
        day = date(year, month, min(day_of_month, monthrange(year, month)[1]))
        instant = _instant(day, at, zone)
        if instant > after:
            return instant
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def report_period(frequency: str, run_at: datetime, timezone: str) -> tuple[date, date]:
    """The local days a run reports on: the 7 days before it, or the previous calendar month."""
    run_day = run_at.astimezone(ZoneInfo(timezone)).date()
    end = run_day - timedelta(days=1)
    if frequency == "weekly":
        return end - timedelta(days=6), end
    month_end = run_day.replace(day=1) - timedelta(days=1)
    return month_end.replace(day=1), month_end


def retry_delay(failures: int) -> timedelta:
    """5 min, 10, 20 … capped at 6 hours: an SMTP outage is retried, not hammered."""
    return min(timedelta(minutes=5) * (2 ** max(failures - 1, 0)), timedelta(hours=6))


# ---------------------------------------------------------------- validation and views


def describe(schedule: ReportSchedule, timezone: str) -> str:
    """E.g. ``Weekly on Monday at 09:00 (Europe/Paris), PDF``."""
    if schedule.frequency == "weekly":
        when = f"Weekly on {WEEKDAYS[schedule.weekday]}"
    else:
        when = f"Monthly on day {schedule.day_of_month}"
    return f"{when} at {schedule.local_time} ({timezone}), {schedule.format.upper()}"


def to_public(schedule: ReportSchedule, timezone: str) -> SchedulePublic:
    return SchedulePublic(
        id=schedule.id or 0,
        brand_id=schedule.brand_id,
        name=schedule.name,
        frequency=schedule.frequency,
        weekday=schedule.weekday,
        day_of_month=schedule.day_of_month,
        local_time=schedule.local_time,
        recipients=[str(r) for r in schedule.recipients],
        format=schedule.format,
        description=describe(schedule, timezone),
        next_run_at=schedule.next_run_at,
        pending_run_at=schedule.pending_run_at,
        last_sent_at=schedule.last_sent_at,
        last_attempt_at=schedule.last_attempt_at,
        last_status=schedule.last_status,
        last_error=schedule.last_error,
        failures=schedule.failures,
    )


def _clean(data: ScheduleInput) -> ScheduleInput:
    if data.frequency not in FREQUENCIES:
        raise ValidationError("Choose weekly or monthly.", field="frequency")
    if data.format not in FORMATS:
        raise ValidationError("Choose CSV or PDF.", field="format")
    if not 0 <= data.weekday <= 6:
        raise ValidationError("Choose a day of the week.", field="weekday")
    if not 1 <= data.day_of_month <= 28:
        raise ValidationError(
            "Choose a day between 1 and 28 (every month has it).", field="day_of_month"
        )
    at = _parse_time(data.local_time)
    recipients = parse_recipients(data.recipients)
    if not recipients:
        raise ValidationError("Add at least one email address.", field="recipients")
    if len(recipients) > MAX_RECIPIENTS:
        raise ValidationError(
            f"At most {MAX_RECIPIENTS} recipients per schedule.", field="recipients"
        )
    bad = [r for r in recipients if not _EMAIL.match(r)]
    if bad:
        raise ValidationError(f"Not an email address: {', '.join(bad)}.", field="recipients")
    name = data.name.strip()
    if len(name) > 120:
        raise ValidationError("Keep the name under 120 characters.", field="name")
    return data.model_copy(
        update={"name": name, "local_time": f"{at:%H:%M}", "recipients": ", ".join(recipients)}
    )


def _load(session: Session, actor: Actor, schedule_id: int, action: Action) -> ReportSchedule:
    schedule = session.get(ReportSchedule, schedule_id)
    if schedule is None or schedule.organization_id != actor.organization_id:
        raise NotFound("That report schedule does not exist.")
    load_brand(session, actor=actor, brand_id=schedule.brand_id, action=action)
    return schedule


def _timezone(session: Session, brand_id: int) -> str:
    brand = session.get(Brand, brand_id)
    return brand.timezone if brand else "UTC"


# ---------------------------------------------------------------- doors


def list_schedules(session: Session, *, actor: Actor, brand_id: int) -> list[SchedulePublic]:
    """The brand's schedules, oldest first."""
    brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    rows = session.exec(
        select(ReportSchedule)
        .where(
            ReportSchedule.organization_id == actor.organization_id,
            ReportSchedule.brand_id == brand_id,
        )
        .order_by(col(ReportSchedule.id))
    ).all()
    return [to_public(r, brand.timezone) for r in rows]


def get_schedule(session: Session, *, actor: Actor, schedule_id: int) -> SchedulePublic:
    schedule = _load(session, actor, schedule_id, Action.BRAND_VIEW)
    return to_public(schedule, _timezone(session, schedule.brand_id))


def create_schedule(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    data: ScheduleInput,
    now: datetime | None = None,
) -> SchedulePublic:
    """Add a schedule; its first run is the next matching local time."""
    brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_MANAGE)
    data = _clean(data)
    count = len(
        session.exec(
            select(ReportSchedule.id).where(
                ReportSchedule.organization_id == actor.organization_id,
                ReportSchedule.brand_id == brand_id,
            )
        ).all()
    )
    if count >= MAX_PER_BRAND:
        raise ValidationError(f"A brand can have at most {MAX_PER_BRAND} report schedules.")
    now = now or utcnow()
    schedule = ReportSchedule(
        organization_id=actor.organization_id,
        brand_id=brand_id,
        name=data.name or f"{data.frequency.capitalize()} report",
        frequency=data.frequency,
        weekday=data.weekday,
        day_of_month=data.day_of_month,
        local_time=data.local_time,
        recipients=parse_recipients(data.recipients),
        format=data.format,
        next_run_at=next_run_after(
            frequency=data.frequency,
            weekday=data.weekday,
            day_of_month=data.day_of_month,
            local_time=data.local_time,
            timezone=brand.timezone,
            after=now,
        ),
        created_by_user_id=actor.user_id or None,
    )
    session.add(schedule)
    session.flush()
    audit.record_for(
        session,
        actor,
        "report_schedule.create",
        target_type="report_schedule",
        target_id=schedule.id,
        details={"brand_id": brand_id, "frequency": data.frequency},
    )
    return to_public(schedule, brand.timezone)


def update_schedule(
    session: Session,
    *,
    actor: Actor,
    schedule_id: int,
    data: ScheduleInput,
    now: datetime | None = None,
) -> SchedulePublic:
    """Change a schedule; the next run is recomputed from the new day and time."""
    schedule = _load(session, actor, schedule_id, Action.BRAND_MANAGE)
    data = _clean(data)
    timezone = _timezone(session, schedule.brand_id)
    now = now or utcnow()
    schedule.name = data.name or schedule.name
    schedule.frequency = data.frequency
    schedule.weekday = data.weekday
    schedule.day_of_month = data.day_of_month
    schedule.local_time = data.local_time
    schedule.recipients = parse_recipients(data.recipients)
    schedule.format = data.format
    if schedule.pending_run_at is None:
        schedule.next_run_at = next_run_after(
            frequency=data.frequency,
            weekday=data.weekday,
            day_of_month=data.day_of_month,
            local_time=data.local_time,
            timezone=timezone,
            after=now,
        )
    schedule.updated_at = now
    session.add(schedule)
    session.flush()
    audit.record_for(
        session,
        actor,
        "report_schedule.update",
        target_type="report_schedule",
        target_id=schedule.id,
    )
    return to_public(schedule, timezone)


def delete_schedule(session: Session, *, actor: Actor, schedule_id: int) -> SchedulePublic:
    schedule = _load(session, actor, schedule_id, Action.BRAND_MANAGE)
    public = to_public(schedule, _timezone(session, schedule.brand_id))
    session.delete(schedule)
    session.flush()
    audit.record_for(
        session,
        actor,
        "report_schedule.delete",
        target_type="report_schedule",
        target_id=schedule_id,
    )
    return public


def send_now(
    session: Session, *, actor: Actor, schedule_id: int, now: datetime | None = None
) -> SchedulePublic:
    """Make the schedule due at once; the scheduler claims and mails it within a minute.

    The pending occurrence is "now", so the report covers the period before today; the
    regular runs continue afterwards as before.
    """
    schedule = _load(session, actor, schedule_id, Action.BRAND_MANAGE)
    now = now or utcnow()
    schedule.pending_run_at = now
    schedule.next_run_at = now
    schedule.updated_at = now
    session.add(schedule)
    session.flush()
    return to_public(schedule, _timezone(session, schedule.brand_id))


# ---------------------------------------------------------------- runs (jobs)


def claim(
    session: Session, *, schedule_id: int, expected_next_run_at: datetime, now: datetime
) -> bool:
    """Move one due run past the lease if nobody moved it first (one conditional UPDATE)."""
    result = session.execute(
        update(ReportSchedule)
        .where(
            col(ReportSchedule.id) == schedule_id,
            col(ReportSchedule.next_run_at) == expected_next_run_at,
        )
        .values(next_run_at=now + LEASE, last_attempt_at=now)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def claim_due(session: Session, *, now: datetime | None = None, limit: int = 50) -> list[Claim]:
    """Claim every due run (across organizations: this is the scheduler's door)."""
    now = now or utcnow()
    due = session.exec(
        select(ReportSchedule)
        .where(col(ReportSchedule.next_run_at) <= now)
        .order_by(col(ReportSchedule.next_run_at))
        .limit(limit)
    ).all()
    claims = []
    for schedule in due:
        run_at = schedule.pending_run_at or schedule.next_run_at
        if claim(
            session,
            schedule_id=schedule.id or 0,
            expected_next_run_at=schedule.next_run_at,
            now=now,
        ):
            session.execute(
                update(ReportSchedule)
                .where(col(ReportSchedule.id) == schedule.id)
                .values(pending_run_at=run_at)
            )
            claims.append(Claim(schedule_id=schedule.id or 0, run_at=run_at))
    session.expire_all()
    return claims


def job_actor(schedule: ReportSchedule) -> Actor:
    """Who a scheduled run reads the analytics as: the organization's machinery."""
    return Actor(
        user_id=schedule.created_by_user_id or 0,
        organization_id=schedule.organization_id,
        role=Role.SUPER_ADMIN,
        name="scheduled report",
        via="job",
    )


def record_success(session: Session, schedule: ReportSchedule, *, now: datetime) -> None:
    """Delivered: clear the pending run, schedule the next regular one."""
    schedule.last_sent_at = now
    schedule.last_status = "sent"
    schedule.last_error = None
    schedule.failures = 0
    schedule.pending_run_at = None
    schedule.next_run_at = next_run_after(
        frequency=schedule.frequency,
        weekday=schedule.weekday,
        day_of_month=schedule.day_of_month,
        local_time=schedule.local_time,
        timezone=_timezone(session, schedule.brand_id),
        after=now,
    )
    session.add(schedule)
    session.flush()


def record_failure(
    session: Session, schedule: ReportSchedule, *, error: str, now: datetime
) -> None:
    """Not delivered: keep the pending run, show why, and try again after a backoff."""
    schedule.last_status = "failed"
    schedule.last_error = error[:2000]
    schedule.failures += 1
    schedule.next_run_at = now + retry_delay(schedule.failures)
    session.add(schedule)
    session.flush()


# ---------------------------------------------------------------- delivery


class Delivery(BaseModel):
    schedule_id: int
    status: str  # "sent" | "failed" | "gone"
    error: str | None = None


def deliver(
    session: Session,
    *,
    schedule_id: int,
    run_at: datetime,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> Delivery:
    """Build the claimed run's report and mail it; record the outcome on the schedule.

    The period comes from the scheduled occurrence (``run_at``), not from the moment the
    send finally works, so a report retried after an SMTP outage covers the same days.
    """
    from socialmuse.services import reports

    schedule = session.get(ReportSchedule, schedule_id)
    if schedule is None:
        return Delivery(schedule_id=schedule_id, status="gone")
    now = now or utcnow()
    brand = session.get(Brand, schedule.brand_id)
    if brand is None:
        return Delivery(schedule_id=schedule_id, status="gone")
    if brand.archived_at is not None:
        error = "The brand is archived: restore it to send its reports again."
        record_failure(session, schedule, error=error, now=now)
        return Delivery(schedule_id=schedule_id, status="failed", error=error)
    start, end = report_period(schedule.frequency, run_at, brand.timezone)
    actor = job_actor(schedule)
    data = reports.build_report(
        session, actor=actor, brand_id=schedule.brand_id, start=start, end=end
    )
    name = reports.base_filename(data)
    if schedule.format == "pdf":
        attachment = Attachment(f"{name}.pdf", "application/pdf", reports.pdf_report(data))
    else:
        attachment = Attachment(f"{name}.zip", "application/zip", reports.csv_zip(data))
    kpis = "\n".join(
        f"  {k.label}: {reports.format_number(k.value, '%' if k.key == 'engagement_rate' else '')}"
        for k in data.summary.kpis()
    )
    email = Email(
        to=tuple(str(r) for r in schedule.recipients),
        subject=f"{brand.name}: {schedule.name} ({start:%d %b} to {end:%d %b %Y})",
        body=(
            f"{brand.name}, {start:%d %b %Y} to {end:%d %b %Y} ({brand.timezone}).\n\n"
            f"{kpis}\n\nThe full report is attached ({attachment.filename}).\n"
        ),
        attachments=(attachment,),
    )
    try:
        mailer.send(email, settings=settings)
    except mailer.MailError as exc:
        record_failure(session, schedule, error=exc.message, now=now)
        return Delivery(schedule_id=schedule_id, status="failed", error=exc.message)
    record_success(session, schedule, now=now)
    return Delivery(schedule_id=schedule_id, status="sent")
