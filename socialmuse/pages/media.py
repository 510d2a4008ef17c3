"""Media: the brand's library: upload, find, describe, organise in folders, see where used."""

from __future__ import annotations

import reflex as rx

from socialmuse import routes
from socialmuse.components.empty_state import empty_state
from socialmuse.components.forms import error_text, form_error
from socialmuse.components.layout import protected_page
from socialmuse.components.media_upload import media_thumb, upload_results, upload_zone
from socialmuse.state.media import ALL
from socialmuse.state.media import MediaState as State
from socialmuse.state.media_rows import KIND_FILTERS
from socialmuse.state.shell import ShellState

UPLOAD_ID = "media-upload"
DETAIL = "media-detail"
FOLDERS_LIST = "media-folder-choices"


def _toolbar() -> rx.Component:
    return rx.hstack(
        rx.form(
            rx.hstack(
                rx.input(
                    rx.input.slot(rx.icon("search", size=14)),
                    name="query",
                    id="media-search",
                    placeholder="Search names, alt text, tags",
                    default_value=State.query,
                    aria_label="Search media",
                    width="18em",
                ),
                rx.button("Search", type="submit", variant="soft", id="media-search-submit"),
                spacing="2",
            ),
            on_submit=State.search,
        ),
        rx.select.root(
            rx.select.trigger(id="media-kind", aria_label="Kind of media"),
            rx.select.content(
                *[rx.select.item(label, value=value) for value, label in KIND_FILTERS]
            ),
            value=State.kind,
            on_change=State.set_kind,
        ),
        rx.cond(
            State.tags.length() > 0,
            rx.select.root(
                rx.select.trigger(placeholder="Any tag", id="media-tag", aria_label="Tag"),
                rx.select.content(
                    rx.select.item("Any tag", value=ALL),
                    rx.foreach(State.tags, lambda t: rx.select.item(t, value=t)),
                ),
                value=rx.cond(State.tag != "", State.tag, ALL),
                on_change=State.set_tag,
            ),
        ),
        rx.cond(
            State.filtered,
            rx.button(
                "Clear filters",
                variant="ghost",
                size="1",
                on_click=State.clear_filters,
                id="media-clear-filters",
            ),
        ),
        rx.spacer(),
        rx.hstack(
            rx.switch(
                checked=State.show_archived,
                on_change=State.set_show_archived,
                id="media-show-archived",
            ),
            rx.el.label("Archive", html_for="media-show-archived", class_name="field-label"),
            align="center",
        ),
        width="100%",
        align="center",
        wrap="wrap",
        spacing="3",
    )


def _folder_link(label: rx.Var[str] | str, value: rx.Var[str] | str, count: rx.Var[str] | str):
    active = State.folder == value
    return rx.button(
        rx.icon(rx.cond(active, "folder-open", "folder"), size=14),
        rx.text(label, trim="end", flex="1", text_align="left"),
        rx.text(count, size="1", color_scheme="gray"),
        variant=rx.cond(active, "soft", "ghost"),
        color_scheme="gray",
        justify="start",
        width="100%",
        on_click=State.set_folder(value),
        data_folder=value,
        aria_current=rx.cond(active, "true", "false"),
    )


def _folder_tools() -> rx.Component:
    """Rename or remove the folder being viewed."""
    return rx.cond(
        (State.folder != ALL) & (State.folder != ""),
        rx.cond(
            State.renaming != "",
            rx.form(
                rx.vstack(
                    rx.input(
                        name="new_name",
                        id="rename-folder-new_name",
                        default_value=State.renaming,
                        aria_label="New folder name",
                    ),
                    error_text(
                        State.folder_errors.get("new_name", "").to(str),
                        element_id="rename-folder-new_name-error",
                    ),
                    rx.hstack(
                        rx.button("Rename", size="1", type="submit", id="rename-folder-submit"),
                        rx.button(
                            "Cancel",
                            size="1",
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            on_click=State.cancel_rename,
                        ),
                    ),
                    spacing="2",
                ),
                on_submit=State.rename_folder,
                width="100%",
            ),
            rx.hstack(
                rx.button(
                    "Rename folder",
                    size="1",
                    variant="soft",
                    on_click=State.start_rename,
                    id="rename-folder",
                ),
                rx.button(
                    "Remove",
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    on_click=State.delete_folder,
                    id="delete-folder",
                ),
            ),
        ),
    )


def _folders() -> rx.Component:
    return rx.vstack(
        rx.text("Folders", class_name="field-label"),
        rx.vstack(
            _folder_link("All media", ALL, ""),
            _folder_link("Not in a folder", "", ""),
            rx.foreach(State.folders, lambda f: _folder_link(f["name"], f["name"], f["count"])),
            spacing="1",
            width="100%",
            id="media-folders",
        ),
        _folder_tools(),
        rx.form(
            rx.vstack(
                rx.hstack(
                    rx.input(
                        name="name",
                        id="new-folder-name",
                        placeholder="New folder",
                        aria_label="New folder name",
                    ),
                    rx.icon_button(
                        rx.icon("folder-plus", size=16),
                        type="submit",
                        variant="soft",
                        aria_label="Create folder",
                        id="new-folder-submit",
                    ),
                    spacing="2",
                ),
                error_text(
                    State.folder_errors.get("folder", "").to(str),
                    element_id="new-folder-name-error",
                ),
                spacing="1",
            ),
            on_submit=State.create_folder,
            key=State.folder_version,
        ),
        spacing="2",
        width="14em",
        flex_shrink="0",
    )


def _tile(row: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.card(
        rx.vstack(
            media_thumb(row),
            rx.text(row["filename"], size="2", weight="medium", trim="end", width="100%"),
            rx.text(row["facts"], size="1", color_scheme="gray"),
            rx.hstack(
                rx.cond(
                    row["has_alt"] == "",
                    rx.badge("No alt text", color_scheme="amber", size="1"),
                ),
                rx.badge(
                    row["used_label"],
                    color_scheme=rx.cond(row["used_in"] != "0", "violet", "gray"),
                    size="1",
                ),
                spacing="1",
                wrap="wrap",
            ),
            spacing="1",
            width="100%",
        ),
        as_child=False,
        on_click=State.open_asset(row["id"]),
        cursor="pointer",
        role="button",
        tab_index=0,
        aria_label="Open " + row["filename"],
        data_asset=row["filename"],
        class_name="media-tile",
    )


def _grid() -> rx.Component:
    return rx.vstack(
        rx.cond(
            State.assets.length() > 0,
            rx.grid(
                rx.foreach(State.assets, _tile),
                columns=rx.breakpoints(initial="2", sm="3", md="4"),
                spacing="3",
                width="100%",
                id="media-grid",
            ),
            rx.cond(
                State.filtered | State.show_archived,
                rx.text(
                    "Nothing matches. Try other words, another folder, or clear the filters.",
                    color_scheme="gray",
                    id="media-no-match",
                ),
                empty_state(
                    "images",
                    "No media yet",
                    "Upload images, GIFs, videos and PDFs above; they are ready to reuse in "
                    "every post of this brand, with their alt text.",
                ),
            ),
        ),
        rx.hstack(
            rx.text(State.page_label, size="2", color_scheme="gray", id="media-count"),
            rx.spacer(),
            rx.button(
                "Previous",
                size="1",
                variant="soft",
                disabled=~State.has_previous,
                on_click=State.previous_page,
            ),
            rx.button(
                "Next", size="1", variant="soft", disabled=~State.has_next, on_click=State.next_page
            ),
            width="100%",
            align="center",
        ),
        spacing="3",
        width="100%",
    )


def _preview() -> rx.Component:
    kind = State.detail["kind"].to(str)
    return rx.box(
        rx.match(
            kind,
            (
                "video",
                rx.el.video(
                    src=State.detail["url"].to(str),
                    controls=True,
                    poster=State.detail["thumb"].to(str),
                    width="100%",
                    max_height="20em",
                ),
            ),
            (
                "document",
                rx.image(src=State.detail["thumb"].to(str), width="100%", alt="PDF preview"),
            ),
            rx.image(
                src=State.detail["url"].to(str),
                alt=State.detail["alt_text"].to(str),
                width="100%",
                max_height="20em",
                object_fit="contain",
                id=f"{DETAIL}-image",
            ),
        ),
        background=rx.color("gray", 3),
        border_radius="var(--radius-2)",
        overflow="hidden",
        width="100%",
    )


def _uses() -> rx.Component:
    return rx.vstack(
        rx.text(State.detail["used_label"].to(str), class_name="field-label", id=f"{DETAIL}-used"),
        rx.foreach(
            State.uses,
            lambda u: rx.hstack(
                rx.link(u["excerpt"], href=u["href"], size="2", trim="end"),
                rx.badge(
                    u["status"],
                    size="1",
                    color_scheme=rx.cond(u["pending"] != "", "amber", "gray"),
                ),
                spacing="2",
                align="center",
                data_post=u["post_id"],
            ),
        ),
        spacing="1",
        width="100%",
    )


def _field(label: str, name: str, control: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"{DETAIL}-{name}", class_name="field-label"),
        control,
        error_text(State.detail_errors.get(name, "").to(str), element_id=f"{DETAIL}-{name}-error"),
        spacing="1",
        width="100%",
    )


def _detail_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _field(
                "Alt text",
                "alt_text",
                rx.text_area(
                    name="alt_text",
                    id=f"{DETAIL}-alt_text",
                    default_value=State.detail["alt_text"].to(str),
                    placeholder="Describe the picture for people who cannot see it",
                    rows="3",
                    width="100%",
                ),
            ),
            _field(
                "Tags",
                "tags",
                rx.input(
                    name="tags",
                    id=f"{DETAIL}-tags",
                    default_value=State.detail["tags"].to(str),
                    placeholder="Comma-separated, e.g. menu, summer",
                    width="100%",
                ),
            ),
            _field(
                "Folder",
                "folder",
                rx.input(
                    name="folder",
                    id=f"{DETAIL}-folder",
                    default_value=State.detail["folder"].to(str),
                    placeholder="None (type a name to create one)",
                    list=FOLDERS_LIST,
                    auto_complete="off",
                    width="100%",
                ),
            ),
            rx.el.datalist(
                rx.foreach(State.folders, lambda f: rx.el.option(value=f["name"])),
                id=FOLDERS_LIST,
            ),
            error_text(
                State.detail_errors.get("asset", "").to(str), element_id=f"{DETAIL}-asset-error"
            ),
            form_error(State.detail_errors, form_id=DETAIL),
            rx.hstack(
                rx.button("Save", type="submit", id=f"{DETAIL}-save"),
                rx.cond(
                    State.detail["archived"].to(str) != "",
                    rx.hstack(
                        rx.button(
                            "Restore",
                            type="button",
                            variant="soft",
                            color_scheme="green",
                            on_click=State.restore_asset,
                            id=f"{DETAIL}-restore",
                        ),
                        rx.button(
                            "Delete for good",
                            type="button",
                            variant="soft",
                            color_scheme="red",
                            on_click=State.delete_asset,
                            id=f"{DETAIL}-delete",
                        ),
                    ),
                    rx.button(
                        "Archive",
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        on_click=State.archive_asset,
                        id=f"{DETAIL}-archive",
                    ),
                ),
                rx.spacer(),
                rx.link(
                    "Open original",
                    href=State.detail["url"].to(str),
                    is_external=True,
                    size="2",
                ),
                width="100%",
                align="center",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=State.save_asset,
        key=State.detail_version,
        width="100%",
    )


def _detail() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(State.detail["filename"].to(str), trim="end"),
            rx.dialog.description(State.detail["facts"].to(str), size="2", color_scheme="gray"),
            rx.vstack(
                _preview(),
                _detail_form(),
                _uses(),
                spacing="4",
                width="100%",
                margin_top="1em",
            ),
            max_width="40em",
            id=DETAIL,
        ),
        open=State.open_id != "",
        on_open_change=State.close_asset,
    )


def _body() -> rx.Component:
    return rx.vstack(
        upload_zone(UPLOAD_ID, State.handle_upload(rx.upload_files(upload_id=UPLOAD_ID))),
        upload_results(State.uploads, State.dismiss_uploads, element_id="media-upload-results"),
        _toolbar(),
        rx.hstack(_folders(), _grid(), align="start", spacing="5", width="100%"),
        _detail(),
        spacing="4",
        width="100%",
    )


def _no_brand() -> rx.Component:
    return empty_state(
        "images",
        "No media yet",
        "Media belong to a brand: create one, then upload images, GIFs, videos and PDFs here "
        "to reuse them in its posts.",
        rx.link("Create a brand", href=routes.SETTINGS_BRANDS, id="media-no-brand"),
    )


@protected_page(routes.MEDIA, "Media", on_load=[State.load])
def media() -> rx.Component:
    return rx.cond(
        State.brand_id == ShellState.brand_id,
        rx.cond(State.brand_id != "", _body(), _no_brand()),
        # The person switched brands: reload for the new one before showing anything.
        rx.center(rx.spinner(), on_mount=State.load, width="100%"),
    )
