"""The two page decorators: ``protected_page`` (shell + login guard) and ``public_page``.

Each page module registers itself with one of them; the app module only imports the pages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import reflex as rx
from reflex.event import EventType

from socialmuse.components.notification_bell import notification_bell
from socialmuse.components.sidebar import sidebar
from socialmuse.components.switchers import brand_switcher, organization_switcher, user_menu
from socialmuse.state.auth import AuthState
from socialmuse.state.shell import ShellState

PageBody = Callable[[], rx.Component]


def _title(title: str) -> str:
    return f"{title} · SocialMuse"


def _loading() -> rx.Component:
    return rx.center(rx.spinner(size="3"), width="100%", height="100vh", aria_label="Loading")


def _shell(heading: str, body: rx.Component) -> rx.Component:
    return rx.hstack(
        sidebar(organization_switcher(), brand_switcher()),
        rx.vstack(
            rx.hstack(
                rx.heading(heading, size="6", id="page-heading"),
                rx.spacer(),
                notification_bell(),
                user_menu(),
                width="100%",
                align="center",
            ),
            body,
            spacing="5",
            padding="1.5em 2em",
            width="100%",
            max_width="72em",
        ),
        spacing="0",
        width="100%",
        align="start",
    )


def protected_page(
    route: str, title: str, *, on_load: Sequence[EventType[()]] = ()
) -> Callable[[PageBody], PageBody]:
    """Register a page behind the login: the shell renders only once the token is verified.

    ``on_load`` runs after ``AuthState.check`` (verify the login, load the user and their
    organizations) and ``ShellState.load`` (the brand switcher).
    """

    def decorator(body: PageBody) -> PageBody:
        def render() -> rx.Component:
            # The body waits for its on_load handlers (is_hydrated), so nobody types into a
            # form that the arriving data is about to replace.
            content = rx.cond(rx.State.is_hydrated, body(), rx.center(rx.spinner(), width="100%"))
            return rx.cond(AuthState.user_email != "", _shell(title, content), _loading())

        render.__name__ = body.__name__
        rx.page(
            route=route,
            title=_title(title),
            on_load=[AuthState.check, ShellState.load, *on_load],
        )(render)
        return body

    return decorator


def public_page(
    route: str, title: str, *, on_load: Sequence[EventType[()]] = ()
) -> Callable[[PageBody], PageBody]:
    """Register a page anyone may open (log-in, sign-up, invitations): a centred card."""

    def decorator(body: PageBody) -> PageBody:
        def render() -> rx.Component:
            return rx.center(
                rx.vstack(
                    rx.hstack(
                        rx.icon("sparkles", color=rx.color("accent", 9)),
                        rx.heading("SocialMuse", size="6"),
                        align="center",
                        spacing="2",
                    ),
                    rx.card(body(), width="100%", size="3"),
                    align="center",
                    spacing="5",
                    width="100%",
                    max_width="28em",
                ),
                min_height="100vh",
                padding="2em",
                background=rx.color("gray", 2),
            )

        render.__name__ = body.__name__
        rx.page(route=route, title=_title(title), on_load=list(on_load) or None)(render)
        return body

    return decorator
