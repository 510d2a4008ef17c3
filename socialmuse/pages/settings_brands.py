"""Settings → Brands."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.approval_policy_form import approval_policy_form
from socialmuse.components.forms import (
    form_error,
    text_area_field,
    text_field,
    timezone_datalist,
    timezone_field,
)
from socialmuse.components.guardrails_form import guardrails_form
from socialmuse.components.layout import protected_page
from socialmuse.components.settings_nav import settings_nav
from socialmuse.state.brands import TIMEZONES
from socialmuse.state.brands import BrandsState as State


def _edit_form(brand: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.form(
        rx.vstack(
            text_field(
                "Name", "name", State.edit_errors, form_id="edit-brand", default_value=brand["name"]
            ),
            timezone_field(
                State.edit_errors, form_id="edit-brand", default_value=brand["timezone"]
            ),
            text_area_field(
                "Voice",
                "voice",
                State.edit_errors,
                form_id="edit-brand",
                default_value=brand["voice"],
            ),
            form_error(State.edit_errors, form_id="edit-brand"),
            rx.hstack(
                rx.button("Save", type="submit", id="edit-brand-submit"),
                rx.button(
                    "Cancel",
                    type="button",
                    variant="soft",
                    color_scheme="gray",
                    on_click=State.cancel_edit,
                ),
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=State.save_edit,
        width="100%",
    )


def _row(brand: rx.Var[dict[str, str]]) -> rx.Component:
    archived = brand["status"] == "archived"
    return rx.table.row(
        rx.table.row_header_cell(brand["name"]),
        rx.table.cell(brand["timezone"]),
        rx.table.cell(rx.text(brand["voice"], trim="end", max_width="20em", size="2")),
        rx.table.cell(rx.badge(brand["status"], color_scheme=rx.cond(archived, "gray", "green"))),
        rx.table.cell(
            rx.hstack(
                rx.button("Edit", size="1", variant="soft", on_click=State.start_edit(brand["id"])),
                rx.cond(
                    archived,
                    rx.button(
                        "Restore",
                        size="1",
                        variant="soft",
                        color_scheme="green",
                        on_click=State.restore(brand["id"]),
                    ),
                    rx.button(
                        "Archive",
                        size="1",
                        variant="soft",
                        color_scheme="gray",
                        on_click=State.archive(brand["id"]),
                    ),
                ),
            ),
        ),
        data_brand=brand["name"],
    )


def _editing_row(brand: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(_edit_form(brand), approval_policy_form(), col_span=5),
        key=brand["id"],
    )


def _brand_table() -> rx.Component:
    return rx.cond(
        State.brands.length() > 0,
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(h)
                        for h in ("Name", "Timezone", "Voice", "Status", "")
                    ]
                ),
            ),
            rx.table.body(
                rx.foreach(
                    State.brands,
                    lambda b: rx.cond(State.editing_id == b["id"], _editing_row(b), _row(b)),
                ),
            ),
            width="100%",
            id="brand-table",
        ),
        rx.text(
            "No brands yet. Create the first one below: posts, schedules and "
            "accounts all belong to a brand.",
            color_scheme="gray",
            id="brands-empty",
        ),
    )


def _create_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("New brand", size="4"),
            text_field("Name", "name", State.create_errors, form_id="create-brand"),
            timezone_field(State.create_errors, form_id="create-brand"),
            text_area_field(
                "Voice",
                "voice",
                State.create_errors,
                form_id="create-brand",
                placeholder="How this brand sounds: tone, words to use or avoid",
            ),
            form_error(State.create_errors, form_id="create-brand"),
            rx.button("Create brand", type="submit", id="create-brand-submit"),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=State.create,
        key=State.create_version,
        width="100%",
    )


@protected_page(routes.SETTINGS_BRANDS, "Brands", on_load=[State.load])
def settings_brands() -> rx.Component:
    return rx.vstack(
        settings_nav(),
        rx.hstack(
            rx.switch(
                checked=State.show_archived, on_change=State.set_show_archived, id="show-archived"
            ),
            rx.el.label("Show archived brands", html_for="show-archived"),
            align="center",
        ),
        _brand_table(),
        rx.card(_create_form(), width="100%", max_width="36em"),
        guardrails_form(),
        timezone_datalist(TIMEZONES),
        spacing="5",
        width="100%",
    )
