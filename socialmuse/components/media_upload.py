"""The drop zone and the per-file results shared by the media page and the media picker.

Files are sent as soon as they are dropped or chosen; the server judges each one by its
bytes, and the results list says, per file, whether it was added and why not.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType
from reflex.vars import Var


def upload_zone(upload_id: str, on_drop: EventType, *, compact: bool = False) -> rx.Component:
    """A click-or-drop area taking several files at once (``#{upload_id}``)."""
    return rx.upload.root(
        rx.vstack(
            rx.icon("cloud-upload", size=20 if compact else 28, color=rx.color("gray", 10)),
            rx.text(
                "Drop images, GIFs, videos or PDFs here, or ",
                rx.text.strong("click to choose"),
                size="2",
            ),
            rx.cond(
                compact,
                rx.fragment(),
                rx.text(
                    "JPEG, PNG, GIF, WebP up to 16 MB; MP4 and MOV videos up to 1 GB; "
                    "PDF up to 100 MB. Files are checked by their content, not their name.",
                    size="1",
                    color_scheme="gray",
                ),
            ),
            align="center",
            spacing="1",
        ),
        id=upload_id,
        multiple=True,
        on_drop=on_drop,
        border=f"1px dashed {rx.color('gray', 8)}",
        border_radius="var(--radius-3)",
        padding="0.75em" if compact else "1.25em",
        width="100%",
        cursor="pointer",
    )


def _result(row: Var[dict[str, str]]) -> rx.Component:
    ok = row["ok"] != ""
    return rx.hstack(
        rx.icon(
            rx.cond(ok, "circle-check", "circle-x"),
            size=16,
            color=rx.cond(ok, rx.color("green", 10), rx.color("red", 10)),
            flex_shrink="0",
            margin_top="0.15em",
        ),
        rx.cond(
            ok,
            rx.text(rx.text.strong(row["filename"]), ": ", row["message"], size="2"),
            # Refusals already name the file.
            rx.text(row["message"], size="2"),
        ),
        align="start",
        spacing="2",
        data_file=row["filename"],
        data_ok=rx.cond(ok, "yes", "no"),
        role=rx.cond(ok, "status", "alert"),
    )


def upload_results(
    results: Var[list[dict[str, str]]], on_dismiss: EventType, *, element_id: str
) -> rx.Component:
    """What happened to each file of the last upload, refusals in the file's own words."""
    return rx.cond(
        results.length() > 0,
        rx.card(
            rx.hstack(
                rx.vstack(rx.foreach(results, _result), spacing="1", width="100%"),
                rx.icon_button(
                    rx.icon("x", size=14),
                    size="1",
                    variant="ghost",
                    color_scheme="gray",
                    aria_label="Dismiss upload results",
                    on_click=on_dismiss,
                ),
                width="100%",
                align="start",
            ),
            id=element_id,
            width="100%",
        ),
    )


def media_thumb(row: Var[dict[str, str]], *, height: str = "8em") -> rx.Component:
    """The asset's thumbnail (posters for videos and PDFs are generated on upload)."""
    return rx.box(
        rx.image(
            src=row["thumb"],
            alt=rx.cond(row["alt_text"] != "", row["alt_text"], row["filename"]),
            width="100%",
            height=height,
            object_fit="cover",
            loading="lazy",
            class_name="media-thumb",
        ),
        rx.cond(
            row["kind"] != "image",
            rx.badge(row["kind_label"], position="absolute", top="0.4em", left="0.4em"),
        ),
        position="relative",
        width="100%",
        background=rx.color("gray", 3),
        border_radius="var(--radius-2)",
        overflow="hidden",
    )
