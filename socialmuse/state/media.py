"""Media page: the current brand's library, uploads, the detail dialog and folders.

Each uploaded file goes through the service in its own transaction, so one unsupported or
oversized file is reported by name while the others are added. Filters (search, folder,
kind, tag) live here and every change re-reads one page from the database.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from socialmuse.db import session_scope
from socialmuse.services import media_library
from socialmuse.services.errors import DomainError
from socialmuse.services.permissions import Actor
from socialmuse.state.auth import require_actor
from socialmuse.state.current_brand import current_brand
from socialmuse.state.forms import field_errors, text
from socialmuse.state.media_rows import asset_row, upload_result, upload_toast, use_row

PAGE_SIZE = 48
SNIFF_BYTES = 1024
ALL = "*"
"""The folder filter meaning every folder ("" is the library's top level)."""


async def upload_files(
    state: rx.State, brand_id: int, files: list[rx.UploadFile], *, folder: str = ""
) -> tuple[list[dict[str, str]], list[int]]:
    """Upload each file on its own; (per-file results, ids of the assets now in the library)."""
    results: list[dict[str, str]] = []
    ids: list[int] = []
    for upload in files:
        name = upload.name or "upload"
        try:
            head = await upload.read(SNIFF_BYTES)
            if upload.size is not None:  # refuse a huge or foreign file before reading it all
                media_library.check_upload(name, head, size=upload.size)
            data = head + await upload.read()
            with session_scope() as session:
                asset = media_library.upload(
                    session,
                    actor=await require_actor(state, session),
                    brand_id=brand_id,
                    filename=name,
                    data=data,
                    folder=folder,
                )
        except DomainError as exc:
            field_errors(exc)  # an ended login is re-raised, not listed as a file problem
            results.append(upload_result(name, ok=False, message=exc.message))
            continue
        ids.append(asset.id)
        said = (
            f"already in the library as {asset.filename}; nothing new was stored"
            if asset.duplicate
            else "uploaded"
        )
        results.append(upload_result(name, ok=True, message=said))
    return results, ids


class MediaState(rx.State):
    """Filters, one page of assets, folders, the last upload's results and the open asset."""

    brand_id: str = ""
    assets: list[dict[str, str]] = []
    total: int = 0
    offset: int = 0
    query: str = ""
    folder: str = ALL
    kind: str = "all"
    tag: str = ""
    show_archived: bool = False
    folders: list[dict[str, str]] = []
    tags: list[str] = []
    uploads: list[dict[str, str]] = []
    uploading: bool = False
    open_id: str = ""
    detail: dict[str, str] = {}
    uses: list[dict[str, str]] = []
    detail_errors: dict[str, str] = {}
    detail_version: int = 0
    folder_errors: dict[str, str] = {}
    folder_version: int = 0
    renaming: str = ""

    @rx.var
    def page_label(self) -> str:
        if not self.total:
            return ""
        last = min(self.offset + PAGE_SIZE, self.total)
        return f"{self.offset + 1}–{last} of {self.total}"

    @rx.var
    def has_next(self) -> bool:
        return self.offset + PAGE_SIZE < self.total

    @rx.var
    def has_previous(self) -> bool:
        return self.offset > 0

    @rx.var
    def filtered(self) -> bool:
        return bool(self.query or self.tag or self.kind != "all" or self.folder != ALL)

    def _reload(self, session: Session, actor: Actor) -> None:
        if not self.brand_id:
            self.assets, self.folders, self.tags, self.total = [], [], [], 0
            return
        brand_id = int(self.brand_id)
        page = media_library.list_assets(
            session,
            actor=actor,
            brand_id=brand_id,
            query=self.query,
            folder=None if self.folder == ALL else self.folder,
            tag=self.tag or None,
            kind=None if self.kind == "all" else self.kind,
            archived=self.show_archived,
            limit=PAGE_SIZE,
            offset=self.offset,
        )
        if not page.items and self.offset:
            self.offset = 0
            self._reload(session, actor)
            return
        self.assets = [asset_row(a) for a in page.items]
        self.total = page.total
        self.folders = [
            {"name": f.name, "count": str(f.count)}
            for f in media_library.list_folders(session, actor=actor, brand_id=brand_id)
        ]
        self.tags = [
            t.name for t in media_library.list_tags(session, actor=actor, brand_id=brand_id)
        ]

    async def _refresh(self) -> None:
        with session_scope() as session:
            self._reload(session, await require_actor(self, session))

    @rx.event
    async def load(self) -> None:
        """The switcher's brand, all filters cleared."""
        self.query, self.folder, self.kind, self.tag = "", ALL, "all", ""
        self.offset, self.show_archived, self.uploads = 0, False, []
        self.open_id, self.detail, self.uses, self.renaming = "", {}, [], ""
        self.folder_errors, self.detail_errors = {}, {}
        with session_scope() as session:
            actor = await require_actor(self, session)
            brand = await current_brand(self, session, actor)
            self.brand_id = str(brand.id) if brand else ""
            self._reload(session, actor)

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]) -> EventSpec | None:
        """Add the dropped or chosen files; each refusal is listed with the file's name."""
        if not self.brand_id:
            return rx.toast.error("Create a brand first: media belong to a brand.")
        folder = "" if self.folder == ALL else self.folder
        self.uploads, _ = await upload_files(self, int(self.brand_id), files, folder=folder)
        self.show_archived, self.offset = False, 0
        await self._refresh()
        return upload_toast(self.uploads)

    @rx.event
    def dismiss_uploads(self) -> None:
        """Hide the last upload's per-file results."""
        self.uploads = []

    @rx.event
    async def search(self, form_data: dict[str, str]) -> None:
        """Match file names, alt text and tags."""
        self.query, self.offset = text(form_data, "query").strip(), 0
        await self._refresh()

    @rx.event
    async def set_kind(self, value: str) -> None:
        self.kind, self.offset = value, 0
        await self._refresh()

    @rx.event
    async def set_folder(self, value: str) -> None:
        """Show one folder ("" the top level, ``*`` everything)."""
        self.folder, self.offset, self.renaming = value, 0, ""
        await self._refresh()

    @rx.event
    async def set_tag(self, value: str) -> None:
        """Show files carrying one tag (``*`` or "" for any)."""
        self.tag, self.offset = ("" if value == ALL else value), 0
        await self._refresh()

    @rx.event
    async def clear_filters(self) -> None:
        self.query, self.folder, self.kind, self.tag, self.offset = "", ALL, "all", "", 0
        await self._refresh()

    @rx.event
    async def set_show_archived(self, value: bool) -> None:
        self.show_archived, self.offset = value, 0
        await self._refresh()

    @rx.event
    async def next_page(self) -> None:
        self.offset += PAGE_SIZE
        await self._refresh()

    @rx.event
    async def previous_page(self) -> None:
        self.offset = max(0, self.offset - PAGE_SIZE)
        await self._refresh()

    def _show(self, session: Session, actor: Actor, asset_id: int) -> None:
        self.detail = asset_row(media_library.get_asset(session, actor=actor, asset_id=asset_id))
        self.uses = [
            use_row(u) for u in media_library.asset_usage(session, actor=actor, asset_id=asset_id)
        ]
        self.open_id = str(asset_id)

    @rx.event
    async def open_asset(self, asset_id: str) -> None:
        """Open the detail dialog: preview, description, tags, folder and the posts using it."""
        self.detail_errors = {}
        self.detail_version += 1
        with session_scope() as session:
            self._show(session, await require_actor(self, session), int(asset_id))

    @rx.event
    def close_asset(self, is_open: bool = False) -> None:
        if not is_open:
            self.open_id, self.detail, self.uses, self.detail_errors = "", {}, [], {}

    @rx.event
    async def save_asset(self, form_data: dict[str, str]) -> EventSpec | None:
        """Save alt text, tags and folder; a refusal shows under its field, typing kept."""
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                media_library.update_asset(
                    session,
                    actor=actor,
                    asset_id=int(self.open_id),
                    alt_text=text(form_data, "alt_text"),
                    tags=media_library.parse_tags(text(form_data, "tags")),
                    folder=text(form_data, "folder"),
                )
                self._show(session, actor, int(self.open_id))
                self._reload(session, actor)
        except DomainError as exc:
            self.detail_errors = field_errors(exc)
            return None
        self.detail_errors = {}
        return rx.toast.success(f"Saved {self.detail['filename']}.")

    async def _retire(self, how: str) -> EventSpec | None:
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                asset_id = int(self.open_id)
                name = self.detail.get("filename", "")
                if how == "archive":
                    media_library.archive_asset(session, actor=actor, asset_id=asset_id)
                elif how == "restore":
                    media_library.restore_asset(session, actor=actor, asset_id=asset_id)
                else:
                    media_library.delete_asset(session, actor=actor, asset_id=asset_id)
                self._reload(session, actor)
        except DomainError as exc:
            self.detail_errors = field_errors(exc)
            return None
        self.open_id, self.detail, self.uses, self.detail_errors = "", {}, [], {}
        done = {"archive": "archived", "restore": "restored", "delete": "deleted"}[how]
        return rx.toast.success(f"{name} {done}.")

    @rx.event
    async def archive_asset(self) -> EventSpec | None:
        """Hide it from the library and picker (refused while a waiting post uses it)."""
        return await self._retire("archive")

    @rx.event
    async def restore_asset(self) -> EventSpec | None:
        return await self._retire("restore")

    @rx.event
    async def delete_asset(self) -> EventSpec | None:
        """Remove an unused, archived asset for good."""
        return await self._retire("delete")

    @rx.event
    async def create_folder(self, form_data: dict[str, str]) -> EventSpec | None:
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                folder = media_library.create_folder(
                    session, actor=actor, brand_id=int(self.brand_id), name=text(form_data, "name")
                )
                self._reload(session, actor)
        except DomainError as exc:
            self.folder_errors = field_errors(exc)
            return None
        self.folder_errors = {}
        self.folder_version += 1
        return rx.toast.success(f"Folder {folder.name} created.")

    @rx.event
    def start_rename(self) -> None:
        self.renaming, self.folder_errors = self.folder, {}

    @rx.event
    def cancel_rename(self) -> None:
        self.renaming, self.folder_errors = "", {}

    @rx.event
    async def rename_folder(self, form_data: dict[str, str]) -> EventSpec | None:
        """Rename the folder being viewed; its files follow."""
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                folder = media_library.rename_folder(
                    session,
                    actor=actor,
                    brand_id=int(self.brand_id),
                    name=self.renaming,
                    new_name=text(form_data, "new_name"),
                )
                self.folder, self.renaming = folder.name, ""
                self._reload(session, actor)
        except DomainError as exc:
            self.folder_errors = field_errors(exc)
            return None
        self.folder_errors = {}
        return rx.toast.success(f"Folder renamed to {folder.name}.")

    @rx.event
    async def delete_folder(self) -> EventSpec | None:
        """Remove the empty folder being viewed."""
        name = self.folder
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                media_library.delete_folder(
                    session, actor=actor, brand_id=int(self.brand_id), name=name
                )
                self.folder = ALL
                self._reload(session, actor)
        except DomainError as exc:
            self.folder_errors = field_errors(exc)
            return None
        self.folder_errors = {}
        return rx.toast.info(f"Folder {name} removed.")
