"""KPI cards: this period's number, the previous period's, and the change between them."""

from __future__ import annotations

import reflex as rx


def kpi_card(kpi: rx.Var[dict[str, str]]) -> rx.Component:
    """One card; ids ``kpi-<key>`` (value) and ``kpi-<key>-change`` for tests and scripts."""
    return rx.card(
        rx.vstack(
            rx.text(kpi["label"], size="2", color_scheme="gray"),
            rx.heading(kpi["value"], size="6", id="kpi-" + kpi["key"]),
            rx.text(
                kpi["change"],
                size="1",
                color_scheme=kpi["tone"],
                id="kpi-" + kpi["key"] + "-change",
            ),
            rx.text("Previous period: ", kpi["previous"], size="1", color_scheme="gray"),
            spacing="1",
        ),
        min_width="11em",
        flex="1",
        data_kpi=kpi["key"],
    )


def kpi_row(kpis: rx.Var[list[dict[str, str]]], reason: rx.Var[str]) -> rx.Component:
    """The five KPIs side by side, with the plain reason when there is nothing to count."""
    return rx.vstack(
        rx.cond(
            reason != "",
            rx.callout(reason, icon="info", color_scheme="gray", id="kpi-reason", width="100%"),
        ),
        rx.flex(rx.foreach(kpis, kpi_card), gap="3", wrap="wrap", width="100%", id="kpis"),
        width="100%",
        spacing="2",
    )
