"""Post previews that look like each network's post: who posts, the text, media, actions.

The rows come from ``ComposeState.previews`` (colours, fonts and cut-offs per network in
``state/compose_preview.py``); this module only lays them out. Instagram puts the picture
first and the caption under it; the others put the text first. Thread parts show as the
replies they become, the first comment under the post.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from reflex.vars import Var

from socialmuse.state.compose import MediaTile, PreviewRow

_ACTION_ICONS: dict[str, list[tuple[str, str]]] = {
    "x": [("message-circle", ""), ("repeat-2", ""), ("heart", ""), ("chart-bar", ""),
          ("share", "")],
    "linkedin": [("thumbs-up", "Like"), ("message-square", "Comment"), ("repeat", "Repost"),
                 ("send", "Send")],
    "facebook": [("thumbs-up", "Like"), ("message-circle", "Comment"), ("share-2", "Share")],
    "instagram": [("heart", ""), ("message-circle", ""), ("send", "")],
    "threads": [("heart", ""), ("message-circle", ""), ("repeat", ""), ("send", "")],
    "mastodon": [("reply", ""), ("repeat", ""), ("star", ""), ("bookmark", "")],
    "bluesky": [("message-square", ""), ("repeat", ""), ("heart", ""), ("ellipsis", "")],
    "sandbox": [("message-circle", ""), ("heart", "")],
}  # fmt: skip


def _avatar(row: Var[PreviewRow], size: str = "40px") -> rx.Component:
    return rx.center(
        rx.text(row.initial, weight="bold", color="white", size="3"),
        width=size,
        min_width=size,
        height=size,
        border_radius=row.avatar_radius,
        background=row.avatar_color,
        aria_hidden="true",
    )


def _header(row: Var[PreviewRow]) -> rx.Component:
    return rx.hstack(
        _avatar(row),
        rx.vstack(
            rx.text(row.name, weight="bold", size="2", color=row.foreground, class_name="pv-name"),
            rx.text(row.handle_line, size="1", color=row.muted, class_name="pv-handle"),
            spacing="0",
            align="start",
        ),
        spacing="2",
        align="center",
    )


def _tile(tile: Var[MediaTile]) -> rx.Component:
    return rx.cond(
        tile.thumbnail != "",
        rx.image(
            src=tile.thumbnail,
            alt=tile.alt_text,
            width="100%",
            height="100%",
            object_fit="cover",
            aspect_ratio="4 / 3",
            class_name="pv-media",
        ),
        rx.center(
            rx.vstack(
                rx.cond(tile.kind == "video", rx.icon("play", size=24), rx.icon("file", size=24)),
                rx.text(tile.filename, size="1", trim="both"),
                align="center",
                spacing="1",
            ),
            background="#1c2024",
            color="white",
            aspect_ratio="4 / 3",
            width="100%",
            class_name="pv-media",
        ),
    )


def _media(row: Var[PreviewRow], radius: str = "14px") -> rx.Component:
    return rx.cond(
        row.media.length() > 0,
        rx.grid(
            rx.foreach(row.media, _tile),
            grid_template_columns=row.grid_columns,
            gap="2px",
            border_radius=radius,
            overflow="hidden",
            border=f"1px solid {row.border}",
            width="100%",
            class_name="pv-media-grid",
        ),
    )


def _body(row: Var[PreviewRow], on_more: EventSpec) -> rx.Component:
    return rx.box(
        rx.html(row.html, class_name="pv-text", white_space="pre-wrap", display="inline"),
        rx.cond(
            row.folded,
            rx.el.button(
                rx.cond(row.more_label.startswith("…"), "", "… "),
                row.more_label,
                on_click=on_more,
                type="button",
                class_name="pv-more",
                style={
                    "color": row.muted,
                    "fontWeight": "600",
                    "background": "none",
                    "border": "none",
                    "cursor": "pointer",
                    "padding": "0",
                },
            ),
        ),
        color=row.foreground,
        font_size="15px",
        line_height="1.4",
        overflow_wrap="anywhere",
        width="100%",
    )


def _actions(platform: str) -> rx.Component:
    return rx.hstack(
        *[
            rx.hstack(rx.icon(icon, size=16), rx.text(label, size="1"), spacing="1")
            for icon, label in _ACTION_ICONS[platform]
        ],
        justify="between",
        width="100%",
        opacity="0.7",
        aria_hidden="true",
    )


def _footer(row: Var[PreviewRow]) -> rx.Component:
    return rx.box(
        rx.match(
            row.platform,
            *[(platform, _actions(platform)) for platform in _ACTION_ICONS],
            _actions("sandbox"),
        ),
        color=row.muted,
        width="100%",
    )


def _reply(row: Var[PreviewRow], html: Var[str], label: str) -> rx.Component:
    return rx.hstack(
        rx.box(width="2px", min_height="2em", background=row.border, margin_left="19px"),
        rx.vstack(
            rx.text(label, size="1", color=row.muted),
            rx.html(html, white_space="pre-wrap", color=row.foreground, font_size="14px"),
            spacing="1",
            align="start",
            width="100%",
        ),
        spacing="3",
        width="100%",
        class_name="pv-reply",
    )


def _problems(row: Var[PreviewRow]) -> rx.Component:
    return rx.cond(
        row.problems.length() > 0,
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle_alert")),
            rx.vstack(
                rx.foreach(row.problems, lambda p: rx.text(p, size="2")),
                spacing="1",
            ),
            color_scheme="red",
            size="1",
            class_name="pv-problems",
            role="alert",
        ),
    )


def preview_card(row: Var[PreviewRow], on_more: EventSpec) -> rx.Component:
    """One account's post as the network shows it, with its counter and problems below."""
    text_first = rx.vstack(
        _header(row),
        _body(row, on_more),
        _media(row),
        _footer(row),
        spacing="3",
        width="100%",
    )
    picture_first = rx.vstack(
        _header(row),
        rx.cond(
            row.media.length() > 0,
            _media(row, radius="0"),
            rx.center(
                rx.text("Instagram needs a picture or video", size="1"),
                aspect_ratio="1",
                width="100%",
                background="#efefef",
                color="#737373",
            ),
        ),
        _footer(row),
        rx.box(
            rx.text(row.handle_line, weight="bold", as_="span", size="2", color=row.foreground),
            " ",
            _body(row, on_more),
        ),
        spacing="2",
        width="100%",
    )
    return rx.vstack(
        rx.hstack(
            rx.badge(row.network, variant="soft"),
            rx.cond(row.overridden, rx.badge("own version", color_scheme="purple")),
            rx.spacer(),
            rx.text(
                row.count_label,
                size="1",
                color_scheme=rx.cond(row.over, "red", "gray"),
                weight=rx.cond(row.over, "bold", "regular"),
                class_name="pv-count",
            ),
            width="100%",
            align="center",
        ),
        rx.box(
            rx.cond(row.platform == "instagram", picture_first, text_first),
            rx.foreach(row.thread, lambda part, i: _reply(row, part, "Reply in thread")),
            rx.cond(
                row.first_comment_html != "",
                _reply(row, row.first_comment_html, "First comment"),
            ),
            background=row.background,
            border=f"1px solid {row.border}",
            border_radius="12px",
            padding="12px 16px",
            font_family=row.font,
            width="100%",
            class_name="pv-card",
        ),
        _problems(row),
        spacing="2",
        width="100%",
        data_preview=row.platform,
        data_account=row.account_id,
        class_name="preview",
    )
