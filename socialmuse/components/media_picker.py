"""The media picker dialog for the composer (contract: ``state.media_picker``).

``media_picker()`` is the dialog; ``media_picker_button()`` opens it; ``selected_media()``
shows the confirmed choice as small tiles with a remove button. Embed all three where the
post's media go; read ``MediaPickerState.selected_ids`` when the post is saved.
"""

from __future__ import annotations

import reflex as rx

from socialmuse.components.media_upload import media_thumb, upload_results, upload_zone
from socialmuse.state.media_picker import MediaPickerState as State

PICKER = "media-picker"
UPLOAD_ID = "media-picker-upload"


def media_picker_button(label: str = "Add media") -> rx.Component:
    return rx.button(
        rx.icon("image-plus", size=16),
        label,
        type="button",
        variant="soft",
        on_click=State.open_picker,
        id=f"{PICKER}-open",
    )


def _choice(row: rx.Var[dict[str, str]]) -> rx.Component:
    picked = State.picking.contains(row["id"])
    return rx.box(
        media_thumb(row, height="6em"),
        rx.text(row["filename"], size="1", trim="end"),
        rx.cond(
            picked,
            rx.badge(
                rx.icon("check", size=12),
                position="absolute",
                top="0.3em",
                right="0.3em",
                color_scheme="violet",
                variant="solid",
            ),
        ),
        position="relative",
        padding="0.3em",
        border_radius="var(--radius-3)",
        border=rx.cond(
            picked, f"2px solid {rx.color('accent', 9)}", f"2px solid {rx.color('gray', 4)}"
        ),
        cursor="pointer",
        role="checkbox",
        aria_checked=rx.cond(picked, "true", "false"),
        aria_label=row["filename"],
        tab_index=0,
        on_click=State.toggle(row["id"]),
        data_asset=row["filename"],
    )


def _picked(row: rx.Var[dict[str, str]]) -> rx.Component:
    error = State.alt_errors.get(row["id"], "").to(str)
    return rx.hstack(
        rx.box(media_thumb(row, height="3em"), width="4em", flex_shrink="0"),
        rx.vstack(
            rx.text(row["filename"], size="1", weight="medium", trim="end"),
            rx.input(
                default_value=row["alt_text"],
                placeholder="Alt text: describe it for people who cannot see it",
                on_blur=lambda value: State.save_alt(row["id"], value),
                aria_label="Alt text for " + row["filename"],
                size="1",
                width="100%",
                data_alt_for=row["filename"],
            ),
            rx.cond(error != "", rx.text(error, size="1", color_scheme="red", role="alert")),
            spacing="1",
            width="100%",
        ),
        width="100%",
        align="center",
        key=row["id"],
    )


def media_picker() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Choose media"),
            rx.dialog.description(
                "Tick files in the order they should appear; upload new ones here.",
                size="2",
                color_scheme="gray",
            ),
            rx.vstack(
                upload_zone(
                    UPLOAD_ID,
                    State.handle_upload(rx.upload_files(upload_id=UPLOAD_ID)),
                    compact=True,
                ),
                upload_results(
                    State.uploads, State.dismiss_uploads, element_id=f"{PICKER}-results"
                ),
                rx.form(
                    rx.hstack(
                        rx.input(
                            name="query",
                            placeholder="Search names, alt text, tags",
                            aria_label="Search media",
                            id=f"{PICKER}-search",
                            width="100%",
                        ),
                        rx.button("Search", type="submit", variant="soft"),
                        width="100%",
                    ),
                    on_submit=State.search,
                    width="100%",
                ),
                rx.cond(
                    State.assets.length() > 0,
                    rx.grid(
                        rx.foreach(State.assets, _choice),
                        columns="4",
                        spacing="2",
                        width="100%",
                        max_height="18em",
                        overflow_y="auto",
                        id=f"{PICKER}-grid",
                    ),
                    rx.text("No media here yet: upload some above.", size="2", color_scheme="gray"),
                ),
                rx.cond(
                    State.picked_rows.length() > 0,
                    rx.vstack(
                        rx.text("Chosen, in order", class_name="field-label"),
                        rx.foreach(State.picked_rows, _picked),
                        spacing="2",
                        width="100%",
                        id=f"{PICKER}-chosen",
                    ),
                ),
                rx.hstack(
                    rx.dialog.close(
                        rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                    ),
                    rx.button(
                        State.confirm_label,
                        type="button",
                        on_click=State.confirm,
                        id=f"{PICKER}-confirm",
                    ),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
                margin_top="1em",
            ),
            max_width="44em",
            id=PICKER,
        ),
        open=State.is_open,
        on_open_change=State.set_open,
    )


def selected_media() -> rx.Component:
    """The confirmed choice, as the post will carry it."""
    return rx.cond(
        State.selected.length() > 0,
        rx.hstack(
            rx.foreach(
                State.selected,
                lambda row: rx.box(
                    media_thumb(row, height="4em"),
                    rx.icon_button(
                        rx.icon("x", size=12),
                        size="1",
                        variant="solid",
                        color_scheme="gray",
                        position="absolute",
                        top="0.2em",
                        right="0.2em",
                        aria_label="Remove " + row["filename"],
                        on_click=State.remove(row["id"]),
                        type="button",
                    ),
                    rx.cond(
                        row["has_alt"] == "",
                        rx.badge("No alt text", color_scheme="amber", size="1"),
                    ),
                    position="relative",
                    width="6em",
                    data_asset=row["filename"],
                ),
            ),
            spacing="2",
            wrap="wrap",
            id=f"{PICKER}-selected",
        ),
    )
