"""Calendar: the current brand's posts by month, week, day or as a list, in its timezone.

Drag a post to another day or hour to move it, or use its menu (Move to…, Duplicate, Add to
queue); filter by account, campaign, tag and status, and search the posts' text.
"""

import reflex as rx

from socialmuse import routes
from socialmuse.components.calendar_labels import labels_dialog
from socialmuse.components.calendar_move import drop_form, move_dialog
from socialmuse.components.calendar_toolbar import filters, navigation
from socialmuse.components.calendar_views import current_view
from socialmuse.components.empty_state import empty_state
from socialmuse.components.layout import protected_page
from socialmuse.state.calendar import CalendarState as State
from socialmuse.state.shell import ShellState


def _body() -> rx.Component:
    return rx.vstack(
        navigation(),
        filters(),
        rx.hstack(
            rx.text(
                "Times in ",
                rx.text.strong(State.timezone, id="calendar-timezone"),
                " (",
                State.brand_name,
                "'s timezone). Drag a post to move it, or use its ⋯ menu.",
                size="2",
                color_scheme="gray",
            ),
            rx.spacer(),
            rx.link(
                rx.button(
                    rx.icon("file-spreadsheet", size=14),
                    "CSV import / export",
                    size="1",
                    variant="soft",
                ),
                href=routes.CALENDAR_IMPORT,
            ),
            labels_dialog(),
            spacing="2",
            width="100%",
            align="center",
        ),
        current_view(),
        drop_form(),
        move_dialog(),
        spacing="4",
        width="100%",
        id="calendar",
        data_view=State.view,
    )


def _no_brand() -> rx.Component:
    return rx.box(
        empty_state(
            "calendar-days",
            "Nothing scheduled",
            "The calendar shows one brand's posts, in its timezone: create a brand and "
            "connect its accounts, then schedule from Compose or import a CSV.",
            rx.link("Create a brand", href=routes.SETTINGS_BRANDS),
        ),
        id="calendar-no-brand",
        width="100%",
    )


@protected_page(routes.CALENDAR, "Calendar", on_load=[State.load])
def calendar() -> rx.Component:
    return rx.cond(
        State.brand_id == ShellState.brand_id,
        rx.cond(State.brand_id != "", _body(), _no_brand()),
        # The person switched brands: reload for the new one before showing anything.
        rx.center(rx.spinner(), on_mount=State.load, width="100%"),
    )
