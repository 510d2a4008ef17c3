"""Settings → Organization."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.forms import form_error, text_field
from socialmuse.components.layout import protected_page
from socialmuse.components.settings_nav import settings_nav
from socialmuse.state.organization_settings import OrganizationSettingsState as State


def _rename_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Name", size="4"),
            text_field(
                "Organization name",
                "name",
                State.rename_errors,
                form_id="rename-org",
                default_value=State.name,
            ),
            form_error(State.rename_errors, form_id="rename-org"),
            rx.button("Save name", type="submit", id="rename-org-submit"),
            rx.text("Created on ", State.created_at, size="1", color_scheme="gray"),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=State.rename,
        key=State.form_version,
        width="100%",
    )


def _create_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Another organization", size="4"),
            rx.text(
                "Start a separate organization (for example for another client). "
                "You will be its owner; nothing is shared with this one.",
                size="2",
                color_scheme="gray",
            ),
            text_field(
                "New organization name",
                "organization_name",
                State.create_errors,
                form_id="create-org",
            ),
            form_error(State.create_errors, form_id="create-org"),
            rx.button("Create organization", type="submit", variant="soft", id="create-org-submit"),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=State.create,
        width="100%",
    )


@protected_page(routes.SETTINGS_ORGANIZATION, "Settings", on_load=[State.load])
def settings_organization() -> rx.Component:
    return rx.vstack(
        settings_nav(),
        rx.card(_rename_form(), width="100%", max_width="36em"),
        rx.card(_create_form(), width="100%", max_width="36em"),
        spacing="5",
        width="100%",
    )
