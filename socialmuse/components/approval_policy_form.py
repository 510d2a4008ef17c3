"""The approvals part of a brand's settings: who needs approval, and the approvers in order."""

from __future__ import annotations

import reflex as rx

from socialmuse.components.forms import error_text, form_error
from socialmuse.state.approval_policy import APPROVER_CHOICES, REQUIRED_FOR_CHOICES
from socialmuse.state.approval_policy import ApprovalPolicyState as State
from socialmuse.state.brands import BrandsState

FORM_ID = "approval-policy"


def _required_for() -> rx.Component:
    return rx.vstack(
        rx.text("Who needs approval before posting", as_="div", class_name="field-label"),
        rx.radio_group.root(
            rx.vstack(
                *[
                    rx.text(
                        rx.flex(rx.radio_group.item(value=c["value"]), c["label"], spacing="2"),
                        as_="label",
                        size="2",
                    )
                    for c in REQUIRED_FOR_CHOICES
                ],
                spacing="1",
            ),
            value=State.required_for,
            on_change=State.set_required_for,
            aria_label="Who needs approval",
            id=f"{FORM_ID}-required_for",
        ),
        error_text(
            State.errors.get("required_for", "").to(str), element_id=f"{FORM_ID}-required_for-error"
        ),
        spacing="1",
    )


def _step(role: rx.Var[str], index: rx.Var[int]) -> rx.Component:
    return rx.hstack(
        rx.text("Step ", index + 1, size="2", min_width="4em"),
        rx.select.root(
            rx.select.trigger(aria_label="Approver", min_width="16em", class_name="approval-step"),
            rx.select.content(
                *[rx.select.item(c["label"], value=c["value"]) for c in APPROVER_CHOICES]
            ),
            value=role,
            on_change=lambda value: State.set_step(index, value),
        ),
        rx.icon_button(
            rx.icon("x", size=14),
            size="1",
            variant="soft",
            color_scheme="gray",
            type="button",
            aria_label="Remove this step",
            on_click=State.remove_step(index),
        ),
        align="center",
        spacing="2",
    )


@rx.memo
def approval_policy_form() -> rx.Component:
    """Shown under the brand's edit form; reads that brand's policy when it opens.

    A memo is its own React component, so its mount hook runs when the edit form opens (not
    once for the whole brand table), with the brand being edited.
    """
    return rx.vstack(
        rx.divider(),
        rx.heading("Approvals", size="3"),
        _required_for(),
        rx.text("Approvers, in order (one decision per step)", class_name="field-label"),
        rx.vstack(rx.foreach(State.steps, _step), spacing="2", id=f"{FORM_ID}-steps"),
        error_text(State.errors.get("steps", "").to(str), element_id=f"{FORM_ID}-steps-error"),
        form_error(State.errors, form_id=FORM_ID),
        rx.hstack(
            rx.button(
                rx.icon("plus", size=14),
                "Add step",
                type="button",
                variant="soft",
                on_click=State.add_step,
                id=f"{FORM_ID}-add-step",
            ),
            rx.button("Save approvals", type="button", on_click=State.save, id=f"{FORM_ID}-save"),
            spacing="2",
        ),
        spacing="3",
        width="100%",
        on_mount=State.load(BrandsState.editing_id),
        id=FORM_ID,
    )
