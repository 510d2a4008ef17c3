"""The composer: one text for the brand's chosen accounts, adjusted per account, then sent.

Everything the person types lives here (controlled inputs) and is mirrored into the
browser's localStorage per brand and post, so a reload or a crash loses nothing; it is
forgotten after a successful save. Counters, problems and previews are computed with the
rules the publisher refuses on (``platforms.text_rules``), on the text each account will
really receive (variables filled in, its own override if it has one). Every action saves
through ``services.post_editing`` in one transaction with the step that follows (schedule,
queue, publish, submit for approval), so a refusal leaves nothing half-done behind.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from socialmuse import routes
from socialmuse.db import session_scope
from socialmuse.models.enums import AccountStatus, Platform
from socialmuse.platforms import text_rules
from socialmuse.platforms.base import MediaFile, PostContent
from socialmuse.services import accounts as account_service
from socialmuse.services import campaigns as campaign_service
from socialmuse.services import compose_media, links, snippets, variables
from socialmuse.services import posts as post_service
from socialmuse.services.approval_policy import needs_approval
from socialmuse.services.brands import load_brand
from socialmuse.services.errors import DomainError, ValidationError
from socialmuse.services.permissions import Action, Actor
from socialmuse.services.post_editing import (
    EDITABLE,
    PostDraft,
    VariantIn,
    draft_of,
    publish_now,
    save_post,
    schedule_post,
)
from socialmuse.state.auth import require_actor
from socialmuse.state.compose_preview import body_html, fold, handle_line, look
from socialmuse.state.current_brand import current_brand, in_zone
from socialmuse.state.forms import FORM, field_errors
from socialmuse.state.media_picker import MediaPickerState
from socialmuse.state.post_labels import POST_STATUS_LABELS

FIELDS = (
    "text",
    "at",
    "account_ids",
    "media",
    "thread",
    "first_comment",
    "url",
    "utm",
    "alt_text",
    "tags",
    "note",
)
"""Fields the page shows errors under; any other refusal goes above the buttons."""

RECENT_POSTS = 20
MAX_STORED_DRAFTS = 20
MODES = ("now", "later", "queue")
_UNITS = {"graphemes": "characters"}
_ACCOUNT_VARIABLES = ("account", "network")


@dataclasses.dataclass
class AccountChoice:
    id: str = ""
    platform: str = ""
    network: str = ""
    handle: str = ""
    display_name: str = ""
    instance_url: str = ""
    status: str = ""
    status_label: str = ""


@dataclasses.dataclass
class MediaRow:
    id: str = ""
    filename: str = ""
    kind: str = ""
    content_type: str = ""
    size_bytes: int = 0
    alt_text: str = ""
    thumbnail: str = ""


@dataclasses.dataclass
class MediaTile:
    id: str = ""
    thumbnail: str = ""
    kind: str = ""
    alt_text: str = ""
    filename: str = ""


@dataclasses.dataclass
class CountRow:
    platform: str = ""
    network: str = ""
    label: str = ""
    over: bool = False


@dataclasses.dataclass
class PreviewRow:
    """One account's post as its network will show it."""

    account_id: str = ""
    platform: str = ""
    network: str = ""
    name: str = ""
    handle_line: str = ""
    initial: str = ""
    html: str = ""
    folded: bool = False
    more_label: str = ""
    overridden: bool = False
    media: list[MediaTile] = dataclasses.field(default_factory=list)
    grid_columns: str = "1fr"
    thread: list[str] = dataclasses.field(default_factory=list)
    first_comment_html: str = ""
    count_label: str = ""
    over: bool = False
    problems: list[str] = dataclasses.field(default_factory=list)
    background: str = ""
    foreground: str = ""
    muted: str = ""
    border: str = ""
    accent: str = ""
    font: str = ""
    avatar_radius: str = ""
    avatar_color: str = ""


@dataclasses.dataclass
class SnippetRow:
    id: str = ""
    kind: str = ""
    name: str = ""
    body: str = ""


def _count_label(platform: Platform, text: str) -> tuple[str, bool]:
    measured = text_rules.count(platform, text)
    unit = _UNITS.get(measured.unit, measured.unit)
    label = f"{measured.length:,} / {measured.limit:,} {unit}"
    if measured.bytes is not None and measured.byte_limit is not None:
        label += f", {measured.bytes:,} / {measured.byte_limit:,} bytes"
    return label, measured.over


def _media_row(info: compose_media.MediaInfo) -> MediaRow:
    return MediaRow(
        id=str(info.id),
        filename=info.filename,
        kind=info.kind,
        content_type=info.content_type,
        size_bytes=info.size_bytes,
        alt_text=info.alt_text,
        thumbnail=info.thumbnail,
    )


class ComposeState(rx.State):
    """The composer's working copy of one post (new or being edited) for the current brand."""

    brand_id: str = ""
    brand_name: str = ""
    timezone: str = ""
    approval_needed: bool = False
    post_id: str = ""
    post_status: str = ""
    loaded_key: str = ""
    accounts: list[AccountChoice] = []
    selected: list[str] = []
    text: str = ""
    variants: dict[str, str] = {}
    media_overrides: dict[str, list[str]] = {}
    tab: str = "all"
    thread: list[str] = []
    first_comment: str = ""
    show_first_comment: bool = False
    media: list[MediaRow] = []
    upload_alt: str = ""
    tags_text: str = ""
    campaign_id: str = ""
    # The brand's live campaigns, for the campaign picker ({"id", "name"}).
    campaigns: list[dict[str, str]] = []
    mode: str = "now"
    date: str = ""
    time: str = ""
    link_form: dict[str, str] = {}
    link: str = ""
    snippets: list[SnippetRow] = []
    expanded: list[str] = []
    errors: dict[str, str] = {}
    restored_note: str = ""
    approval_note: str = ""
    picker_seen: int = 0
    posts: list[dict[str, str]] = []
    busy: bool = False
    drafts_blob: str = rx.LocalStorage("{}", name="socialmuse_compose_drafts")

    # --- derived --------------------------------------------------------------------------

    @rx.var(cache=True)
    def chosen(self) -> list[AccountChoice]:
        """The ticked accounts, in the brand's order."""
        return [a for a in self.accounts if a.id in self.selected]

    @rx.var(cache=True)
    def active_text(self) -> str:
        """The text of the tab in front: the post's, or one account's override."""
        if self.tab == "all":
            return self.text
        return self.variants.get(self.tab, self.text)

    @rx.var(cache=True)
    def tab_overridden(self) -> bool:
        return self.tab != "all" and self.tab in self.variants

    @rx.var(cache=True)
    def tab_media(self) -> list[str]:
        """Ids of the files the account in front posts (all of the post's by default)."""
        return [m.id for m in self._media_for(self.tab)]

    @rx.var(cache=True)
    def counts(self) -> list[CountRow]:
        """One counter per network among the chosen accounts, for the post's own text."""
        rows: list[CountRow] = []
        for platform in dict.fromkeys(a.platform for a in self.chosen):
            text = self._rendered_or_raw(self.text, self._first_of(platform))
            label, over = _count_label(Platform(platform), text)
            rows.append(
                CountRow(
                    platform=platform,
                    network=text_rules.NETWORK_NAMES[Platform(platform)],
                    label=label,
                    over=over,
                )
            )
        return rows

    @rx.var(cache=True)
    def previews(self) -> list[PreviewRow]:
        """Every chosen account's post as its network will show it, with its problems."""
        return [self._preview(account) for account in self.chosen]

    @rx.var(cache=True)
    def templates(self) -> list[SnippetRow]:
        return [s for s in self.snippets if s.kind == snippets.SnippetKind.TEMPLATE]

    @rx.var(cache=True)
    def signatures(self) -> list[SnippetRow]:
        return [s for s in self.snippets if s.kind == snippets.SnippetKind.SIGNATURE]

    @rx.var(cache=True)
    def hashtag_groups(self) -> list[SnippetRow]:
        return [s for s in self.snippets if s.kind == snippets.SnippetKind.HASHTAG_GROUP]

    @rx.var(cache=True)
    def primary_label(self) -> str:
        if self.approval_needed:
            return "Submit for approval"
        return {"now": "Publish now", "later": "Schedule post", "queue": "Add to queue"}.get(
            self.mode, "Publish now"
        )

    @rx.var(cache=True)
    def problem_count(self) -> int:
        return sum(len(p.problems) for p in self.previews)

    # --- helpers --------------------------------------------------------------------------

    def _first_of(self, platform: str) -> AccountChoice | None:
        return next((a for a in self.chosen if a.platform == platform), None)

    def _now_local(self) -> datetime:
        return datetime.now(ZoneInfo(self.timezone or "UTC"))

    def _render(self, text: str, account: AccountChoice | None) -> str:
        """Variables filled in for ``account``; raises ValidationError as the save would."""
        return variables.render(
            text,
            brand=self.brand_name,
            account=account.handle if account else "",
            network=account.network if account else "",
            link=self.link,
            now=self._now_local(),
        )

    def _rendered_or_raw(self, text: str, account: AccountChoice | None) -> str:
        try:
            return self._render(text, account)
        except ValidationError:
            return text

    def _text_for(self, account: AccountChoice) -> str:
        return self.variants.get(account.id, self.text)

    def _media_for(self, account_id: str) -> list[MediaRow]:
        if account_id in self.media_overrides:
            wanted = self.media_overrides[account_id]
            return [m for m in self.media if m.id in wanted]
        return list(self.media)

    def _shared_texts(self, account: AccountChoice | None) -> tuple[list[str], str, list[str]]:
        """Thread parts and first comment rendered (they are shared by every account)."""
        problems: list[str] = []
        thread: list[str] = []
        for number, part in enumerate(self.thread, start=2):
            try:
                thread.append(self._render(part, account))
            except ValidationError as exc:
                problems.append(f"Thread part {number}: {exc.message}")
                thread.append(part)
        comment = self.first_comment if self.show_first_comment else ""
        try:
            comment = self._render(comment, account)
        except ValidationError as exc:
            problems.append(f"First comment: {exc.message}")
        return thread, comment, problems

    def _preview(self, account: AccountChoice) -> PreviewRow:
        platform = Platform(account.platform)
        style = look(account.platform)
        problems: list[str] = []
        raw = self._text_for(account)
        try:
            text = self._render(raw, account)
        except ValidationError as exc:
            problems.append(exc.message)
            text = raw
        thread, comment, shared_problems = self._shared_texts(account)
        problems += shared_problems
        media = self._media_for(account.id)
        content = PostContent(
            text=text,
            media=tuple(
                MediaFile(
                    path=Path(m.filename or "file"),
                    content_type=m.content_type,
                    size_bytes=m.size_bytes,
                    alt_text=m.alt_text,
                )
                for m in media
            ),
            thread=tuple(thread),
            first_comment=comment or None,
        )
        problems += [p.message for p in text_rules.check(platform, content)]
        shown, folded = fold(account.platform, text)
        expanded = account.id in self.expanded
        label, over = _count_label(platform, text)
        name = account.display_name or account.handle
        tiles = [
            MediaTile(
                id=m.id,
                thumbnail=m.thumbnail,
                kind=m.kind,
                alt_text=m.alt_text,
                filename=m.filename,
            )
            for m in media[:4]
        ]
        return PreviewRow(
            account_id=account.id,
            platform=account.platform,
            network=account.network,
            name=name,
            handle_line=handle_line(account.platform, account.handle, account.instance_url),
            initial=(name[:1] or "?").upper(),
            html=body_html(account.platform, text if expanded or not folded else shown),
            folded=folded and not expanded,
            more_label=style.more_label,
            overridden=account.id in self.variants or account.id in self.media_overrides,
            media=tiles,
            grid_columns="1fr" if len(tiles) <= 1 else "1fr 1fr",
            thread=[body_html(account.platform, p) for p in thread],
            first_comment_html=body_html(account.platform, comment) if comment else "",
            count_label=label,
            over=over,
            problems=list(dict.fromkeys(problems)),
            background=style.background,
            foreground=style.foreground,
            muted=style.muted,
            border=style.border,
            accent=style.accent,
            font=style.font,
            avatar_radius=style.avatar_radius,
            avatar_color=style.avatar_color,
        )

    def _key(self) -> str:
        return f"{self.brand_id}:{self.post_id or 'new'}"

    def _snapshot(self) -> dict[str, object]:
        return {
            "text": self.text,
            "selected": list(self.selected),
            "variants": dict(self.variants),
            "media_overrides": {k: list(v) for k, v in self.media_overrides.items()},
            "thread": list(self.thread),
            "first_comment": self.first_comment,
            "show_first_comment": self.show_first_comment,
            "media": [m.id for m in self.media],
            "tags": self.tags_text,
            "campaign": self.campaign_id,
            "mode": self.mode,
            "date": self.date,
            "time": self.time,
            "link": self.link,
            "saved_at": self._now_local().strftime("%Y-%m-%d %H:%M"),
        }

    def _stored(self) -> dict[str, dict[str, object]]:
        try:
            value = json.loads(self.drafts_blob or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def _persist(self) -> None:
        """Mirror the working copy into the browser (kept across reloads)."""
        if not self.brand_id:
            return
        stored = self._stored()
        stored.pop(self._key(), None)
        stored[self._key()] = self._snapshot()
        while len(stored) > MAX_STORED_DRAFTS:
            stored.pop(next(iter(stored)))
        self.drafts_blob = json.dumps(stored)

    def _forget(self) -> None:
        stored = self._stored()
        if stored.pop(self._key(), None) is not None:
            self.drafts_blob = json.dumps(stored)

    def _clear_form(self) -> None:
        self.text, self.variants, self.media_overrides = "", {}, {}
        self.thread, self.first_comment, self.show_first_comment = [], "", False
        self.media, self.tags_text, self.campaign_id = [], "", ""
        self.mode, self.date, self.time, self.tab = "now", "", "", "all"
        self.link, self.link_form, self.expanded = "", {}, []
        self.errors, self.restored_note, self.upload_alt = {}, "", ""
        self.approval_note = ""

    def _apply_draft(self, draft: PostDraft) -> None:
        self.text = draft.text
        self.selected = [str(i) for i in draft.account_ids]
        self.variants = {str(k): v.text for k, v in draft.variants.items() if v.text is not None}
        self.media_overrides = {
            str(k): [str(m) for m in v.media_ids]
            for k, v in draft.variants.items()
            if v.media_ids is not None
        }
        self.thread = list(draft.thread)
        self.first_comment = draft.first_comment or ""
        self.show_first_comment = bool(self.first_comment)
        self.tags_text = ", ".join(draft.tags)
        self.campaign_id = str(draft.campaign_id or "")
        if draft.at:
            self.date, self.time = draft.at[:10], draft.at[11:16]
            self.mode = "later"

    def _apply_snapshot(self, snap: dict[str, object]) -> list[int]:
        def text(key: str) -> str:
            value = snap.get(key, "")
            return value if isinstance(value, str) else ""

        def strings(key: str) -> list[str]:
            value = snap.get(key, [])
            return [str(v) for v in value] if isinstance(value, list) else []

        known = {a.id for a in self.accounts}
        self.text = text("text")
        self.selected = [i for i in strings("selected") if i in known]
        raw_variants = snap.get("variants", {})
        self.variants = (
            {str(k): str(v) for k, v in raw_variants.items() if str(k) in known}
            if isinstance(raw_variants, dict)
            else {}
        )
        raw_media = snap.get("media_overrides", {})
        self.media_overrides = (
            {str(k): [str(m) for m in v] for k, v in raw_media.items() if isinstance(v, list)}
            if isinstance(raw_media, dict)
            else {}
        )
        self.thread = strings("thread")
        self.first_comment = text("first_comment")
        self.show_first_comment = bool(snap.get("show_first_comment")) or bool(self.first_comment)
        self.tags_text = text("tags")
        self.campaign_id = text("campaign") if text("campaign").isdigit() else ""
        self.mode = text("mode") if text("mode") in MODES else "now"
        self.date, self.time, self.link = text("date"), text("time"), text("link")
        return [int(i) for i in strings("media") if i.isdigit()]

    def _load_media(self, session: Session, actor: Actor, ids: list[int]) -> None:
        found = compose_media.describe(
            session, actor=actor, brand_id=int(self.brand_id), media_ids=ids
        )
        self.media = [_media_row(m) for m in found]

    def _reload_posts(self, session: Session, actor: Actor) -> None:
        self.posts = [
            {
                "id": str(post.id),
                "href": routes.post_path(post.id),
                "edit": f"{routes.COMPOSE}?post={post.id}",
                "text": post.text if len(post.text) <= 90 else post.text[:89] + "…",
                "status": post.status.value,
                "status_label": POST_STATUS_LABELS.get(post.status, post.status.value),
                "when": in_zone(post.scheduled_at, self.timezone),
                "progress": f"{post.published_count} of {post.target_count} published",
                "editable": "yes" if post.status in EDITABLE and post.published_count == 0 else "",
            }
            for post in post_service.list_posts(
                session, actor=actor, brand_id=int(self.brand_id), limit=RECENT_POSTS
            )
        ]

    def _insert(self, fragment: str, *, replace_empty: bool = False, block: bool = False) -> None:
        """Add ``fragment`` to the text of the tab in front (an account tab gets its own)."""
        current = self.active_text
        if replace_empty and not current.strip():
            new = fragment
        elif block:
            new = current.rstrip() + ("\n\n" if current.strip() else "") + fragment
        else:
            sep = "" if not current or current.endswith((" ", "\n")) else " "
            new = current + sep + fragment
        if self.tab == "all":
            self.text = new
        else:
            self.variants = {**self.variants, self.tab: new}
        self.errors = {k: v for k, v in self.errors.items() if k != "text"}
        self._persist()

    # --- loading --------------------------------------------------------------------------

    @rx.event
    async def load(self) -> None:
        """The switcher's brand; ``?post=ID`` opens that post; unsaved work is restored."""
        await self._load()

    async def _load(self) -> None:
        wanted = self.router.url.query_parameters.get("post", "")
        self._clear_form()
        with session_scope() as session:
            actor = await require_actor(self, session)
            brand = await current_brand(self, session, actor)
            if brand is None:
                self.brand_id, self.accounts, self.selected, self.posts = "", [], [], []
                self.campaigns = []
                return
            self.brand_id, self.brand_name, self.timezone = (
                str(brand.id),
                brand.name,
                brand.timezone,
            )
            self.approval_needed = needs_approval(
                load_brand(session, actor=actor, brand_id=brand.id, action=Action.BRAND_VIEW),
                actor,
            )
            self.accounts = [
                AccountChoice(
                    id=str(a.id),
                    platform=a.platform.value,
                    network="Sandbox" if a.platform == Platform.SANDBOX else a.platform_label,
                    handle=a.handle,
                    display_name=a.display_name,
                    instance_url=a.instance_url or "",
                    status=a.status.value,
                    status_label=a.status_label,
                )
                for a in account_service.list_accounts(session, actor=actor, brand_id=brand.id)
            ]
            self.snippets = [
                SnippetRow(id=str(s.id), kind=s.kind.value, name=s.name, body=s.body)
                for s in snippets.list_snippets(session, actor=actor, brand_id=brand.id)
            ]
            self.campaigns = [
                {"id": str(c.id), "name": c.name}
                for c in campaign_service.list_campaigns(session, actor=actor, brand_id=brand.id)
            ]
            self.post_id, self.post_status, media_ids = "", "", []
            if wanted.isdigit():
                try:
                    opened = draft_of(session, actor=actor, post_id=int(wanted))
                except DomainError as exc:
                    self.errors = {FORM: exc.message}
                else:
                    if opened.draft.brand_id == brand.id:
                        self.post_id, self.post_status = wanted, opened.status.value
                        self._apply_draft(opened.draft)
                        media_ids = list(opened.draft.media_ids)
                        for variant in opened.draft.variants.values():
                            media_ids += variant.media_ids or []
                        if not opened.editable:
                            self.errors = {
                                FORM: "This post has already gone out; saving makes no change. "
                                "Duplicate it to post it again."
                            }
                    else:
                        self.errors = {
                            FORM: "That post belongs to another brand: switch brands to edit it."
                        }
            if not self.post_id:
                usable = [a.id for a in self.accounts if a.status != AccountStatus.RECONNECT_NEEDED]
                self.selected = usable if len(usable) == 1 else []
            snap = self._stored().get(self._key())
            if isinstance(snap, dict):
                media_ids = self._apply_snapshot(snap)
                saved_at = snap.get("saved_at", "")
                self.restored_note = (
                    f"Your unsaved changes from {saved_at} were restored."
                    if saved_at
                    else "Your unsaved changes were restored."
                )
            self._load_media(session, actor, media_ids)
            self._reload_posts(session, actor)
        self.loaded_key = self._key()
        picker = await self.get_state(MediaPickerState)
        self.picker_seen = picker.confirmed_version

    @rx.event
    async def discard_draft(self) -> None:
        """Throw away the unsaved changes kept in this browser and start again."""
        self._forget()
        await self._load()

    # --- typing ---------------------------------------------------------------------------

    @rx.event
    def set_text(self, value: str) -> None:
        self.text = value
        self._persist()

    @rx.event
    def set_active_text(self, value: str) -> None:
        """Typing in the tab in front: the post's text, or the account's own version."""
        if self.tab == "all":
            self.text = value
        else:
            self.variants = {**self.variants, self.tab: value}
        self._persist()

    @rx.event
    def use_ai_text(self, text: str) -> list[EventSpec] | None:
        """Take the AI assistant's suggestion: it replaces the text of the tab in front.

        The assistant also runs outside the composer (Settings → AI's "Try it"); there the
        text goes to the clipboard instead of into a composer nobody is looking at.
        """
        path = self._get_root_state().router.url.path
        if path.rstrip("/") != routes.COMPOSE:
            return [rx.set_clipboard(text), rx.toast.info("Copied to the clipboard.")]
        if self.tab == "all":
            self.text = text
        else:
            self.variants = {**self.variants, self.tab: text}
        self._persist()
        return None

    @rx.event
    def toggle_account(self, account_id: str, checked: bool) -> None:
        chosen = [i for i in self.selected if i != account_id]
        self.selected = [*chosen, account_id] if checked else chosen
        if not checked and self.tab == account_id:
            self.tab = "all"
        self.errors = {k: v for k, v in self.errors.items() if k != "account_ids"}
        self._persist()

    @rx.event
    def set_tab(self, value: str) -> None:
        self.tab = value

    @rx.event
    def customize(self) -> None:
        """Give the account in front its own text, starting from the post's."""
        if self.tab != "all" and self.tab not in self.variants:
            self.variants = {**self.variants, self.tab: self.text}
            self._persist()

    @rx.event
    def reset_variant(self) -> None:
        """The account in front goes back to the post's text and media."""
        self.variants = {k: v for k, v in self.variants.items() if k != self.tab}
        self.media_overrides = {k: v for k, v in self.media_overrides.items() if k != self.tab}
        self._persist()

    @rx.event
    def toggle_variant_media(self, media_id: str, checked: bool) -> None:
        """Include or leave out one of the post's files for the account in front."""
        if self.tab == "all":
            return
        current = self.media_overrides.get(self.tab, [m.id for m in self.media])
        wanted = [i for i in current if i != media_id] + ([media_id] if checked else [])
        order = [m.id for m in self.media]
        self.media_overrides = {
            **self.media_overrides,
            self.tab: sorted(wanted, key=lambda i: order.index(i) if i in order else 0),
        }
        self._persist()

    @rx.event
    def add_part(self) -> None:
        self.thread = [*self.thread, ""]
        self._persist()

    @rx.event
    def set_part(self, index: int, value: str) -> None:
        parts = list(self.thread)
        if 0 <= index < len(parts):
            parts[index] = value
            self.thread = parts
            self._persist()

    @rx.event
    def remove_part(self, index: int) -> None:
        self.thread = [p for i, p in enumerate(self.thread) if i != index]
        self._persist()

    @rx.event
    def toggle_first_comment(self) -> None:
        self.show_first_comment = not self.show_first_comment
        self._persist()

    @rx.event
    def set_first_comment(self, value: str) -> None:
        self.first_comment = value
        self._persist()

    @rx.event
    def set_approval_note(self, value: str) -> None:
        self.approval_note = value

    @rx.event
    def set_tags_text(self, value: str) -> None:
        self.tags_text = value
        self._persist()

    @rx.event
    def choose_campaign(self, value: str) -> None:
        """The picker's "none" (Radix selects cannot hold an empty value) means no campaign."""
        self.campaign_id = value if value.isdigit() else ""
        self._persist()

    @rx.event
    def set_mode(self, value: str) -> None:
        self.mode = value if value in MODES else "now"
        self.errors = {k: v for k, v in self.errors.items() if k != "at"}
        self._persist()

    @rx.event
    def set_date(self, value: str) -> None:
        self.date = value
        self.errors = {k: v for k, v in self.errors.items() if k != "at"}
        self._persist()

    @rx.event
    def set_time(self, value: str) -> None:
        self.time = value
        self.errors = {k: v for k, v in self.errors.items() if k != "at"}
        self._persist()

    @rx.event
    def toggle_expanded(self, account_id: str) -> None:
        self.expanded = (
            [i for i in self.expanded if i != account_id]
            if account_id in self.expanded
            else [*self.expanded, account_id]
        )

    # --- inserting ------------------------------------------------------------------------

    @rx.event
    def insert_emoji(self, emoji: str) -> None:
        self._insert(emoji)

    @rx.event
    def insert_variable(self, name: str) -> None:
        if name in variables.VARIABLES:
            self._insert("{" + name + "}")

    @rx.event
    def insert_snippet(self, snippet_id: str) -> None:
        """A template fills an empty text (or goes below); a signature ends it; tags follow."""
        snippet = next((s for s in self.snippets if s.id == snippet_id), None)
        if snippet is None:
            return
        if snippet.kind == snippets.SnippetKind.TEMPLATE:
            self._insert(snippet.body, replace_empty=True, block=True)
        elif snippet.kind == snippets.SnippetKind.SIGNATURE:
            self._insert(snippet.body, block=True)
        else:
            self._insert(snippet.body)

    @rx.event
    def set_link_field(self, name: str, value: str) -> None:
        self.link_form = {**self.link_form, name: value}
        self.errors = {k: v for k, v in self.errors.items() if k not in ("url", "utm")}

    @rx.event
    async def shorten(self) -> None:
        """Make a short link (UTM applied), put it in the text and behind ``{link}``."""
        url = self.link_form.get("url", "")
        utm = {k: self.link_form.get(k, "") for k in links.UTM_KEYS}
        try:
            with session_scope() as session:
                made = links.shorten(
                    session,
                    actor=await require_actor(self, session),
                    brand_id=int(self.brand_id),
                    url=url,
                    utm=utm,
                    post_id=int(self.post_id) if self.post_id else None,
                )
        except DomainError as exc:
            self.errors = self._errors(exc)
            return
        self.link = made.short_url
        self.link_form = {**self.link_form, "url": ""}
        self._insert(made.short_url)

    # --- media ----------------------------------------------------------------------------

    @rx.event
    def set_upload_alt(self, value: str) -> None:
        self.upload_alt = value

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]) -> None:
        """Store dropped or chosen files (with the alt text typed above) and attach them."""
        added: list[MediaRow] = []
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                for file in files:
                    data = await file.read()
                    info = compose_media.upload(
                        session,
                        actor=actor,
                        brand_id=int(self.brand_id),
                        data=data,
                        filename=file.name or "upload",
                        alt_text=self.upload_alt,
                    )
                    added.append(_media_row(info))
        except DomainError as exc:
            self.errors = self._errors(exc, default="media")
            return
        known = {m.id for m in self.media}
        self.media = [*self.media, *[m for m in added if m.id not in known]]
        self.upload_alt = ""
        self.errors = {k: v for k, v in self.errors.items() if k not in ("media", "alt_text")}
        self._persist()

    @rx.event
    async def set_alt(self, media_id: str, value: str) -> None:
        """Save a file's alt text when the person leaves the field."""
        current = next((m for m in self.media if m.id == media_id), None)
        if current is None or current.alt_text == value.strip():
            return
        try:
            with session_scope() as session:
                info = compose_media.set_alt_text(
                    session,
                    actor=await require_actor(self, session),
                    media_id=int(media_id),
                    alt_text=value,
                )
        except DomainError as exc:
            self.errors = self._errors(exc, default="media")
            return
        self.media = [_media_row(info) if m.id == media_id else m for m in self.media]

    @rx.event
    def remove_media(self, media_id: str) -> None:
        self.media = [m for m in self.media if m.id != media_id]
        self.media_overrides = {
            k: [i for i in v if i != media_id] for k, v in self.media_overrides.items()
        }
        self._persist()

    @rx.event
    async def open_library(self) -> EventSpec:
        """Open the media library's picker with this post's files already ticked."""
        picker = await self.get_state(MediaPickerState)
        picker.brand_id = self.brand_id
        await picker.preselect([int(m.id) for m in self.media])
        self.picker_seen = picker.confirmed_version
        return MediaPickerState.open_picker

    @rx.event
    async def take_picked(self) -> None:
        """After "Use N files" in the picker: its choice becomes the post's media, in order."""
        picker = await self.get_state(MediaPickerState)
        if picker.confirmed_version == self.picker_seen:
            return
        self.picker_seen = picker.confirmed_version
        with session_scope() as session:
            self._load_media(session, await require_actor(self, session), list(picker.selected_ids))
        kept = {m.id for m in self.media}
        self.media_overrides = {
            k: [i for i in v if i in kept] for k, v in self.media_overrides.items()
        }
        self.errors = {k: v for k, v in self.errors.items() if k not in ("media", "alt_text")}
        self._persist()

    @rx.event
    async def attach_library_media(self, media_ids: list[str]) -> None:
        """Attach files chosen in the media library's picker (ids as strings)."""
        ids = [int(i) for i in media_ids if str(i).isdigit()]
        current = [int(m.id) for m in self.media]
        with session_scope() as session:
            self._load_media(
                session,
                await require_actor(self, session),
                [*current, *[i for i in ids if i not in current]],
            )
        self._persist()

    # --- saving ---------------------------------------------------------------------------

    def _errors(self, exc: DomainError, *, default: str = FORM) -> dict[str, str]:
        found = field_errors(exc)
        return {
            (k if k in FIELDS else (default if k == FORM else FORM)): v for k, v in found.items()
        }

    def _at(self) -> str | None:
        date, time = self.date.strip(), self.time.strip()
        if not date and not time:
            return None
        if not date or not time:
            raise ValidationError(
                f"Choose both a date and a time (in {self.timezone}).", field="at"
            )
        return f"{date}T{time}"

    def _draft(self) -> tuple[PostDraft, list[str]]:
        """The post as the services take it, with variables filled in per account."""
        chosen = self.chosen
        if not chosen:
            raise ValidationError("Choose at least one account to post to.", field="account_ids")
        first = chosen[0]
        single = first if len(chosen) == 1 else None
        for part in [*self.thread, self.first_comment if self.show_first_comment else ""]:
            used = {n.lower() for n in variables.find(part).known}
            if single is None and used & set(_ACCOUNT_VARIABLES):
                field = "first_comment" if part == self.first_comment else "thread"
                raise ValidationError(
                    "{account} and {network} differ per account: use them in the main text, "
                    "not in thread parts or the first comment.",
                    field=field,
                )
        text = self._render(self.text, first)
        uses = variables.uses_variables(self.text)
        variants: dict[int, VariantIn] = {}
        for account in chosen:
            own = self.variants.get(account.id)
            rendered = self._render(own if own is not None else self.text, account)
            override = own is not None or (uses and rendered != text)
            media = self.media_overrides.get(account.id)
            if override or media is not None:
                variants[int(account.id)] = VariantIn(
                    text=rendered if override else None,
                    media_ids=[int(i) for i in media] if media is not None else None,
                )
        try:
            thread = [self._render(p, single or first) for p in self.thread]
        except ValidationError as exc:
            raise ValidationError(exc.message, field="thread") from None
        try:
            comment = (
                self._render(self.first_comment, single or first) if self.show_first_comment else ""
            )
        except ValidationError as exc:
            raise ValidationError(exc.message, field="first_comment") from None
        draft = PostDraft(
            brand_id=int(self.brand_id),
            text=text,
            account_ids=[int(a.id) for a in chosen],
            variants=variants,
            media_ids=[int(m.id) for m in self.media],
            thread=thread,
            first_comment=comment or None,
            campaign_id=int(self.campaign_id) if self.campaign_id.isdigit() else None,
            tags=[t.strip() for t in self.tags_text.split(",") if t.strip()],
            at=self._at() if self.mode == "later" or self.approval_needed else None,
        )
        texts = [text, *thread, comment, *[v.text or "" for v in variants.values()]]
        return draft, texts

    async def _save_then(self, step: str) -> list[EventSpec] | None:
        """Save the post, then take ``step`` in the same transaction; refusals stay inline."""
        if self.busy:
            return None
        self.errors = {}
        saved_id = 0
        message = ""
        try:
            draft, texts = self._draft()
            if step == "schedule" and draft.at is None:
                raise ValidationError(
                    f"Choose a date and time ({self.timezone}), or Publish now.", field="at"
                )
            self.busy = True
            with session_scope() as session:
                actor = await require_actor(self, session)
                post_id = int(self.post_id) if self.post_id else None
                saved = save_post(session, actor=actor, draft=draft, post_id=post_id)
                saved_id = saved.id
                links.attach_to_post(session, actor=actor, post_id=saved_id, texts=texts)
                message = await self._step(session, actor, step, saved_id)
        except DomainError as exc:
            self.busy = False
            self.errors = self._errors(exc)
            return None
        self.busy = False
        self._forget()
        return [rx.toast.success(message), rx.redirect(routes.post_path(saved_id))]

    async def _step(self, session: Session, actor: Actor, step: str, post_id: int) -> str:
        if step == "draft":
            return "Draft saved."
        if step == "approval":
            from socialmuse.services import approvals

            approvals.submit_for_review(
                session, actor=actor, post_id=post_id, note=self.approval_note
            )
            return "Sent for approval."
        if step == "queue":
            from socialmuse.services import slots

            when = slots.queue_post(session, actor=actor, post_id=post_id)
            return f"Added to the queue for {in_zone(when, self.timezone)}."
        if step == "now":
            publish_now(session, actor=actor, post_id=post_id)
            return "Publishing now."
        scheduled = schedule_post(session, actor=actor, post_id=post_id)
        return f"Scheduled for {in_zone(scheduled.scheduled_at, self.timezone)}."

    @rx.event
    async def save_draft(self) -> list[EventSpec] | None:
        """Keep the post as a draft (nothing is sent)."""
        return await self._save_then("draft")

    @rx.event
    async def submit(self) -> list[EventSpec] | None:
        """The main button: publish now, schedule, add to queue, or submit for approval."""
        if self.approval_needed:
            return await self._save_then("approval")
        return await self._save_then({"later": "schedule"}.get(self.mode, self.mode))

    @rx.event
    async def submit_for_approval(self) -> list[EventSpec] | None:
        return await self._save_then("approval")
