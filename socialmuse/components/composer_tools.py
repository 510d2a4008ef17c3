"""The composer's toolbar: snippets (templates, signatures, hashtag groups), variables, links.

Each tool adds text to the tab in front (the post's text or one account's own version)
through ``ComposeState``; nothing here talks to services directly.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from socialmuse import routes
from socialmuse.services.links import UTM_KEYS
from socialmuse.services.variables import VARIABLES
from socialmuse.state.compose import ComposeState as State
from socialmuse.state.compose import SnippetRow


def _trigger(label: str, icon: str, element_id: str) -> rx.Component:
    return rx.button(
        rx.icon(icon, size=16), label, variant="soft", size="1", type="button", id=element_id
    )


def snippet_menu(
    label: str, icon: str, items: Var[list[SnippetRow]], element_id: str
) -> rx.Component:
    """A menu of one kind of snippet; choosing one inserts it (managed in Settings)."""
    return rx.menu.root(
        rx.menu.trigger(_trigger(label, icon, element_id)),
        rx.menu.content(
            rx.foreach(
                items,
                lambda s: rx.menu.item(
                    s.name, on_select=State.insert_snippet(s.id), data_snippet=s.name
                ),
            ),
            rx.cond(items.length() > 0, rx.menu.separator()),
            rx.menu.item(
                rx.link("Manage snippets…", href=routes.SETTINGS_SNIPPETS, underline="none"),
            ),
        ),
    )


def variable_menu(element_id: str) -> rx.Component:
    """Variables filled in per account when the post is saved."""
    return rx.menu.root(
        rx.menu.trigger(_trigger("Variables", "braces", element_id)),
        rx.menu.content(
            *[
                rx.menu.item(
                    rx.hstack(
                        rx.code("{" + name + "}"),
                        rx.text(help_text, size="1", color_scheme="gray"),
                        spacing="2",
                    ),
                    on_select=State.insert_variable(name),
                    data_variable=name,
                )
                for name, help_text in VARIABLES.items()
            ]
        ),
    )


_UTM_LABELS = {
    "source": "Source (e.g. mastodon)",
    "medium": "Medium (e.g. social)",
    "campaign": "Campaign",
    "term": "Term",
    "content": "Content",
}


def link_shortener(element_id: str) -> rx.Component:
    """Shorten a link with UTM parameters; it goes into the text and behind ``{link}``."""
    url_error = State.errors.get("url", "").to(str)
    return rx.popover.root(
        rx.popover.trigger(_trigger("Short link", "link_2", element_id)),
        rx.popover.content(
            rx.vstack(
                rx.el.label("Link", html_for=f"{element_id}-url", class_name="field-label"),
                rx.input(
                    value=State.link_form.get("url", "").to(str),
                    on_change=lambda v: State.set_link_field("url", v),
                    placeholder="https://example.com/page",
                    id=f"{element_id}-url",
                    width="100%",
                    aria_invalid=rx.cond(url_error != "", "true", "false"),
                ),
                rx.grid(
                    *[
                        rx.input(
                            value=State.link_form.get(key, "").to(str),
                            on_change=lambda v, key=key: State.set_link_field(key, v),
                            placeholder=_UTM_LABELS[key],
                            aria_label=f"utm_{key}",
                            id=f"{element_id}-utm-{key}",
                            size="1",
                        )
                        for key in UTM_KEYS
                    ],
                    columns="2",
                    spacing="2",
                    width="100%",
                ),
                rx.text(
                    "UTM parameters are added to the link (existing ones with the same name "
                    "are replaced); clicks are counted on the post's page.",
                    size="1",
                    color_scheme="gray",
                ),
                rx.cond(
                    url_error != "",
                    rx.text(
                        url_error,
                        color_scheme="red",
                        size="2",
                        id=f"{element_id}-url-error",
                        role="alert",
                    ),
                ),
                rx.cond(
                    State.errors.get("utm", "").to(str) != "",
                    rx.text(
                        State.errors.get("utm", "").to(str),
                        color_scheme="red",
                        size="2",
                        role="alert",
                    ),
                ),
                rx.button(
                    "Shorten and insert",
                    type="button",
                    size="2",
                    on_click=State.shorten,
                    id=f"{element_id}-submit",
                ),
                rx.cond(
                    State.link != "",
                    rx.text(
                        "Last short link: ", rx.code(State.link), size="1", id=f"{element_id}-made"
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            width="24em",
        ),
    )
