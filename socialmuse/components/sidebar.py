"""The left navigation: one link per area of the app, the current one highlighted."""

from __future__ import annotations

import reflex as rx

from socialmuse import routes

NAV_ITEMS: list[tuple[str, str, str]] = [
    ("Dashboard", "layout-dashboard", routes.DASHBOARD),
    ("Compose", "pen-line", routes.COMPOSE),
    ("Calendar", "calendar-days", routes.CALENDAR),
    ("Media", "images", routes.MEDIA),
    ("Analytics", "chart-line", routes.ANALYTICS),
    ("Inbox", "inbox", routes.INBOX),
    ("Workflows", "workflow", routes.WORKFLOWS),
    ("Settings", "settings", routes.SETTINGS_ORGANIZATION),
]


def is_current(path: str, *, prefix: bool = False) -> rx.Var[bool]:
    """Whether the browser is on ``path`` (static hosting may add a trailing slash).

    With ``prefix``, pages below ``path`` count too (Settings stays lit on its sub-pages).
    """
    current = rx.State.router.url.path
    exact = (current == path) | (current == path.rstrip("/") + "/")
    if prefix and path != "/":
        return exact | current.startswith(path.rstrip("/") + "/")
    return exact


def nav_link(label: str, icon: str, path: str) -> rx.Component:
    """One entry; ``aria-current`` marks the page the person is on."""
    current = is_current(path, prefix=True)
    return rx.link(
        rx.hstack(rx.icon(icon, size=18), rx.text(label, size="3"), spacing="3", align="center"),
        href=path,
        aria_current=rx.cond(current, "page", "false"),
        underline="none",
        color=rx.cond(current, rx.color("accent", 11), rx.color("gray", 12)),
        background=rx.cond(current, rx.color("accent", 3), "transparent"),
        border_radius="var(--radius-2)",
        padding="0.5em 0.75em",
        width="100%",
        _hover={"background": rx.color("accent", 4)},
    )


def sidebar(*top: rx.Component) -> rx.Component:
    """The brand mark, whatever the shell puts on top (switchers), then the links."""
    return rx.el.nav(
        rx.vstack(
            rx.hstack(
                rx.icon("sparkles", color=rx.color("accent", 9)),
                rx.heading("SocialMuse", size="5"),
                align="center",
                spacing="2",
                padding_bottom="0.5em",
            ),
            *top,
            rx.divider(),
            *[nav_link(label, icon, path) for label, icon, path in NAV_ITEMS],
            spacing="1",
            width="100%",
        ),
        aria_label="Main",
        style={
            "width": "15.5em",
            "min_width": "15.5em",
            "padding": "1em",
            "border_right": f"1px solid {rx.color('gray', 5)}",
            "min_height": "100vh",
            "background": rx.color("gray", 2),
        },
    )
