"""The dashboard's "Needs my review": posts waiting for this person's decision."""

from __future__ import annotations

import reflex as rx

from socialmuse.state.approvals import QueueRow
from socialmuse.state.approvals import ReviewQueueState as State


def _row(row: rx.Var[QueueRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row.excerpt, href=row.href, class_name="review-queue-link")),
        rx.table.cell(row.brand_name),
        rx.table.cell(row.author),
        rx.table.cell(row.step),
        rx.table.cell(row.scheduled),
        data_post=row.post_id,
    )


def review_queue() -> rx.Component:
    """Shown to everyone who may approve; says so when nothing is waiting."""
    return rx.vstack(
        rx.cond(State.applies, _queue()),
        width="100%",
        on_mount=State.load,
    )


def _queue() -> rx.Component:
    return rx.vstack(
        rx.heading("Needs my review", size="4"),
        rx.cond(
            State.rows.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(h)
                            for h in ("Post", "Brand", "Author", "Step", "Planned for")
                        ]
                    )
                ),
                rx.table.body(rx.foreach(State.rows, _row)),
                width="100%",
                id="review-queue",
            ),
            rx.text(
                rx.cond(State.loaded, "Nothing is waiting for your review.", ""),
                size="2",
                color_scheme="gray",
                id="review-queue-empty",
            ),
        ),
        spacing="2",
        width="100%",
    )
