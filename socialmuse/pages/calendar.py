"""Calendar: nothing to show yet; later stages fill this page."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.empty_state import empty_state
from socialmuse.components.layout import protected_page


@protected_page(routes.CALENDAR, "Calendar")
def calendar() -> rx.Component:
    return empty_state(
        "calendar-days",
        "Nothing scheduled",
        "Scheduled and published posts of the current brand will appear here, by day and week, in "
        "the brand's timezone.",
    )
