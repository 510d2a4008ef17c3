"""Log-in."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.forms import form_error, text_field
from socialmuse.components.layout import public_page
from socialmuse.state.auth import AuthState
from socialmuse.state.login import LogInState

FORM_ID = "login"


@public_page(routes.LOGIN, "Log in", on_load=[AuthState.redirect_if_logged_in])
def login() -> rx.Component:
    errors = LogInState.errors
    return rx.form(
        rx.vstack(
            rx.heading("Log in", size="5"),
            text_field("Email", "email", errors, form_id=FORM_ID, auto_complete="email"),
            text_field(
                "Password",
                "password",
                errors,
                form_id=FORM_ID,
                field_type="password",
                auto_complete="current-password",
            ),
            form_error(errors, form_id=FORM_ID),
            rx.button("Log in", type="submit", width="100%", id="login-submit"),
            rx.text("New here? ", rx.link("Create an account", href=routes.SIGNUP), size="2"),
            spacing="4",
            width="100%",
        ),
        on_submit=LogInState.submit,
        id=FORM_ID,
    )
