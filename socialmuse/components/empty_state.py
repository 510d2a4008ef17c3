"""The honest placeholder: says what will appear here and what makes it appear."""

from __future__ import annotations

import reflex as rx


def empty_state(icon: str, title: str, body: str, *children: rx.Component) -> rx.Component:
    """A calm box with an icon, a title and one or two sentences; never sample numbers."""
    return rx.card(
        rx.vstack(
            rx.icon(icon, size=32, color=rx.color("gray", 9)),
            rx.heading(title, size="4"),
            rx.text(body, color_scheme="gray", text_align="center", max_width="32em"),
            *children,
            align="center",
            spacing="3",
            padding="2em",
        ),
        width="100%",
        class_name="empty-state",
    )
