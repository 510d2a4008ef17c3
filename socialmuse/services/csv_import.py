"""Bulk CSV import: a per-row report first, then each good row scheduled on its own.

The file's first line must be exactly ``date,time,accounts,text,media,first_comment,alt_text,
tags``; the two columns an export appends (``status,post_id``) may follow and are ignored, any
other column is refused so a misspelt or shifted header never imports text into the wrong
field. Dates and times are wall time in the brand's timezone; ``accounts``, ``media``,
``alt_text`` and ``tags`` are ``;``-separated. An account is named by id, by handle (``@`` or
not), or as ``network:handle`` when two networks share a handle; media by a path (command line
only), an http(s) link, or a media library file as ``media:ID``.

Every row is checked with the rules the publisher applies (each network's adapter, the brand's
guardrails, the approval policy) before anything is created, then each good row is created
through ``post_editing.save_post`` and ``schedule_post`` inside its own savepoint: a row that
fails at that point is rolled back and reported, the others stand. A row identical to a post
that already exists (same brand, time, accounts and text) is reported as already imported, so
running the same file twice creates nothing new.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel
from sqlmodel import Session

from socialmuse.models import Brand, Post
from socialmuse.services import audit, media
from socialmuse.services.approval_policy import needs_approval
from socialmuse.services.brands import load_brand
from socialmuse.services.errors import DomainError, ValidationError
from socialmuse.services.import_media import MediaSources
from socialmuse.services.import_rows import HEADER, ImportRow, Plan, RowChecker, RowStatus
from socialmuse.services.permissions import Action, Actor
from socialmuse.services.post_editing import PostDraft, save_post, schedule_post

EXPORT_COLUMNS = ("status", "post_id")
"""Trailing columns an export adds; the importer accepts and ignores them (round trips)."""
MAX_ROWS = 1000
SOURCE = "csv_import"

__all__ = [
    "HEADER",
    "MAX_ROWS",
    "ImportReport",
    "ImportRow",
    "MediaSources",
    "preview_import",
    "run_import",
    "sample_csv",
]


class ImportReport(BaseModel):
    brand_id: int
    timezone: str
    dry_run: bool
    rows: list[ImportRow]

    def count(self, status: RowStatus) -> int:
        return sum(row.status == status for row in self.rows)

    @property
    def refused(self) -> int:
        return self.count("refused")


def sample_csv() -> str:
    """A small file that shows every column (handles and dates are placeholders to edit)."""
    rows = [
        list(HEADER),
        [
            "2030-01-15",
            "09:30",
            "@yourhandle",
            "Fresh beans, fresh week. What are you brewing?",
            "",
            "",
            "",
            "weekly;coffee",
        ],
        [
            "2030-01-16",
            "18:00",
            "sandbox:yourhandle;12",
            "Two lines, one post:\nquoted fields may hold commas, and newlines.",
            "https://example.com/picture.jpg",
            "Link in the first comment",
            "A cup of coffee on a wooden table",
            "launch",
        ],
    ]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def preview_import(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    data: bytes | str,
    sources: MediaSources | None = None,
) -> ImportReport:
    """Check every row and say what would happen; nothing is created or stored."""
    return run_import(
        session, actor=actor, brand_id=brand_id, data=data, dry_run=True, sources=sources
    )


def run_import(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    data: bytes | str,
    dry_run: bool = False,
    sources: MediaSources | None = None,
) -> ImportReport:
    """Check every row, then (unless ``dry_run``) schedule each good one in its own savepoint.

    A problem with the file as a whole (encoding, header, size) is a ``ValidationError`` with
    field ``file``; problems of single rows are in the report.
    """
    brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.POST_CREATE)
    if brand.archived_at is not None:
        raise ValidationError("This brand is archived; restore it to import posts.", field="file")
    records = _records(_decode(data))
    if needs_approval(brand, actor):
        raise ValidationError(
            f"Posts for {brand.name} need approval before they are scheduled, so they cannot "
            "be imported as scheduled posts; write them in the composer and submit them for "
            "review.",
            field="file",
        )
    sources = sources or MediaSources()
    with tempfile.TemporaryDirectory(prefix="socialmuse-import-") as tmp:
        checker = RowChecker(session, actor, brand, sources, Path(tmp))
        checked = [checker.check(line, values) for line, values in records]
        if not dry_run:
            # Written first: the insert opens the outer transaction, so each row's savepoint
            # nests inside it on every backend (SQLite starts one lazily, at the first write).
            event = audit.record_for(
                session, actor, "posts.imported", target_type="brand", target_id=brand.id
            )
            session.flush()
            for row, plan in checked:
                if plan is not None and row.status == "ok":
                    _create(session, actor, brand, row, plan)
            event.details = {
                **event.details,
                "created": [row.post_id for row, _ in checked if row.status == "created"],
                "refused": sum(row.status == "refused" for row, _ in checked),
            }
            session.add(event)
            session.flush()
    return ImportReport(
        brand_id=brand.id or 0,
        timezone=brand.timezone,
        dry_run=dry_run,
        rows=[row for row, _ in checked],
    )


# --- the file ---------------------------------------------------------------------------------


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"The file is not UTF-8 text (an unreadable byte 0x{data[exc.start]:02x} at "
            f"position {exc.start:,}). Save it as “CSV UTF-8” (Excel: File → Save As) or "
            "export it from your spreadsheet as UTF-8, then import again.",
            field="file",
        ) from None


def _records(text: str) -> list[tuple[int, list[str]]]:
    """The data rows with the line each starts on; blank rows are skipped."""
    if not text.strip():
        raise ValidationError(
            f"The file is empty. The first line must be: {','.join(HEADER)}", field="file"
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        _check_header(header)
        rows: list[tuple[int, list[str]]] = []
        start = reader.line_num + 1
        for values in reader:
            if any(v.strip() for v in values):
                rows.append((start, values))
                if len(rows) > MAX_ROWS:
                    raise ValidationError(
                        f"The file has more than {MAX_ROWS:,} rows; import at most {MAX_ROWS:,} "
                        "at a time (split it into several files).",
                        field="file",
                    )
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationError(
            f"Line {reader.line_num} cannot be read as CSV ({exc}); check its quotes.",
            field="file",
        ) from None
    if not rows:
        raise ValidationError("The file has a header but no rows to import.", field="file")
    return rows


def _check_header(found: Sequence[str]) -> None:
    names = [name.strip() for name in found]
    extra = names[len(HEADER) :]
    if tuple(names[: len(HEADER)]) == HEADER and extra in ([], list(EXPORT_COLUMNS)):
        return
    expected = ",".join(HEADER)
    detail = ""
    for number, (want, got) in enumerate(zip(HEADER, names, strict=False), start=1):
        if want != got:
            detail = f" Column {number} is “{got}”, expected “{want}”."
            break
    else:
        if len(names) < len(HEADER):
            detail = f" Missing column(s): {', '.join(HEADER[len(names) :])}."
        else:
            detail = f" Unexpected column(s): {', '.join(extra)}."
    raise ValidationError(
        f"The first line must be exactly: {expected} (optionally followed by "
        f"{','.join(EXPORT_COLUMNS)}, as an export writes).{detail}",
        field="file",
    )


# --- creating ---------------------------------------------------------------------------------


def _create(session: Session, actor: Actor, brand: Brand, row: ImportRow, plan: Plan) -> None:
    """One post, drafted then scheduled through the composer's own path, in a savepoint."""
    try:
        with session.begin_nested():
            media_ids = [
                item.asset_id
                if item.asset_id is not None
                else media.store_file(
                    session, actor=actor, brand_id=brand.id or 0, file=item.file
                ).id
                or 0
                for item in plan.media
            ]
            saved = save_post(
                session,
                actor=actor,
                draft=PostDraft(
                    brand_id=brand.id or 0,
                    text=plan.text,
                    account_ids=[a.id or 0 for a in plan.accounts],
                    media_ids=media_ids,
                    first_comment=plan.first_comment or None,
                    tags=plan.tags,
                    at=plan.at,
                ),
            )
            post = session.get(Post, saved.id)
            if post is not None:
                post.source = SOURCE
                session.add(post)
            schedule_post(session, actor=actor, post_id=saved.id)
    except DomainError as exc:
        row.status, row.reasons = "refused", [exc.message]
        return
    row.status, row.post_id = "created", saved.id
