"""A post's short-link clicks, per link and per network (a small section on the post page).

The post page runs ``PostClicksState.load`` among its on-load handlers (after the login is
checked), so the numbers are fresh on every visit and reload.
"""

from __future__ import annotations

import reflex as rx

from socialmuse.db import session_scope
from socialmuse.services import links
from socialmuse.services.errors import NotFound, PermissionDenied
from socialmuse.state.auth import require_actor


class PostClicksState(rx.State):
    """Clicks on the shown post's short links; empty when it has none."""

    total: int = 0
    links: list[dict[str, str]] = []  # noqa: RUF012 (Reflex state var)
    networks: list[dict[str, str]] = []  # noqa: RUF012 (Reflex state var)

    @rx.event
    async def load(self) -> None:
        post_id = str(getattr(self, "post_id", ""))
        self.total, self.links, self.networks = 0, [], []
        if not post_id.isdigit():
            return
        try:
            with session_scope() as session:
                stats = links.post_clicks(
                    session, actor=await require_actor(self, session), post_id=int(post_id)
                )
        except (NotFound, PermissionDenied):
            return
        self.total = stats.total
        self.links = [
            {"short_url": s.short_url, "destination": s.destination_url, "clicks": str(s.clicks)}
            for s in stats.links
        ]
        self.networks = [{"label": n.label, "clicks": str(n.clicks)} for n in stats.networks]


def post_clicks() -> rx.Component:
    """The section: total, each short link with its clicks, and where the clicks came from."""
    state = PostClicksState
    return rx.box(
        rx.cond(
            state.links.length() > 0,
            rx.vstack(
                rx.heading("Link clicks", size="4"),
                rx.text(
                    rx.text.strong(state.total),
                    rx.cond(state.total == 1, " click", " clicks"),
                    " (link previews fetched by networks are not counted).",
                    size="2",
                    id="post-clicks-total",
                ),
                rx.foreach(
                    state.links,
                    lambda link: rx.hstack(
                        rx.code(link["short_url"]),
                        rx.text("→", size="2"),
                        rx.text(link["destination"], size="2", trim="end", max_width="30em"),
                        rx.badge(
                            link["clicks"], rx.cond(link["clicks"] == "1", " click", " clicks")
                        ),
                        align="center",
                        class_name="short-link",
                    ),
                ),
                rx.hstack(
                    rx.foreach(
                        state.networks,
                        lambda n: rx.badge(n["label"], ": ", n["clicks"], variant="soft"),
                    ),
                    wrap="wrap",
                    spacing="2",
                    id="post-clicks-networks",
                ),
                spacing="2",
                width="100%",
            ),
        ),
        width="100%",
        id="post-clicks",
    )
