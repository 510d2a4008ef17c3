"""Chart and table panels of the analytics page: a figure, or the reason there is none."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx


def chart_panel(
    title: str,
    figure: rx.Var[go.Figure],
    reason: rx.Var[str],
    element_id: str,
    *children: rx.Component,
) -> rx.Component:
    """A card with the chart, or (no data / failed query) the reason in plain words."""
    return rx.card(
        rx.vstack(
            rx.heading(title, size="4"),
            rx.cond(
                reason != "",
                rx.callout(
                    reason, icon="info", color_scheme="gray", id=f"{element_id}-empty", width="100%"
                ),
                rx.box(rx.plotly(data=figure, width="100%"), id=element_id, width="100%"),
            ),
            *children,
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def data_table(
    columns: list[tuple[str, str]],
    rows: rx.Var[list[dict[str, str]]],
    element_id: str,
) -> rx.Component:
    """A plain table of display strings; ``columns`` is (key, heading) in order."""
    return rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for _, h in columns])),
        rx.table.body(
            rx.foreach(
                rows,
                lambda row: rx.table.row(*[rx.table.cell(row[key]) for key, _ in columns]),
            )
        ),
        id=element_id,
        size="1",
        width="100%",
    )


def table_panel(
    title: str,
    columns: list[tuple[str, str]],
    rows: rx.Var[list[dict[str, str]]],
    reason: rx.Var[str],
    element_id: str,
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, size="4"),
            rx.cond(
                reason != "",
                rx.callout(
                    reason, icon="info", color_scheme="gray", id=f"{element_id}-empty", width="100%"
                ),
                data_table(columns, rows, element_id),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


# Native <select>s (keyboard- and script-friendly), styled like the Radix inputs around them.
SELECT_STYLE = {
    "padding": "0.3em 0.6em",
    "border_radius": "var(--radius-2)",
    "border": "1px solid var(--gray-a7)",
    "background": "var(--color-surface)",
    "font_size": "var(--font-size-2)",
    "min_height": "2em",
}
