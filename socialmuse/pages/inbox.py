"""Inbox: nothing to show yet; later stages fill this page."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.empty_state import empty_state
from socialmuse.components.layout import protected_page


@protected_page(routes.INBOX, "Inbox")
def inbox() -> rx.Component:
    return empty_state(
        "inbox",
        "Your inbox is empty",
        "Comments, mentions and direct messages from your connected social accounts will appear "
        "here, so you can reply in one place.",
    )
