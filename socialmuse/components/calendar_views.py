"""The four calendar views: month, week, day and list.

Day cells and hour slots carry ``data-drop-date`` (and ``data-drop-hour``) so a post dropped
on them moves there (``calendar_move.DND_SCRIPT``).
"""

from __future__ import annotations

import reflex as rx

from socialmuse.components.calendar_entry import entry_card
from socialmuse.state.calendar import CalendarState as State
from socialmuse.state.calendar_grid import WEEKDAY_SHORT, DayCell, EntryView, SlotCell

SLOT_HEIGHT = "3.4em"


def _month_day(day: rx.Var[DayCell]) -> rx.Component:
    return rx.vstack(
        rx.button(
            day.number,
            size="1",
            variant=rx.cond(day.today, "solid", "ghost"),
            color_scheme=rx.cond(day.in_period, "gray", "gray"),
            on_click=State.open_day(day.date),
            aria_label="Open " + day.label,
            class_name="day-number",
            opacity=rx.cond(day.in_period, "1", "0.5"),
        ),
        rx.foreach(day.posts, lambda e: entry_card(e)),
        spacing="1",
        align="start",
        min_height="7em",
        padding="0.3em",
        background=rx.cond(day.in_period, rx.color("gray", 1), rx.color("gray", 3)),
        border=f"1px solid {rx.color('gray', 4)}",
        overflow="hidden",
        class_name="calendar-day",
        data_date=day.date,
        data_drop_date=day.date,
    )


def month_view() -> rx.Component:
    return rx.box(
        rx.grid(
            *[rx.text(d, size="1", weight="bold", align="center") for d in WEEKDAY_SHORT],
            columns="7",
            width="100%",
        ),
        rx.grid(
            rx.foreach(State.days, _month_day),
            columns="repeat(7, minmax(0, 1fr))",
            width="100%",
        ),
        width="100%",
        id="calendar-month",
    )


def _slot(slot: rx.Var[SlotCell]) -> rx.Component:
    return rx.vstack(
        rx.foreach(slot.posts, lambda e: entry_card(e)),
        spacing="1",
        padding="0.15em",
        border_top=f"1px solid {rx.color('gray', 4)}",
        border_left=f"1px solid {rx.color('gray', 4)}",
        width="100%",
        min_width="0",
        class_name="calendar-slot",
        data_date=slot.date,
        data_hour=slot.hour,
        data_drop_date=slot.date,
        data_drop_hour=slot.hour,
        aria_label=slot.date + " " + slot.label,
    )


def _hour_labels() -> list[rx.Component]:
    """The first column of the hour grid (in the same grid, so rows line up)."""
    return [
        rx.text(f"{h:02d}:00", size="1", color_scheme="gray", padding_right="0.4em")
        for h in range(24)
    ]


def _day_header(day: rx.Var[DayCell]) -> rx.Component:
    return rx.button(
        day.label,
        size="1",
        variant=rx.cond(day.today, "solid", "ghost"),
        on_click=State.open_day(day.date),
        height="2em",
        class_name="day-number",
    )


def _hour_grid(columns: str, element_id: str) -> rx.Component:
    """Day headers, then hour labels and every hour slot; slots flow down each day's column."""
    template = f"3.5em {columns}"
    return rx.vstack(
        rx.grid(
            rx.box(),
            rx.foreach(State.days, _day_header),
            grid_template_columns=template,
            width="100%",
        ),
        rx.grid(
            *_hour_labels(),
            rx.foreach(State.slots, _slot),
            grid_template_columns=template,
            grid_template_rows=f"repeat(24, minmax({SLOT_HEIGHT}, auto))",
            grid_auto_flow="column",
            width="100%",
        ),
        spacing="0",
        width="100%",
        id=element_id,
    )


def week_view() -> rx.Component:
    return _hour_grid("repeat(7, minmax(0, 1fr))", "calendar-week")


def day_view() -> rx.Component:
    return _hour_grid("minmax(0, 1fr)", "calendar-day-view")


def _list_day(day: rx.Var[DayCell]) -> rx.Component:
    return rx.vstack(
        rx.heading(day.label, size="3"),
        rx.foreach(day.posts, lambda e: entry_card(e)),
        spacing="2",
        width="100%",
        class_name="calendar-day",
        data_date=day.date,
        data_drop_date=day.date,
    )


def _unscheduled(entry: rx.Var[EntryView]) -> rx.Component:
    return entry_card(entry)


def list_view() -> rx.Component:
    return rx.vstack(
        rx.cond(
            State.days.length() > 0,
            rx.vstack(rx.foreach(State.days, _list_day), spacing="4", width="100%"),
            rx.text("No posts in this period.", color_scheme="gray", id="calendar-list-empty"),
        ),
        rx.cond(
            State.unscheduled.length() > 0,
            rx.vstack(
                rx.heading("Drafts without a time", size="3"),
                rx.foreach(State.unscheduled, _unscheduled),
                spacing="2",
                width="100%",
                id="calendar-unscheduled",
            ),
        ),
        spacing="5",
        width="100%",
        max_width="48em",
        id="calendar-list",
    )


def current_view() -> rx.Component:
    return rx.match(
        State.view,
        ("week", week_view()),
        ("day", day_view()),
        ("list", list_view()),
        month_view(),
    )
