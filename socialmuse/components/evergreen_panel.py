"""The "Evergreen" card on a post's page: recycle a published post on a rule."""

from __future__ import annotations

import reflex as rx

from socialmuse.components.forms import error_text, form_error
from socialmuse.state.calendar_evergreen import SEPARATOR
from socialmuse.state.calendar_evergreen import EvergreenState as State

FORM_ID = "evergreen"


def _number(label: str, name: str, value: rx.Var[str]) -> rx.Component:
    error = State.errors.get(name, "").to(str)
    return rx.vstack(
        rx.el.label(label, html_for=f"{FORM_ID}-{name}", class_name="field-label"),
        rx.input(
            type="number",
            name=name,
            id=f"{FORM_ID}-{name}",
            default_value=value,
            min="0",
            width="7em",
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=f"{FORM_ID}-{name}-error",
        ),
        error_text(error, element_id=f"{FORM_ID}-{name}-error"),
        spacing="1",
    )


def _form() -> rx.Component:
    variations_error = State.errors.get("variations", "").to(str)
    return rx.form(
        rx.vstack(
            rx.hstack(
                _number("Every (days)", "interval_days", State.interval_days),
                _number("At most (copies)", "max_recycles", State.max_recycles),
                _number("Cooldown (days)", "cooldown_days", State.cooldown_days),
                spacing="4",
                wrap="wrap",
            ),
            rx.el.label(
                f"Text variations (one per block, separated by a line with only {SEPARATOR})",
                html_for=f"{FORM_ID}-variations",
                class_name="field-label",
            ),
            rx.text_area(
                name="variations",
                id=f"{FORM_ID}-variations",
                default_value=State.variations,
                rows="5",
                width="100%",
                aria_describedby=f"{FORM_ID}-variations-error",
            ),
            error_text(variations_error, element_id=f"{FORM_ID}-variations-error"),
            form_error(State.errors, form_id=FORM_ID),
            rx.hstack(
                rx.button(
                    rx.cond(State.marked, "Save rule", "Make evergreen"),
                    type="submit",
                    id=f"{FORM_ID}-submit",
                ),
                rx.cond(
                    State.marked,
                    rx.button(
                        "Stop recycling",
                        type="button",
                        variant="soft",
                        color_scheme="red",
                        on_click=State.stop,
                        id=f"{FORM_ID}-stop",
                    ),
                ),
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=State.save,
        key=State.version,
        width="100%",
    )


def _card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("recycle"),
                rx.heading("Evergreen", size="4"),
                rx.cond(
                    State.marked,
                    rx.badge(
                        rx.cond(State.active, "recycling", "finished"),
                        color_scheme=rx.cond(State.active, "green", "gray"),
                        id="evergreen-state",
                    ),
                ),
                align="center",
                spacing="2",
            ),
            rx.text(
                "Publish this post again on a rhythm. Each copy uses the next text variation "
                "(so networks do not reject it as a duplicate) and goes to the next free "
                "posting slot.",
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                State.summary != "",
                rx.text(
                    State.summary,
                    rx.cond(State.next_at != "", rx.text.span("; next on ", State.next_at)),
                    ".",
                    size="2",
                    id="evergreen-summary",
                ),
            ),
            _form(),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="evergreen-panel",
    )


def evergreen_panel() -> rx.Component:
    """Shown once the rule is read; copies rotate the variations so none repeats the last."""
    return rx.box(
        rx.cond(State.available, _card()),
        on_mount=State.load,
        width="100%",
    )
