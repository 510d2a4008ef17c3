"""Sign-up: a person, their organization and their first login."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.forms import form_error, text_field
from socialmuse.components.layout import public_page
from socialmuse.state.auth import AuthState
from socialmuse.state.signup import SignUpState

FORM_ID = "signup"


@public_page(routes.SIGNUP, "Sign up", on_load=[AuthState.redirect_if_logged_in])
def signup() -> rx.Component:
    errors = SignUpState.errors
    return rx.form(
        rx.vstack(
            rx.heading("Create your account", size="5"),
            rx.text("You will be the owner of a new organization.", color_scheme="gray", size="2"),
            text_field("Your name", "name", errors, form_id=FORM_ID, auto_complete="name"),
            text_field("Email", "email", errors, form_id=FORM_ID, auto_complete="email"),
            text_field(
                "Password",
                "password",
                errors,
                form_id=FORM_ID,
                field_type="password",
                auto_complete="new-password",
                placeholder="At least 10 characters",
            ),
            text_field(
                "Organization name",
                "organization_name",
                errors,
                form_id=FORM_ID,
                placeholder="e.g. Acme Marketing",
            ),
            form_error(errors, form_id=FORM_ID),
            rx.button("Create account", type="submit", width="100%", id="signup-submit"),
            rx.text("Already have an account? ", rx.link("Log in", href=routes.LOGIN), size="2"),
            spacing="4",
            width="100%",
        ),
        on_submit=SignUpState.submit,
        id=FORM_ID,
    )
