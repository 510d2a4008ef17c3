"""One post on the calendar: time, network dots, status badge, excerpt, and its actions.

The card is draggable (``components/calendar_move.py`` handles the drop); its menu offers
the same moves without a mouse: Open, Move to…, Duplicate and, for drafts, Add to queue.
"""

from __future__ import annotations

import reflex as rx

from socialmuse.state.calendar import CalendarState as State
from socialmuse.state.calendar_grid import EntryView, NetworkDot


def _dot(dot: rx.Var[NetworkDot]) -> rx.Component:
    return rx.box(
        width="0.6em",
        height="0.6em",
        border_radius="50%",
        background=dot.color,
        flex_shrink="0",
        title=dot.label + " @" + dot.handle + " · " + dot.status,
        aria_label=dot.label,
        role="img",
        class_name="network-dot",
        data_network=dot.label,
    )


def _menu(entry: rx.Var[EntryView]) -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(
                rx.icon("ellipsis", size=14),
                size="1",
                variant="ghost",
                color_scheme="gray",
                aria_label="Actions for post " + entry.id,
                class_name="entry-actions",
            ),
        ),
        rx.menu.content(
            rx.menu.item("Open", on_select=State.open_post(entry.id)),
            rx.cond(
                entry.movable,
                rx.menu.item(
                    "Move to…",
                    on_select=State.start_move(entry.id, entry.local_iso),
                    class_name="entry-move",
                ),
            ),
            rx.cond(
                entry.queueable,
                rx.menu.item("Add to queue", on_select=State.queue(entry.id)),
            ),
            rx.menu.item(
                "Duplicate", on_select=State.duplicate(entry.id), class_name="entry-duplicate"
            ),
            size="1",
        ),
    )


def entry_card(entry: rx.Var[EntryView], *, show_date: bool = False) -> rx.Component:
    """A compact card; ``show_date`` adds the day (list view rows)."""
    return rx.box(
        rx.hstack(
            rx.text(
                rx.cond(show_date, entry.date + " ", ""),
                entry.time,
                size="1",
                weight="bold",
                class_name="entry-time",
            ),
            rx.hstack(rx.foreach(entry.networks, _dot), spacing="1", align="center"),
            rx.badge(
                entry.status_label,
                color_scheme=entry.status_color,
                size="1",
                class_name="entry-status",
            ),
            rx.cond(entry.evergreen, rx.icon("recycle", size=12, aria_label="evergreen")),
            rx.spacer(),
            _menu(entry),
            spacing="1",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.link(
            rx.text(entry.excerpt, size="1", class_name="entry-text"),
            href=entry.href,
            underline="hover",
            color=rx.color("gray", 12),
        ),
        rx.cond(
            entry.campaign != "",
            rx.text(
                entry.campaign,
                size="1",
                color=entry.campaign_color,
                weight="medium",
                class_name="entry-campaign",
            ),
        ),
        rx.cond(entry.tags != "", rx.text("# ", entry.tags, size="1", color_scheme="gray")),
        padding="0.25em 0.4em",
        border_radius="6px",
        border_left=rx.cond(
            entry.campaign_color != "",
            "3px solid " + entry.campaign_color,
            f"3px solid {rx.color('accent', 8)}",
        ),
        background=rx.color("gray", 2),
        box_shadow=f"0 0 0 1px {rx.color('gray', 5)}",
        width="100%",
        cursor=rx.cond(entry.movable, "grab", "default"),
        class_name="calendar-entry",
        data_post_id=entry.id,
        data_status=entry.status,
        data_local_time=entry.time,
        data_local=entry.local_iso,
        custom_attrs={"draggable": rx.cond(entry.movable, "true", "false")},
    )
