"""The "Campaigns & tags" dialog on the calendar.

Create, rename, recolour and archive campaigns; rename, recolour and delete tags (tags are
created where posts are written).
"""

from __future__ import annotations

import reflex as rx

from socialmuse.components.forms import error_text
from socialmuse.state.calendar_labels import CalendarLabelsState as State


def _colour(default: rx.Var[str] | str, label: rx.Var[str] | str) -> rx.Component:
    return rx.el.input(
        type="color",
        name="color",
        default_value=default,
        aria_label=label,
        style={"width": "2.2em", "height": "2em", "border": "none", "background": "none"},
    )


def _campaign_row(campaign: rx.Var[dict[str, str]]) -> rx.Component:
    key = "campaign-" + campaign["id"]
    return rx.vstack(
        rx.form(
            rx.hstack(
                rx.el.input(type="hidden", name="id", value=campaign["id"]),
                _colour(campaign["color"], "Colour of " + campaign["name"]),
                rx.input(
                    name="name",
                    default_value=campaign["name"],
                    aria_label="Name of campaign " + campaign["name"],
                    size="1",
                ),
                rx.button("Save", type="submit", size="1", variant="soft"),
                rx.button(
                    "Archive",
                    type="button",
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    on_click=State.archive_campaign(campaign["id"]),
                ),
                spacing="2",
                align="center",
            ),
            on_submit=State.update_campaign,
        ),
        error_text(State.errors.get(key, "").to(str), element_id=key + "-error"),
        spacing="1",
        data_campaign=campaign["name"],
    )


def _tag_row(tag: rx.Var[dict[str, str]]) -> rx.Component:
    key = "tag-" + tag["id"]
    return rx.vstack(
        rx.form(
            rx.hstack(
                rx.el.input(type="hidden", name="id", value=tag["id"]),
                _colour(tag["color"], "Colour of tag " + tag["name"]),
                rx.input(
                    name="name",
                    default_value=tag["name"],
                    aria_label="Name of tag " + tag["name"],
                    size="1",
                ),
                rx.button("Save", type="submit", size="1", variant="soft"),
                rx.button(
                    "Delete",
                    type="button",
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    on_click=State.delete_tag(tag["id"]),
                ),
                spacing="2",
                align="center",
            ),
            on_submit=State.update_tag,
        ),
        error_text(State.errors.get(key, "").to(str), element_id=key + "-error"),
        spacing="1",
        data_tag=tag["name"],
    )


def labels_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("tags", size=14),
                "Campaigns & tags",
                size="1",
                variant="soft",
                id="calendar-labels",
            )
        ),
        rx.dialog.content(
            rx.dialog.title("Campaigns & tags"),
            rx.vstack(
                rx.heading("Campaigns", size="3"),
                rx.foreach(State.campaigns, _campaign_row),
                rx.form(
                    rx.hstack(
                        _colour("#3E63DD", "Colour of the new campaign"),
                        rx.input(
                            name="name",
                            placeholder="New campaign",
                            aria_label="New campaign name",
                            id="new-campaign-name",
                            size="1",
                        ),
                        rx.button("Add campaign", type="submit", size="1", id="new-campaign-add"),
                        spacing="2",
                        align="center",
                    ),
                    on_submit=State.create_campaign,
                    key=State.version,
                ),
                error_text(
                    State.errors.get("campaign-new", "").to(str), element_id="campaign-new-error"
                ),
                rx.heading("Tags", size="3"),
                rx.cond(
                    State.tags.length() > 0,
                    rx.vstack(rx.foreach(State.tags, _tag_row), spacing="2"),
                    rx.text(
                        "No tags yet: add them to posts in Compose.", size="2", color_scheme="gray"
                    ),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="36em",
        ),
        open=State.open,
        on_open_change=State.set_open,
    )
