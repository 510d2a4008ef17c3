"""The media picker: choose (or upload) media of the current brand for a post, with alt text.

Contract for pages embedding ``components.media_picker``:

- ``MediaPickerState.open_picker`` opens the dialog on the brand of the shell's switcher;
  what was chosen before stays ticked.
- The person ticks assets (in order), may upload more inside the dialog (new uploads are
  ticked), edits each chosen asset's alt text (saved on the asset when the field loses
  focus), then presses "Use N files": ``confirm``.
- ``MediaPickerState.selected_ids: list[int]`` holds the confirmed asset ids in the chosen
  order; ``selected`` the matching rows (``id``, ``filename``, ``thumb``, ``alt_text``,
  ``kind``...) for chips; ``confirmed_version`` increases on every confirm.
- ``remove(asset_id)`` drops one confirmed asset, ``clear`` empties the selection (call it
  when a post is saved or the brand changes), ``preselect(ids)`` loads a saved post's media.
- Save them as the post's media with ``post_editing.save_post(PostDraft(media_ids=
  selected_ids, ...))`` (or ``media_library.load_assets`` + ``media.attach``); check network
  rules with ``media_library.media_files``.
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
from socialmuse.state.media import upload_files
from socialmuse.state.media_rows import asset_row, upload_toast

PICKER_PAGE = 60


class MediaPickerState(rx.State):
    """The dialog's list, what is being ticked, and the confirmed selection."""

    is_open: bool = False
    brand_id: str = ""
    query: str = ""
    assets: list[dict[str, str]] = []
    total: int = 0
    picking: list[str] = []
    picked_rows: list[dict[str, str]] = []
    uploads: list[dict[str, str]] = []
    alt_errors: dict[str, str] = {}
    selected_ids: list[int] = []
    selected: list[dict[str, str]] = []
    confirmed_version: int = 0

    @rx.var
    def confirm_label(self) -> str:
        n = len(self.picking)
        return f"Use {n} file{'s' if n != 1 else ''}" if n else "Use no media"

    def _reload(self, session: Session, actor: Actor) -> None:
        page = media_library.list_assets(
            session, actor=actor, brand_id=int(self.brand_id), query=self.query, limit=PICKER_PAGE
        )
        self.assets, self.total = [asset_row(a) for a in page.items], page.total
        self._rows_for_picking(session, actor)

    def _rows_for_picking(self, session: Session, actor: Actor) -> None:
        """Rows of the ticked assets, in order (they may be outside the visible page)."""
        rows = []
        for asset_id in self.picking:
            try:
                rows.append(
                    asset_row(media_library.get_asset(session, actor=actor, asset_id=int(asset_id)))
                )
            except DomainError:
                continue
        self.picked_rows = [r for r in rows if not r["archived"]]
        self.picking = [r["id"] for r in self.picked_rows]

    @rx.event
    async def open_picker(self) -> EventSpec | None:
        """Open on the switcher's brand; a brand change starts a fresh selection."""
        with session_scope() as session:
            actor = await require_actor(self, session)
            brand = await current_brand(self, session, actor)
            if brand is None:
                return rx.toast.error("Create a brand first: media belong to a brand.")
            if str(brand.id) != self.brand_id:
                self.selected_ids, self.selected = [], []
            self.brand_id = str(brand.id)
            self.query, self.uploads, self.alt_errors = "", [], {}
            self.picking = [str(i) for i in self.selected_ids]
            self._reload(session, actor)
        self.is_open = True
        return None

    @rx.event
    def set_open(self, is_open: bool) -> None:
        """Closing without confirming keeps the previous selection."""
        self.is_open = is_open

    @rx.event
    async def search(self, form_data: dict[str, str]) -> None:
        self.query = text(form_data, "query").strip()
        with session_scope() as session:
            self._reload(session, await require_actor(self, session))

    @rx.event
    async def toggle(self, asset_id: str) -> None:
        """Tick or untick one asset; ticked ones keep the order they were ticked in."""
        if asset_id in self.picking:
            self.picking = [i for i in self.picking if i != asset_id]
        else:
            self.picking = [*self.picking, asset_id]
        with session_scope() as session:
            self._rows_for_picking(session, await require_actor(self, session))

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]) -> EventSpec | None:
        """Upload inside the picker; what was added (or already there) is ticked."""
        self.uploads, ids = await upload_files(self, int(self.brand_id), files)
        self.picking = [*self.picking, *[str(i) for i in ids if str(i) not in self.picking]]
        with session_scope() as session:
            self._reload(session, await require_actor(self, session))
        return upload_toast(self.uploads)

    @rx.event
    def dismiss_uploads(self) -> None:
        self.uploads = []

    @rx.event
    async def save_alt(self, asset_id: str, value: str) -> None:
        """Save one asset's alt text when its field loses focus (it is the asset's own)."""
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                media_library.update_asset(
                    session, actor=actor, asset_id=int(asset_id), alt_text=value
                )
                self._rows_for_picking(session, actor)
                self.selected = [
                    next((r for r in self.picked_rows if r["id"] == s["id"]), s)
                    for s in self.selected
                ]
        except DomainError as exc:
            self.alt_errors = {**self.alt_errors, asset_id: field_errors(exc).popitem()[1]}
            return
        self.alt_errors = {k: v for k, v in self.alt_errors.items() if k != asset_id}

    @rx.event
    def confirm(self) -> None:
        """Hand the ticked assets to the page (``selected_ids``) and close."""
        self.selected_ids = [int(i) for i in self.picking]
        self.selected = list(self.picked_rows)
        self.confirmed_version += 1
        self.is_open = False

    @rx.event
    def remove(self, asset_id: str) -> None:
        self.selected_ids = [i for i in self.selected_ids if str(i) != asset_id]
        self.selected = [r for r in self.selected if r["id"] != asset_id]

    @rx.event
    def clear(self) -> None:
        self.selected_ids, self.selected, self.picking, self.picked_rows = [], [], [], []

    @rx.event
    async def preselect(self, asset_ids: list[int]) -> None:
        """Start from a saved post's media (ids the actor may see; others are dropped)."""
        self.picking = [str(i) for i in asset_ids]
        with session_scope() as session:
            self._rows_for_picking(session, await require_actor(self, session))
        self.selected_ids = [int(i) for i in self.picking]
        self.selected = list(self.picked_rows)
