"""Analytics → Reports: download a report now, the PDF logo, and scheduled report emails."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from socialmuse.db import session_scope
from socialmuse.services import analytics, mailer, report_schedules, reports
from socialmuse.services.errors import DomainError
from socialmuse.services.permissions import Actor
from socialmuse.services.report_schedules import ScheduleInput, SchedulePublic
from socialmuse.state.auth import require_actor
from socialmuse.state.current_brand import current_brand, in_zone
from socialmuse.state.forms import field_errors

UPLOAD_ID = "logo-upload"
EMPTY_FORM = {
    "name": "",
    "frequency": "weekly",
    "weekday": "0",
    "day_of_month": "1",
    "local_time": "09:00",
    "recipients": "",
    "format": "pdf",
}


def schedule_row(schedule: SchedulePublic, timezone: str) -> dict[str, str]:
    if schedule.last_status == "sent":
        result = f"Sent {in_zone(schedule.last_sent_at, timezone)}"
    elif schedule.last_status == "failed":
        result = (
            f"Failed {in_zone(schedule.last_attempt_at, timezone)} "
            f"(attempt {schedule.failures}); retrying {in_zone(schedule.next_run_at, timezone)}"
        )
    else:
        result = "Not sent yet"
    return {
        "id": str(schedule.id),
        "name": schedule.name,
        "description": schedule.description,
        "recipients": ", ".join(schedule.recipients),
        "next_run": in_zone(schedule.next_run_at, timezone),
        "status": schedule.last_status or "",
        "result": result,
        "error": schedule.last_error or "",
        "frequency": schedule.frequency,
        "weekday": str(schedule.weekday),
        "day_of_month": str(schedule.day_of_month),
        "local_time": schedule.local_time,
        "format": schedule.format,
    }


class ReportsState(rx.State):
    """The loaded brand's schedules and logo, the schedule form, the download choices."""

    brand_id: str = ""
    brand_name: str = ""
    timezone: str = ""
    days: str = "30"
    download_error: str = ""
    logo_name: str = ""
    logo_error: str = ""
    schedules: list[dict[str, str]] = []
    form: dict[str, str] = dict(EMPTY_FORM)
    editing_id: str = ""
    form_errors: dict[str, str] = {}
    mail_configured: bool = True

    def _reload(self, session: Session, actor: Actor) -> None:
        if not self.brand_id:
            self.schedules = []
            return
        self.schedules = [
            schedule_row(s, self.timezone)
            for s in report_schedules.list_schedules(
                session, actor=actor, brand_id=int(self.brand_id)
            )
        ]
        logo = reports.get_logo(session, actor=actor, brand_id=int(self.brand_id))
        self.logo_name = logo.filename or ""

    @rx.event
    async def load(self) -> None:
        with session_scope() as session:
            actor = await require_actor(self, session)
            brand = await current_brand(self, session, actor)
            if brand is None or self.brand_id != str(brand.id):
                self.form, self.editing_id, self.form_errors = dict(EMPTY_FORM), "", {}
            self.brand_id = str(brand.id) if brand else ""
            self.brand_name = brand.name if brand else ""
            self.timezone = brand.timezone if brand else ""
            self.mail_configured = mailer.is_configured()
            self._reload(session, actor)

    @rx.event
    async def refresh(self) -> None:
        """Re-read the schedules (a send may have finished since)."""
        with session_scope() as session:
            self._reload(session, await require_actor(self, session))

    @rx.event
    def set_days(self, value: str) -> None:
        self.days = value

    @rx.event
    async def download(self, fmt_name: str) -> EventSpec | None:
        """The last N days (brand's timezone), every table: a zip of CSVs or the PDF."""
        with session_scope() as session:
            actor = await require_actor(self, session)
        start, end = analytics.last_days(self.timezone or "UTC", int(self.days))
        brand_id = int(self.brand_id)

        def build() -> reports.ExportFile:
            with session_scope() as session:
                return reports.export(
                    session, actor=actor, brand_id=brand_id, start=start, end=end, format=fmt_name
                )

        try:
            exported = await asyncio.to_thread(build)
        except DomainError as exc:
            self.download_error = exc.message
            return None
        self.download_error = ""
        return rx.download(
            data=exported.data, filename=exported.filename, mime_type=exported.content_type
        )

    @rx.event
    async def upload_logo(self, files: list[rx.UploadFile]) -> EventSpec | None:
        """Store the uploaded PNG/JPEG through media storage and use it on PDF reports."""
        if not files:
            return None
        upload = files[0]
        data = await upload.read()
        suffix = Path(upload.name or "logo.png").suffix[:8] or ".png"
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"logo{suffix}"
            path.write_bytes(data)
            try:
                with session_scope() as session:
                    actor = await require_actor(self, session)
                    reports.set_logo(session, actor=actor, brand_id=int(self.brand_id), path=path)
                    self._reload(session, actor)
            except DomainError as exc:
                self.logo_error = exc.message
                return None
        self.logo_error = ""
        return rx.toast.success("Logo saved: it appears on PDF reports.")

    @rx.event
    async def remove_logo(self) -> None:
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                reports.clear_logo(session, actor=actor, brand_id=int(self.brand_id))
                self._reload(session, actor)
        except DomainError as exc:
            self.logo_error = exc.message

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        self.form = {**self.form, name: value}

    @rx.event
    def edit(self, schedule_id: str) -> None:
        row = next((s for s in self.schedules if s["id"] == schedule_id), None)
        if row is None:
            return
        self.editing_id = schedule_id
        self.form = {key: row[key] for key in EMPTY_FORM}
        self.form_errors = {}

    @rx.event
    def cancel_edit(self) -> None:
        self.editing_id, self.form, self.form_errors = "", dict(EMPTY_FORM), {}

    @rx.event
    async def save(self) -> EventSpec | None:
        """Create or update the schedule; a refusal stays next to its field, form kept."""
        try:
            data = ScheduleInput(
                name=self.form["name"],
                frequency=self.form["frequency"],
                weekday=int(self.form["weekday"] or 0),
                day_of_month=int(self.form["day_of_month"] or 0),
                local_time=self.form["local_time"],
                recipients=self.form["recipients"],
                format=self.form["format"],
            )
        except ValueError:
            self.form_errors = {"day_of_month": "Type a day between 1 and 28."}
            return None
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                if self.editing_id:
                    saved = report_schedules.update_schedule(
                        session, actor=actor, schedule_id=int(self.editing_id), data=data
                    )
                else:
                    saved = report_schedules.create_schedule(
                        session, actor=actor, brand_id=int(self.brand_id), data=data
                    )
                self._reload(session, actor)
        except DomainError as exc:
            self.form_errors = field_errors(exc)
            return None
        verb = "updated" if self.editing_id else "added"
        self.editing_id, self.form, self.form_errors = "", dict(EMPTY_FORM), {}
        first = saved.next_run_at.astimezone(ZoneInfo(self.timezone or "UTC"))
        return rx.toast.success(f"Report schedule {verb}; next run {first:%a %d %b %H:%M}.")

    @rx.event
    async def delete(self, schedule_id: str) -> EventSpec:
        with session_scope() as session:
            actor = await require_actor(self, session)
            removed = report_schedules.delete_schedule(
                session, actor=actor, schedule_id=int(schedule_id)
            )
            self._reload(session, actor)
        if self.editing_id == schedule_id:
            self.editing_id, self.form = "", dict(EMPTY_FORM)
        return rx.toast.info(f"Schedule “{removed.name}” deleted.")

    @rx.event
    async def send_now(self, schedule_id: str) -> EventSpec:
        with session_scope() as session:
            actor = await require_actor(self, session)
            report_schedules.send_now(session, actor=actor, schedule_id=int(schedule_id))
            self._reload(session, actor)
        return rx.toast.info("The report goes out within a few seconds; refresh to see it.")
