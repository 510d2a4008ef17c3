"""Workflows: nothing to show yet; later stages fill this page."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.empty_state import empty_state
from socialmuse.components.layout import protected_page


@protected_page(routes.WORKFLOWS, "Workflows")
def workflows() -> rx.Component:
    return empty_state(
        "workflow",
        "No workflows yet",
        "Workflows run steps for you when something happens, for example notify a channel when a "
        "post fails or ask for approval before scheduling. The ones you create will be listed "
        "here.",
    )
