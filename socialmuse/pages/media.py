"""Media: nothing to show yet; later stages fill this page."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.empty_state import empty_state
from socialmuse.components.layout import protected_page


@protected_page(routes.MEDIA, "Media")
def media() -> rx.Component:
    return empty_state(
        "images",
        "No media yet",
        "Images and videos you upload for your posts will appear here, ready to reuse across posts"
        " and brands.",
    )
