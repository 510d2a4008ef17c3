"""Settings → Posting slots: weekly times per account, in the brand's timezone.

"Add to queue" (calendar, composer) schedules a post at the soonest of these times that
none of its accounts already uses.
"""

import reflex as rx

from socialmuse import routes
from socialmuse.components.forms import error_text
from socialmuse.components.layout import protected_page
from socialmuse.components.settings_nav import settings_nav
from socialmuse.services.slots import WEEKDAYS
from socialmuse.state.shell import ShellState
from socialmuse.state.slots import AccountSlots, SlotChip
from socialmuse.state.slots import SlotsState as State


def _chip(chip: rx.Var[SlotChip]) -> rx.Component:
    return rx.badge(
        chip.label,
        rx.icon_button(
            rx.icon("x", size=12),
            size="1",
            variant="ghost",
            on_click=State.delete(chip.id),
            aria_label="Remove slot " + chip.label,
        ),
        size="2",
        variant="soft",
        class_name="slot",
        data_slot=chip.label,
    )


def _account(account: rx.Var[AccountSlots]) -> rx.Component:
    form_id = "add-slot-" + account.id
    return rx.card(
        rx.vstack(
            rx.text(account.label, weight="bold"),
            rx.cond(
                account.slots.length() > 0,
                rx.flex(rx.foreach(account.slots, _chip), wrap="wrap", spacing="2"),
                rx.text("No slots yet.", size="2", color_scheme="gray"),
            ),
            rx.cond(
                account.next_free != "",
                rx.text(
                    "Next free slot: ",
                    rx.text.strong(account.next_free),
                    size="2",
                    class_name="next-free",
                ),
            ),
            rx.form(
                rx.hstack(
                    rx.el.input(type="hidden", name="account_id", value=account.id),
                    rx.select.root(
                        rx.select.trigger(aria_label="Day of the week"),
                        rx.select.content(
                            *[rx.select.item(day, value=str(n)) for n, day in enumerate(WEEKDAYS)]
                        ),
                        name="weekday",
                        default_value="0",
                    ),
                    rx.input(type="time", name="time", aria_label="Time", default_value="09:00"),
                    rx.button("Add slot", type="submit", class_name="add-slot"),
                    spacing="2",
                    align="center",
                ),
                on_submit=State.add,
                key=State.version,
                id=form_id,
            ),
            error_text(State.errors.get(account.id, "").to(str), element_id=form_id + "-error"),
            spacing="3",
            width="100%",
        ),
        width="100%",
        max_width="40em",
        data_account=account.label,
    )


def _body() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Weekly posting times of ",
            rx.text.strong(State.brand_name),
            "'s accounts, in ",
            rx.text.strong(State.timezone),
            ". They stay at the same wall-clock time across daylight-saving changes. "
            "“Add to queue” picks the next free one.",
            size="2",
        ),
        rx.cond(
            State.accounts.length() > 0,
            rx.vstack(rx.foreach(State.accounts, _account), spacing="3", width="100%"),
            rx.text(
                "No accounts yet: ",
                rx.link("connect one", href=routes.SETTINGS_ACCOUNTS),
                " first.",
                color_scheme="gray",
            ),
        ),
        spacing="4",
        width="100%",
        id="slots",
    )


@protected_page(routes.SETTINGS_SLOTS, "Posting slots", on_load=[State.load])
def settings_slots() -> rx.Component:
    return rx.vstack(
        settings_nav(),
        rx.cond(
            State.brand_id == ShellState.brand_id,
            rx.cond(
                State.brand_id != "",
                _body(),
                rx.text("Create a brand first.", color_scheme="gray"),
            ),
            rx.center(rx.spinner(), on_mount=State.load, width="100%"),
        ),
        spacing="4",
        width="100%",
    )
