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
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlmodel import Session, select

from socialmuse.models import Brand, Post, PostTarget, SocialAccount
from socialmuse.models.enums import AccountStatus, Platform
from socialmuse.platforms.base import PostContent
from socialmuse.platforms.registry import NetworkNotAvailable, adapter_for
from socialmuse.services import audit, guardrails, media
from socialmuse.services.accounts import PLATFORM_LABELS
from socialmuse.services.approval_policy import needs_approval
from socialmuse.services.brands import load_brand
from socialmuse.services.errors import DomainError, ValidationError
from socialmuse.services.import_media import MediaProblem, MediaSources, RowMedia, fetch
from socialmuse.services.permissions import Action, Actor, can
from socialmuse.services.post_editing import MAX_TEXT, PostDraft, save_post, schedule_post
from socialmuse.services.scheduling import parse_when
from socialmuse.services.tags import clean_tag_name

HEADER = ("date", "time", "accounts", "text", "media", "first_comment", "alt_text", "tags")
EXPORT_COLUMNS = ("status", "post_id")
"""Trailing columns an export adds; the importer accepts and ignores them (round trips)."""
MAX_ROWS = 1000
SOURCE = "csv_import"

RowStatus = Literal["ok", "created", "refused", "already_imported"]

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


class ImportRow(BaseModel):
    """One data row of the file and what became of it.

    ``status``: ``ok`` (would be created; a preview or dry run), ``created`` (``post_id`` is
    the new post), ``refused`` (``reasons`` say why, in plain words) or ``already_imported``
    (``post_id`` is the existing post).
    """

    line: int
    status: RowStatus
    reasons: list[str] = []
    post_id: int | None = None
    scheduled_at: datetime | None = None
    when: str = ""
    accounts: list[str] = []
    text: str = ""
    media_count: int = 0
    tags: list[str] = []


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


@dataclass
class _Plan:
    """What a good row will create."""

    when: datetime
    at: str
    accounts: list[SocialAccount]
    text: str
    first_comment: str
    media: list[RowMedia]
    tags: list[str]
    key: tuple[object, ...] = field(default=())


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
        checker = _RowChecker(session, actor, brand, sources, Path(tmp))
        checked = [checker.check(line, values) for line, values in records]
        if not dry_run:
            for row, plan in checked:
                if plan is not None and row.status == "ok":
                    _create(session, actor, brand, row, plan)
            created = [row.post_id for row, _ in checked if row.status == "created"]
            audit.record_for(
                session,
                actor,
                "posts.imported",
                target_type="brand",
                target_id=brand.id,
                details={
                    "created": created,
                    "refused": sum(r.status == "refused" for r, _ in checked),
                },
            )
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


def local_time(moment: datetime, timezone: str) -> str:
    """``2026-05-01 09:30 Europe/Paris``: how a row's time reads back to the person."""
    return f"{moment.astimezone(ZoneInfo(timezone)):%Y-%m-%d %H:%M} {timezone}"


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


# --- one row ----------------------------------------------------------------------------------


class _RowChecker:
    """Checks rows against the brand, its accounts, its guardrails and its posts."""

    def __init__(
        self, session: Session, actor: Actor, brand: Brand, sources: MediaSources, workdir: Path
    ) -> None:
        self.session, self.actor, self.brand = session, actor, brand
        self.sources, self.workdir = sources, workdir
        visible = session.exec(
            select(SocialAccount).where(SocialAccount.organization_id == actor.organization_id)
        ).all()
        self.accounts = [
            a
            for a in visible
            if can(
                actor,
                Action.BRAND_VIEW,
                organization_id=a.organization_id,
                brand_id=a.brand_id,
            )
        ]
        self.seen: dict[tuple[object, ...], int] = {}

    def check(self, line: int, values: list[str]) -> tuple[ImportRow, _Plan | None]:
        row = ImportRow(line=line, status="refused")
        if len(values) < len(HEADER):
            row.reasons = [
                f"The row has {len(values)} column(s); {len(HEADER)} are expected "
                f"({','.join(HEADER)}). Quote text that contains commas."
            ]
            return row, None
        date, time, accounts, text, media_cell, first_comment, alt_cell, tags_cell = values[:8]
        row.text = text
        reasons: list[str] = []
        when, at = self._when(date.strip(), time.strip(), reasons)
        chosen = self._accounts(accounts, reasons)
        row.accounts = [_label(a) for a in chosen]
        tags = self._tags(tags_cell, reasons)
        row.tags = tags
        files = self._media(media_cell, alt_cell, reasons)
        row.media_count = len(files)
        if when is not None:
            row.scheduled_at = when
            row.when = local_time(when, self.brand.timezone)
        if not text.strip() and not files:
            reasons.append("The text is empty.")
        if len(text) > MAX_TEXT or len(first_comment) > MAX_TEXT:
            reasons.append(f"Text is limited to {MAX_TEXT:,} characters.")
        if reasons or when is None:
            row.reasons = reasons
            return row, None
        first = first_comment.strip()
        reasons += self._rules(text, first, chosen, files)
        if reasons:
            row.reasons = list(dict.fromkeys(reasons))
            return row, None
        plan = _Plan(
            when=when,
            at=at,
            accounts=chosen,
            text=text,
            first_comment=first,
            media=files,
            tags=tags,
            key=(when, frozenset(a.id for a in chosen), text),
        )
        existing = self._existing(plan)
        if existing is not None:
            row.status, row.post_id = "already_imported", existing
            row.reasons = [f"Already imported as post {existing}."]
            return row, None
        if plan.key in self.seen:
            row.reasons = [f"The same post as line {self.seen[plan.key]} (time, accounts, text)."]
            return row, None
        self.seen[plan.key] = line
        row.status = "ok"
        return row, plan

    def _when(self, date: str, time: str, reasons: list[str]) -> tuple[datetime | None, str]:
        problems = []
        try:
            day = datetime.strptime(date, "%Y-%m-%d").date()
        except ValueError:
            problems.append(
                f"The date “{date}” is not a date; write it as YYYY-MM-DD, e.g. 2026-12-01."
                if date
                else "The date is missing (YYYY-MM-DD)."
            )
        try:
            clock = datetime.strptime(time, "%H:%M").time()
        except ValueError:
            problems.append(
                f"The time “{time}” is not a time; write it as HH:MM (24-hour), e.g. 09:30."
                if time
                else "The time is missing (HH:MM)."
            )
        if problems:
            reasons += problems
            return None, ""
        at = f"{day.isoformat()}T{clock:%H:%M}"
        try:
            when = parse_when(at, timezone=self.brand.timezone)
        except ValidationError as exc:
            reasons.append(_in_zone(exc.message, at, self.brand.timezone))
            return None, ""
        return when, at

    def _accounts(self, cell: str, reasons: list[str]) -> list[SocialAccount]:
        names = _split(cell)
        if not names:
            reasons.append("No account: name at least one by id, @handle or network:handle.")
            return []
        chosen: dict[int, SocialAccount] = {}
        for name in names:
            try:
                account = self._account(name)
            except _Refused as exc:
                reasons.append(str(exc))
                continue
            chosen.setdefault(account.id or 0, account)
        return list(chosen.values())

    def _account(self, name: str) -> SocialAccount:
        own = [a for a in self.accounts if a.brand_id == self.brand.id]
        if name.isdigit():
            match = [a for a in self.accounts if a.id == int(name)]
            if not match:
                raise _Refused(f"There is no account with id {name}.")
            return self._usable(match[0], name)
        platform: Platform | None = None
        handle = name
        prefix, sep, rest = name.partition(":")
        if sep and prefix.strip().lower() in {p.value for p in Platform}:
            platform, handle = Platform(prefix.strip().lower()), rest
        handle = handle.strip().lstrip("@").casefold()

        def matches(account: SocialAccount) -> bool:
            return account.handle.lstrip("@").casefold() == handle and (
                platform is None or account.platform == platform
            )

        mine = [a for a in own if matches(a)]
        live = [a for a in mine if a.status != AccountStatus.DISCONNECTED] or mine
        if len(live) > 1:
            choices = " or ".join(f"{Platform(a.platform).value}:{a.handle}" for a in live)
            raise _Refused(f"“{name}” matches accounts on several networks; write {choices}.")
        if live:
            return self._usable(live[0], name)
        if any(matches(a) for a in self.accounts):
            raise _Refused(f"The account “{name}” belongs to another brand, not {self.brand.name}.")
        known = ", ".join(_label(a) for a in own if a.status != AccountStatus.DISCONNECTED)
        raise _Refused(
            f"Unknown account “{name}”: {self.brand.name} has no such account"
            + (f" (its accounts: {known})." if known else " (it has no connected account yet).")
        )

    def _usable(self, account: SocialAccount, name: str) -> SocialAccount:
        if account.brand_id != self.brand.id:
            raise _Refused(f"The account “{name}” belongs to another brand, not {self.brand.name}.")
        if account.status == AccountStatus.DISCONNECTED:
            raise _Refused(f"{_label(account)} is disconnected.")
        if account.status == AccountStatus.RECONNECT_NEEDED:
            raise _Refused(f"{_label(account)} needs to be reconnected before it can post.")
        return account

    def _tags(self, cell: str, reasons: list[str]) -> list[str]:
        tags = []
        for name in _split(cell):
            try:
                tags.append(clean_tag_name(name))
            except ValidationError as exc:
                reasons.append(exc.message)
        return list(dict.fromkeys(tags))

    def _media(self, media_cell: str, alt_cell: str, reasons: list[str]) -> list[RowMedia]:
        tokens = _split(media_cell)
        alts = [alt.strip() for alt in alt_cell.split(";")] if alt_cell.strip() else []
        if len(alts) > len(tokens):
            reasons.append(
                f"There are {len(alts)} alt texts for {len(tokens)} media file(s); give one "
                "per file, in the same order, separated by ;."
            )
            return []
        files = []
        for number, token in enumerate(tokens):
            try:
                files.append(
                    fetch(
                        self.session,
                        organization_id=self.actor.organization_id,
                        brand_id=self.brand.id or 0,
                        token=token,
                        alt_text=alts[number] if number < len(alts) else "",
                        sources=self.sources,
                        workdir=self.workdir,
                    )
                )
            except MediaProblem as exc:
                reasons.append(exc.message)
        return files

    def _rules(
        self, text: str, first: str, accounts: list[SocialAccount], files: list[RowMedia]
    ) -> list[str]:
        """The checks ``schedule_post`` makes: guardrails, then each account's network."""
        problems = [
            p.message for t in (text, first) if t.strip() for p in guardrails.check(self.brand, t)
        ]
        content = PostContent(
            text=text, media=tuple(f.file for f in files), first_comment=first or None
        )
        for account in accounts:
            platform = Platform(account.platform)
            try:
                found = adapter_for(platform).validate(content)
            except NetworkNotAvailable as exc:
                problems.append(str(exc))
                continue
            problems += [
                f"{PLATFORM_LABELS[platform]} (@{account.handle}): {p.message}" for p in found
            ]
        return problems

    def _existing(self, plan: _Plan) -> int | None:
        candidates = self.session.exec(
            select(Post.id).where(
                Post.organization_id == self.actor.organization_id,
                Post.brand_id == self.brand.id,
                Post.scheduled_at == plan.when,
                Post.text == plan.text,
            )
        ).all()
        wanted = {a.id for a in plan.accounts}
        for post_id in candidates:
            targets = self.session.exec(
                select(PostTarget.social_account_id).where(PostTarget.post_id == post_id)
            ).all()
            if set(targets) == wanted:
                return post_id
        return None


class _Refused(Exception):
    pass


def _label(account: SocialAccount) -> str:
    return f"{PLATFORM_LABELS[Platform(account.platform)]} @{account.handle}"


def _in_zone(message: str, at: str, timezone: str) -> str:
    """parse_when's refusal, with the time as the row wrote it in the brand's zone."""
    if "in the past" in message:
        return f"{at.replace('T', ' ')} ({timezone}) is in the past; choose a time from now on."
    return message


# --- creating ---------------------------------------------------------------------------------


def _create(session: Session, actor: Actor, brand: Brand, row: ImportRow, plan: _Plan) -> None:
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
