"""Tabs across the settings pages; the audit log tab shows for admins only."""

from __future__ import annotations

import reflex as rx

from socialmuse import routes
from socialmuse.components.sidebar import is_current
from socialmuse.state.auth import AuthState


def _tab(label: str, path: str) -> rx.Component:
    current = is_current(path)
    return rx.link(
        label,
        href=path,
        aria_current=rx.cond(current, "page", "false"),
        underline="none",
        weight=rx.cond(current, "bold", "regular"),
        color=rx.cond(current, rx.color("accent", 11), rx.color("gray", 11)),
        border_bottom=rx.cond(
            current, f"2px solid {rx.color('accent', 9)}", "2px solid transparent"
        ),
        padding="0.4em 0.2em",
    )


def settings_nav() -> rx.Component:
    """Organization, Brands, Team, Accounts and (admins) Audit log."""
    return rx.hstack(
        _tab("Organization", routes.SETTINGS_ORGANIZATION),
        _tab("Brands", routes.SETTINGS_BRANDS),
        _tab("Team", routes.SETTINGS_TEAM),
        _tab("Accounts", routes.SETTINGS_ACCOUNTS),
        _tab("Posting slots", routes.SETTINGS_SLOTS),
        _tab("Snippets", routes.SETTINGS_SNIPPETS),
        rx.cond(AuthState.is_admin, _tab("Audit log", routes.SETTINGS_AUDIT)),
        rx.cond(AuthState.is_admin, _tab("AI", routes.SETTINGS_AI)),
        spacing="5",
        width="100%",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        aria_label="Settings sections",
        role="navigation",
    )


def denied(message: rx.Var[str]) -> rx.Component:
    """What a person sees on a settings page their role does not open."""
    return rx.callout(
        message, icon="lock", color_scheme="amber", id="permission-denied", width="100%"
    )
