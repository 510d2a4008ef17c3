"""Above the calendar: navigation, date picker, view switch, filters and search."""

from __future__ import annotations

import reflex as rx

from socialmuse.state.calendar import ALL, STATUS_CHOICES
from socialmuse.state.calendar import CalendarState as State


def _filter(
    label: str, name: str, value: rx.Var[str], options: rx.Var[list[dict[str, str]]]
) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray", as_="label", html_for=f"filter-{name}"),
        rx.select.root(
            rx.select.trigger(id=f"filter-{name}", aria_label=label, min_width="10em"),
            rx.select.content(
                rx.select.item(f"All {label.lower()}s", value=ALL),
                rx.foreach(
                    options,
                    lambda o: rx.select.item(o["label"], value=o["id"]),
                ),
            ),
            value=value,
            on_change=lambda v: State.set_filter(name, v),
            size="1",
        ),
        spacing="1",
    )


def _status_filter() -> rx.Component:
    return rx.vstack(
        rx.text("Status", size="1", color_scheme="gray", as_="label", html_for="filter-status"),
        rx.select.root(
            rx.select.trigger(id="filter-status", aria_label="Status", min_width="9em"),
            rx.select.content(
                rx.select.item("All statuses", value=ALL),
                *[rx.select.item(c["label"], value=c["value"]) for c in STATUS_CHOICES],
            ),
            value=State.status_filter,
            on_change=lambda v: State.set_filter("status_filter", v),
            size="1",
        ),
        spacing="1",
    )


def navigation() -> rx.Component:
    return rx.hstack(
        rx.icon_button(
            rx.icon("chevron-left"),
            variant="soft",
            on_click=State.navigate(-1),
            aria_label="Previous",
            id="calendar-prev",
        ),
        rx.button("Today", variant="soft", on_click=State.go_today, id="calendar-today"),
        rx.icon_button(
            rx.icon("chevron-right"),
            variant="soft",
            on_click=State.navigate(1),
            aria_label="Next",
            id="calendar-next",
        ),
        rx.heading(State.title, size="4", id="calendar-title"),
        rx.spacer(),
        rx.input(
            type="date",
            value=State.anchor,
            on_change=State.go_to,
            aria_label="Go to date",
            id="calendar-go-to",
            size="2",
            width="10em",
        ),
        rx.segmented_control.root(
            rx.segmented_control.item("Month", value="month"),
            rx.segmented_control.item("Week", value="week"),
            rx.segmented_control.item("Day", value="day"),
            rx.segmented_control.item("List", value="list"),
            value=State.view,
            on_change=State.set_view,
            id="calendar-views",
        ),
        spacing="3",
        align="center",
        width="100%",
        wrap="wrap",
    )


def filters() -> rx.Component:
    return rx.hstack(
        _filter("Account", "account_filter", State.account_filter, State.accounts),
        _filter("Campaign", "campaign_filter", State.campaign_filter, State.campaigns),
        _filter("Tag", "tag_filter", State.tag_filter, State.tags),
        _status_filter(),
        rx.form(
            rx.hstack(
                rx.input(
                    name="query",
                    placeholder="Search post text",
                    default_value=State.query,
                    type="search",
                    aria_label="Search post text",
                    id="calendar-search",
                    size="1",
                ),
                rx.button("Search", type="submit", size="1", variant="soft"),
                spacing="1",
            ),
            on_submit=State.search,
        ),
        rx.cond(
            State.filtered,
            rx.button(
                "Clear filters",
                size="1",
                variant="ghost",
                on_click=State.clear_filters,
                id="calendar-clear",
            ),
        ),
        spacing="3",
        align="end",
        wrap="wrap",
        width="100%",
    )
