"""The notification bell of the app's header: unread count and a menu linking to each post."""

from __future__ import annotations

import reflex as rx

from socialmuse.state.notifications import NotificationRow
from socialmuse.state.notifications import NotificationsState as State


def _item(note: rx.Var[NotificationRow]) -> rx.Component:
    return rx.menu.item(
        rx.vstack(
            rx.text(
                note.title,
                size="2",
                weight=rx.cond(note.read, "regular", "bold"),
                white_space="normal",
            ),
            rx.cond(
                note.body != "",
                rx.text(note.body, size="1", color_scheme="gray", trim="end", max_width="26em"),
            ),
            rx.text(note.when, size="1", color_scheme="gray"),
            spacing="0",
            align="start",
        ),
        on_click=State.follow(note.id, note.link),
        height="auto",
        padding_y="0.4em",
        class_name="notification",
        data_read=rx.cond(note.read, "true", "false"),
    )


@rx.memo
def notification_bell() -> rx.Component:
    """A bell with the unread count; its menu lists the latest notifications.

    A memo, so its mount hook (reading the count) runs when the shell appears, after login.
    """
    return rx.box(_bell(), on_mount=State.load)


def _bell() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.icon("bell", size=18),
                rx.cond(
                    State.badge != "",
                    rx.badge(State.badge, color_scheme="red", variant="solid", id="bell-count"),
                ),
                variant="ghost",
                id="notification-bell",
                aria_label="Notifications",
            ),
        ),
        rx.menu.content(
            rx.cond(
                State.items.length() > 0,
                rx.fragment(
                    rx.foreach(State.items, _item),
                    rx.menu.separator(),
                    rx.menu.item("Mark all as read", on_click=State.mark_all_read),
                ),
                rx.box(
                    rx.text("Nothing new. Reviews, decisions and comments appear here.", size="2"),
                    padding="0.5em 0.75em",
                ),
            ),
            max_width="28em",
            max_height="70vh",
            overflow_y="auto",
            id="notification-menu",
        ),
        on_open_change=State.opened,
    )
