"""The invitation link: who invites you, to which organization, with which role."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.forms import form_error, text_field
from socialmuse.components.layout import public_page
from socialmuse.state.invite import InviteState as State

FORM_ID = "accept"


def _summary() -> rx.Component:
    inv = State.invitation
    return rx.vstack(
        rx.heading("Join ", inv["organization_name"], size="5", id="invite-heading"),
        rx.text(
            rx.text.strong(inv["invited_by"]),
            " invited ",
            rx.text.strong(inv["email"]),
            " to join as ",
            rx.text.strong(inv["role_label"]),
            ".",
            id="invite-summary",
        ),
        rx.text("Brands: ", inv["brands"], size="2", color_scheme="gray"),
        rx.text("The link expires on ", inv["expires"], ".", size="1", color_scheme="gray"),
        spacing="2",
        width="100%",
    )


def _join_as_viewer() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text("You are logged in as ", rx.text.strong(State.viewer_email), "."),
            form_error(State.errors, form_id=FORM_ID),
            rx.button("Join organization", type="submit", width="100%", id="accept-submit"),
            width="100%",
        ),
        on_submit=State.accept,
    )


def _wrong_viewer() -> rx.Component:
    return rx.vstack(
        rx.callout(
            rx.text(
                "You are logged in as ",
                State.viewer_email,
                ", but this invitation is for ",
                State.invitation["email"],
                ".",
            ),
            icon="info",
            color_scheme="amber",
        ),
        rx.button(
            "Log out and continue as the invitee",
            variant="soft",
            on_click=State.log_out_here,
            id="invite-log-out",
        ),
        width="100%",
    )


def _credentials_form() -> rx.Component:
    existing = State.invitation["account_exists"] != ""
    return rx.form(
        rx.vstack(
            text_field(
                "Email",
                "email",
                State.errors,
                form_id=FORM_ID,
                value=State.invitation["email"],
                read_only=True,
            ),
            rx.cond(
                existing,
                rx.text("You already have an account: enter its password to join.", size="2"),
                text_field(
                    "Your name", "name", State.errors, form_id=FORM_ID, auto_complete="name"
                ),
            ),
            text_field(
                "Password",
                "password",
                State.errors,
                form_id=FORM_ID,
                field_type="password",
                auto_complete=rx.cond(existing, "current-password", "new-password"),
            ),
            form_error(State.errors, form_id=FORM_ID),
            rx.button(
                rx.cond(existing, "Log in and join", "Create account and join"),
                type="submit",
                width="100%",
                id="accept-submit",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=State.accept,
    )


@public_page(routes.INVITE, "Invitation", on_load=[State.load])
def invite() -> rx.Component:
    return rx.cond(
        State.problem != "",
        rx.vstack(
            rx.heading("This invitation cannot be used", size="5"),
            rx.text(State.problem, id="invite-problem"),
            rx.link("Go to log in", href=routes.LOGIN),
            spacing="3",
        ),
        rx.cond(
            State.invitation.length() == 0,
            rx.center(rx.spinner(), width="100%"),
            rx.vstack(
                _summary(),
                rx.divider(),
                rx.cond(
                    State.viewer_matches,
                    _join_as_viewer(),
                    rx.cond(State.viewer_email != "", _wrong_viewer(), _credentials_form()),
                ),
                spacing="4",
                width="100%",
            ),
        ),
    )
