"""Form fields that show a service's refusal right under the input the person typed in."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import Var

from socialmuse.state.forms import FORM


def error_text(error: Var[str], *, element_id: str) -> rx.Component:
    """The message for one field, announced to screen readers when it appears."""
    return rx.cond(
        error != "",
        rx.text(error, id=element_id, color_scheme="red", size="2", role="alert"),
    )


def text_field(
    label: str,
    name: str,
    errors: Var[dict[str, str]],
    *,
    form_id: str,
    field_type: str = "text",
    **input_props: Any,
) -> rx.Component:
    """Label, input and its error; ids are ``{form_id}-{name}`` and ``…-error``."""
    error = errors.get(name, "").to(str)
    return rx.vstack(
        rx.el.label(label, html_for=f"{form_id}-{name}", class_name="field-label"),
        rx.input(
            name=name,
            id=f"{form_id}-{name}",
            type=field_type,
            width="100%",
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=f"{form_id}-{name}-error",
            color_scheme=rx.cond(error != "", "red", "gray"),
            **input_props,
        ),
        error_text(error, element_id=f"{form_id}-{name}-error"),
        spacing="1",
        width="100%",
        align="stretch",
    )


def text_area_field(
    label: str, name: str, errors: Var[dict[str, str]], *, form_id: str, **props: Any
) -> rx.Component:
    """A multi-line field, same contract as ``text_field``."""
    error = errors.get(name, "").to(str)
    return rx.vstack(
        rx.el.label(label, html_for=f"{form_id}-{name}", class_name="field-label"),
        rx.text_area(name=name, id=f"{form_id}-{name}", width="100%", rows="3", **props),
        error_text(error, element_id=f"{form_id}-{name}-error"),
        spacing="1",
        width="100%",
        align="stretch",
    )


def timezone_field(
    errors: Var[dict[str, str]],
    *,
    form_id: str,
    default_value: str | Var[str] = "UTC",
    list_id: str = "timezone-choices",
) -> rx.Component:
    """An IANA timezone picker: type to filter the list; the service rejects unknown names.

    Pair it with one ``timezone_datalist`` on the page.
    """
    return text_field(
        "Timezone",
        "timezone",
        errors,
        form_id=form_id,
        list=list_id,
        default_value=default_value,
        placeholder="e.g. Europe/Paris",
        auto_complete="off",
    )


def timezone_datalist(choices: list[str], *, list_id: str = "timezone-choices") -> rx.Component:
    """The options behind every ``timezone_field`` of a page, rendered once at compile time."""
    return rx.el.datalist(*[rx.el.option(value=tz) for tz in choices], id=list_id)


def form_error(errors: Var[dict[str, str]], *, form_id: str) -> rx.Component:
    """A refusal that belongs to no single field, shown above the submit button."""
    error = errors.get(FORM, "").to(str)
    return rx.cond(
        error != "",
        rx.callout(
            error, icon="triangle_alert", color_scheme="red", id=f"{form_id}-error", width="100%"
        ),
    )
