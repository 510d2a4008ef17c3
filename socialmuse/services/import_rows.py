"""One row of a CSV import: its fields read and checked against the brand, nothing created.

The checks are the ones ``post_editing.schedule_post`` makes (the time in the brand's zone,
usable accounts of this brand, each network's adapter ``validate``, the brand's guardrails),
run on the row before any post exists, so the report a person reads before importing says what
the publisher would say. ``csv_import`` turns the rows that pass into posts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlmodel import Session, select

from socialmuse.models import Brand, Post, PostTarget, SocialAccount
from socialmuse.models.enums import AccountStatus, Platform, PostStatus
from socialmuse.platforms.base import PostContent
from socialmuse.platforms.registry import NetworkNotAvailable, adapter_for
from socialmuse.services import guardrails
from socialmuse.services.accounts import PLATFORM_LABELS
from socialmuse.services.errors import ValidationError
from socialmuse.services.import_media import MediaProblem, MediaSources, RowMedia, fetch
from socialmuse.services.permissions import Action, Actor, can
from socialmuse.services.post_editing import MAX_TEXT
from socialmuse.services.scheduling import parse_when
from socialmuse.services.tags import clean_tag_name

HEADER = ("date", "time", "accounts", "text", "media", "first_comment", "alt_text", "tags")

RowStatus = Literal["ok", "created", "refused", "already_imported"]


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


@dataclass
class Plan:
    """What a good row will create."""

    when: datetime
    at: str
    accounts: list[SocialAccount]
    text: str
    first_comment: str
    media: list[RowMedia]
    tags: list[str]
    key: tuple[object, ...] = field(default=())


def local_time(moment: datetime, timezone: str) -> str:
    """``2026-05-01 09:30 Europe/Paris``: how a row's time reads back to the person."""
    return f"{moment.astimezone(ZoneInfo(timezone)):%Y-%m-%d %H:%M} {timezone}"


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


# --- one row ----------------------------------------------------------------------------------


class RowChecker:
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

    def check(self, line: int, values: list[str]) -> tuple[ImportRow, Plan | None]:
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
        plan = Plan(
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

    def _existing(self, plan: Plan) -> int | None:
        candidates = self.session.exec(
            select(Post.id).where(
                Post.organization_id == self.actor.organization_id,
                Post.brand_id == self.brand.id,
                Post.scheduled_at == plan.when,
                Post.text == plan.text,
                Post.status != PostStatus.CANCELLED,
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
