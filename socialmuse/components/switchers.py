"""Organization switcher, brand switcher and the user menu of the shell."""

from __future__ import annotations

import reflex as rx

from socialmuse import routes
from socialmuse.state.auth import AuthState
from socialmuse.state.shell import ShellState


def _labelled(label: str, control: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray", weight="medium"),
        control,
        spacing="1",
        width="100%",
    )


def organization_switcher() -> rx.Component:
    """Every organization the person belongs to; choosing one reloads the dashboard."""
    return _labelled(
        "Organization",
        rx.select.root(
            rx.select.trigger(id="organization-switcher", width="100%", aria_label="Organization"),
            rx.select.content(
                rx.foreach(
                    AuthState.organizations,
                    lambda org: rx.select.item(org["name"], value=org["id"]),
                ),
            ),
            value=AuthState.organization_id,
            on_change=AuthState.switch_organization,
        ),
    )


def brand_switcher() -> rx.Component:
    """The brand the person works on; a link to create one when there is none yet."""
    return _labelled(
        "Brand",
        rx.cond(
            ShellState.brands.length() > 0,
            rx.select.root(
                rx.select.trigger(id="brand-switcher", width="100%", aria_label="Brand"),
                rx.select.content(
                    rx.foreach(
                        ShellState.brands,
                        lambda brand: rx.select.item(brand["name"], value=brand["id"]),
                    ),
                ),
                value=ShellState.brand_id,
                on_change=ShellState.select_brand,
            ),
            rx.link(
                "Create your first brand",
                href=routes.SETTINGS_BRANDS,
                size="2",
                id="brand-switcher-empty",
            ),
        ),
    )


def user_menu() -> rx.Component:
    """Who is logged in, with the log-out action."""
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.icon("circle-user", size=18),
                AuthState.user_name,
                rx.icon("chevron-down", size=14),
                variant="ghost",
                id="user-menu",
                aria_label="User menu",
            ),
        ),
        rx.menu.content(
            rx.box(
                rx.text(AuthState.user_email, size="1", color_scheme="gray"),
                padding="0.25em 0.75em",
            ),
            rx.menu.item(
                "Organization settings", on_click=rx.redirect(routes.SETTINGS_ORGANIZATION)
            ),
            rx.menu.separator(),
            rx.menu.item("Log out", on_click=AuthState.log_out, color_scheme="red"),
        ),
    )
