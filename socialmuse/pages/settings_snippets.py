"""Settings → Snippets: templates, signatures and hashtag groups for the composer."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.forms import form_error, text_area_field, text_field
from socialmuse.components.layout import protected_page
from socialmuse.components.settings_nav import settings_nav
from socialmuse.services.snippets import KIND_LABELS
from socialmuse.state.snippets import SnippetsState as State

FORM_ID = "new-snippet"


def _create_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.vstack(
                rx.el.label("Kind", html_for=f"{FORM_ID}-kind", class_name="field-label"),
                rx.select.root(
                    rx.select.trigger(id=f"{FORM_ID}-kind", aria_label="Kind"),
                    rx.select.content(
                        *[
                            rx.select.item(label, value=kind.value)
                            for kind, label in KIND_LABELS.items()
                        ]
                    ),
                    name="kind",
                    default_value="template",
                ),
                spacing="1",
            ),
            text_field("Name", "name", State.errors, form_id=FORM_ID),
            text_area_field(
                "Text",
                "body",
                State.errors,
                form_id=FORM_ID,
                placeholder="Templates may use variables like {brand} and {link}. "
                "Hashtag groups: words or #tags separated by spaces.",
            ),
            rx.text(
                rx.flex(
                    rx.checkbox(name="shared", id=f"{FORM_ID}-shared"),
                    "Share with every brand",
                    spacing="2",
                ),
                as_="label",
                size="2",
            ),
            form_error(State.errors, form_id=FORM_ID),
            rx.button("Add snippet", type="submit", id=f"{FORM_ID}-submit"),
            spacing="3",
            width="100%",
        ),
        on_submit=State.create,
        reset_on_submit=False,
        key=State.form_version,
        width="100%",
    )


def _edit_form(row: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.form(
        rx.vstack(
            text_field(
                "Name", "name", State.edit_errors, form_id="edit-snippet", default_value=row["name"]
            ),
            text_area_field(
                "Text", "body", State.edit_errors, form_id="edit-snippet", default_value=row["body"]
            ),
            form_error(State.edit_errors, form_id="edit-snippet"),
            rx.hstack(
                rx.button("Save", type="submit", id="edit-snippet-submit"),
                rx.button(
                    "Cancel",
                    type="button",
                    variant="soft",
                    color_scheme="gray",
                    on_click=State.cancel_edit,
                ),
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=State.save_edit,
        width="100%",
    )


def _row(row: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.badge(row["kind_label"])),
        rx.table.row_header_cell(row["name"]),
        rx.table.cell(
            rx.cond(
                State.editing == row["id"],
                _edit_form(row),
                rx.text(row["body"], white_space="pre-wrap", size="2", max_width="30em"),
            )
        ),
        rx.table.cell(rx.text(row["scope"], size="2", color_scheme="gray")),
        rx.table.cell(
            rx.hstack(
                rx.button("Edit", size="1", variant="soft", on_click=State.start_edit(row["id"])),
                rx.alert_dialog.root(
                    rx.alert_dialog.trigger(
                        rx.button("Delete", size="1", variant="soft", color_scheme="red")
                    ),
                    rx.alert_dialog.content(
                        rx.alert_dialog.title("Delete this snippet?"),
                        rx.alert_dialog.description(
                            "Posts that used it keep their text; it just leaves the composer's "
                            "menus."
                        ),
                        rx.hstack(
                            rx.alert_dialog.cancel(rx.button("Keep it", variant="soft")),
                            rx.alert_dialog.action(
                                rx.button(
                                    "Delete snippet",
                                    color_scheme="red",
                                    on_click=State.delete(row["id"]),
                                )
                            ),
                            justify="end",
                            spacing="3",
                        ),
                    ),
                ),
                spacing="2",
            )
        ),
        data_snippet=row["name"],
    )


@protected_page(routes.SETTINGS_SNIPPETS, "Snippets", on_load=[State.load])
def settings_snippets() -> rx.Component:
    return rx.vstack(
        settings_nav(),
        rx.text(
            "Text the composer inserts in one click: templates to start a post from, "
            "signatures to end it, and groups of hashtags.",
            color_scheme="gray",
        ),
        rx.cond(
            State.snippets.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(h)
                            for h in ("Kind", "Name", "Text", "For", "")
                        ]
                    )
                ),
                rx.table.body(rx.foreach(State.snippets, _row)),
                width="100%",
                id="snippet-table",
            ),
            rx.text("No snippets yet.", color_scheme="gray", id="snippets-empty"),
        ),
        rx.card(
            rx.heading("New snippet", size="3", margin_bottom="0.5em"),
            _create_form(),
            width="100%",
            max_width="40em",
        ),
        spacing="5",
        width="100%",
    )
