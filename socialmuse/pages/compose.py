"""Compose: nothing to show yet; later stages fill this page."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.empty_state import empty_state
from socialmuse.components.layout import protected_page


@protected_page(routes.COMPOSE, "Compose")
def compose() -> rx.Component:
    return empty_state(
        "pen-line",
        "No posts yet",
        "Here you will write a post once, adapt it for each social account of the current brand, "
        "and send it for approval or schedule it. It opens once the brand has a connected social "
        "account.",
    )
