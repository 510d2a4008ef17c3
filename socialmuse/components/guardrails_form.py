"""The guardrails section of Settings → Brands (one line in that page includes it)."""

from __future__ import annotations

import reflex as rx

from socialmuse.components.forms import error_text, form_error
from socialmuse.state.guardrails import GuardrailsState as State
from socialmuse.state.shell import ShellState

FORM_ID = "guardrails"


def _area(label: str, name: str, value: rx.Var[str], hint: str) -> rx.Component:
    error = State.errors.get(name, "").to(str)
    return rx.vstack(
        rx.el.label(label, html_for=f"{FORM_ID}-{name}", class_name="field-label"),
        rx.text(hint, size="1", color_scheme="gray"),
        rx.text_area(
            name=name,
            id=f"{FORM_ID}-{name}",
            default_value=value,
            rows="3",
            width="100%",
            aria_invalid=rx.cond(error != "", "true", "false"),
        ),
        error_text(error, element_id=f"{FORM_ID}-{name}-error"),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _form() -> rx.Component:
    disclosure_error = State.errors.get("required_disclosure", "").to(str)
    return rx.form(
        rx.vstack(
            _area(
                "Banned words",
                "banned_words",
                State.banned_words,
                "One per line. Matched as whole words, in any case.",
            ),
            _area(
                "Banned claims",
                "banned_claims",
                State.banned_claims,
                "One phrase per line, e.g. “clinically proven”.",
            ),
            rx.el.label("Required disclosure", html_for=f"{FORM_ID}-required_disclosure"),
            rx.input(
                name="required_disclosure",
                id=f"{FORM_ID}-required_disclosure",
                default_value=State.required_disclosure,
                placeholder="e.g. #ad",
                width="100%",
            ),
            error_text(disclosure_error, element_id=f"{FORM_ID}-required_disclosure-error"),
            form_error(State.errors, form_id=FORM_ID),
            rx.button("Save guardrails", type="submit", id=f"{FORM_ID}-save"),
            spacing="2",
            width="100%",
            align="start",
        ),
        on_submit=State.save,
        key=State.brand_id + "-" + State.version.to(str),
        width="100%",
    )


def _sample() -> rx.Component:
    return rx.vstack(
        rx.el.label("Check a text against the saved rules", html_for=f"{FORM_ID}-sample"),
        rx.hstack(
            rx.input(
                value=State.sample,
                on_change=State.set_sample,
                id=f"{FORM_ID}-sample",
                width="100%",
            ),
            rx.button("Check", variant="soft", on_click=State.check_sample, id=f"{FORM_ID}-check"),
            width="100%",
        ),
        rx.cond(
            State.sample_checked,
            rx.cond(
                State.sample_problems.length() > 0,
                rx.callout(
                    rx.foreach(State.sample_problems, lambda m: rx.text(m)),
                    icon="triangle_alert",
                    color_scheme="amber",
                    id=f"{FORM_ID}-sample-problems",
                    width="100%",
                ),
                rx.callout(
                    "This text passes the brand's guardrails.",
                    icon="check",
                    color_scheme="green",
                    id=f"{FORM_ID}-sample-ok",
                    width="100%",
                ),
            ),
        ),
        spacing="2",
        width="100%",
    )


def guardrails_form() -> rx.Component:
    """Pick a brand, edit its banned words, claims and disclosure, and try a sample text."""
    return rx.card(
        rx.vstack(
            rx.heading("Guardrails", size="4"),
            rx.text(
                "Checked on every AI generation and when posts are saved or scheduled.",
                size="2",
                color_scheme="gray",
            ),
            # The shell's list changes as brands are created on this page; the branch mounts
            # (and loads the rules) once there is a brand.
            rx.cond(
                ShellState.brands.length() > 0,
                rx.vstack(
                    rx.hstack(
                        rx.el.label("Brand", html_for=f"{FORM_ID}-brand"),
                        rx.el.select(
                            rx.foreach(
                                State.brands,
                                lambda b: rx.el.option(b["name"], value=b["id"]),
                            ),
                            value=State.brand_id,
                            on_change=State.pick_brand,
                            id=f"{FORM_ID}-brand",
                        ),
                        align="center",
                        spacing="2",
                    ),
                    # Shown once the rules are loaded, so nothing typed is replaced by them.
                    rx.cond(
                        State.brand_id != "",
                        rx.vstack(_form(), _sample(), spacing="4", width="100%"),
                        rx.spinner(),
                    ),
                    spacing="4",
                    width="100%",
                    on_mount=State.load,
                ),
                rx.text("Create a brand first.", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
        ),
        id="guardrails-card",
        width="100%",
        max_width="36em",
    )
