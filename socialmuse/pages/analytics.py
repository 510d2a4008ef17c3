"""Analytics: nothing to show yet; later stages fill this page."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.empty_state import empty_state
from socialmuse.components.layout import protected_page


@protected_page(routes.ANALYTICS, "Analytics")
def analytics() -> rx.Component:
    return empty_state(
        "chart-line",
        "No analytics yet",
        "Reach, engagement and follower charts appear after your first posts are published and "
        "their metrics have been collected.",
    )
