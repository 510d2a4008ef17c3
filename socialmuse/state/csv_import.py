"""CSV import page: upload a file, read the per-row report, create the good rows; export.

The uploaded text is kept in the state between the check and "Create N posts", so the posts
created are exactly the rows the person read in the report (the service checks each row
again as it creates it, and reports any that stopped being valid meanwhile).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from socialmuse import routes
from socialmuse.db import session_scope
from socialmuse.services import csv_export, csv_import
from socialmuse.services.errors import DomainError
from socialmuse.state.auth import require_actor
from socialmuse.state.current_brand import current_brand
from socialmuse.state.forms import field_errors

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
STATUS_LABELS = {
    "ok": "ready",
    "created": "created",
    "refused": "refused",
    "already_imported": "already imported",
}
SAMPLE_NAME = "socialmuse-import-sample.csv"


def _row(row: csv_import.ImportRow) -> dict[str, str]:
    text = " ".join(row.text.split())
    return {
        "line": str(row.line),
        "status": row.status,
        "status_label": STATUS_LABELS[row.status],
        "reasons": " ".join(row.reasons) if row.status == "refused" else "",
        "when": row.when,
        "accounts": ", ".join(row.accounts),
        "text": text if len(text) <= 80 else text[:79] + "…",
        "href": routes.post_path(row.post_id) if row.post_id else "",
        "media": f"{row.media_count} file(s)" if row.media_count else "",
    }


def _file_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "brand"


class CsvImportState(rx.State):
    """The brand, the uploaded file and its report, one row per data line."""

    brand_id: str = ""
    brand_name: str = ""
    timezone: str = ""
    file_name: str = ""
    csv_text: str = ""
    rows: list[dict[str, str]] = []
    error: str = ""
    created: int = 0
    checked: bool = False
    busy: str = ""

    @rx.var(cache=True)
    def ready_count(self) -> int:
        return sum(r["status"] == "ok" for r in self.rows)

    @rx.var(cache=True)
    def refused_count(self) -> int:
        return sum(r["status"] == "refused" for r in self.rows)

    @rx.var(cache=True)
    def already_count(self) -> int:
        return sum(r["status"] == "already_imported" for r in self.rows)

    def _reset_file(self) -> None:
        self.file_name, self.csv_text, self.rows = "", "", []
        self.error, self.created, self.checked = "", 0, False

    @rx.event
    async def load(self) -> None:
        """A fresh page for the switcher's brand."""
        self._reset_file()
        with session_scope() as session:
            actor = await require_actor(self, session)
            brand = await current_brand(self, session, actor)
        self.brand_id = str(brand.id) if brand else ""
        self.brand_name = brand.name if brand else ""
        self.timezone = brand.timezone if brand else ""

    @rx.event
    async def check_file(self, files: list[rx.UploadFile]) -> AsyncIterator[None]:
        """Read the chosen file and show what each row would become; nothing is created."""
        self._reset_file()
        if not files:
            return
        upload = files[0]
        data = await upload.read(MAX_UPLOAD_BYTES + 1)
        self.file_name = upload.name or "the file"
        if len(data) > MAX_UPLOAD_BYTES:
            self.error = (
                f"{self.file_name} is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; "
                f"import at most {csv_import.MAX_ROWS:,} rows at a time."
            )
            return
        # Linked media are downloaded to be checked: say so while it takes.
        self.busy = f"Checking {self.file_name}…"
        yield
        try:
            with session_scope() as session:
                report = csv_import.preview_import(
                    session,
                    actor=await require_actor(self, session),
                    brand_id=int(self.brand_id),
                    data=data,
                )
        except DomainError as exc:
            self.error = next(iter(field_errors(exc).values()))
            return
        finally:
            self.busy = ""
        self.csv_text = data.decode("utf-8-sig")
        self.rows = [_row(r) for r in report.rows]
        self.checked = True

    @rx.event
    async def create_posts(self) -> AsyncIterator[None]:
        """Create the rows the report called ready, each scheduled at its time."""
        if not self.csv_text or self.busy:
            return
        self.busy = f"Creating {self.ready_count} post(s)…"
        yield
        try:
            with session_scope() as session:
                report = csv_import.run_import(
                    session,
                    actor=await require_actor(self, session),
                    brand_id=int(self.brand_id),
                    data=self.csv_text,
                )
        except DomainError as exc:
            self.error = next(iter(field_errors(exc).values()))
            return
        finally:
            self.busy = ""
        self.error = ""
        self.rows = [_row(r) for r in report.rows]
        self.created = report.count("created")

    @rx.event
    def rejected(self, files: list[dict[str, Any]]) -> None:
        """The browser refused the file before sending it (not a CSV, or several files)."""
        self._reset_file()
        several = len(files) > 1
        self.error = (
            "Choose one file at a time." if several else "Only .csv files can be imported here."
        )

    @rx.event
    def clear(self) -> None:
        """Start again with another file."""
        self._reset_file()

    @rx.event
    def download_sample(self) -> EventSpec:
        return rx.download(data=csv_import.sample_csv(), filename=SAMPLE_NAME, mime_type="text/csv")

    @rx.event
    async def export_csv(self) -> EventSpec | None:
        """Every post of the brand, in the import's layout, as a file."""
        try:
            with session_scope() as session:
                text = csv_export.export_posts_csv(
                    session, actor=await require_actor(self, session), brand_id=int(self.brand_id)
                )
        except DomainError as exc:
            self.error = next(iter(field_errors(exc).values()))
            return None
        return rx.download(
            data=text, filename=f"{_file_slug(self.brand_name)}-posts.csv", mime_type="text/csv"
        )
