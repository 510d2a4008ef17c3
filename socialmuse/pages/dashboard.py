"""Dashboard: the organization's counts, the brand's KPIs and what needs attention."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.analytics_charts import SELECT_STYLE
from socialmuse.components.empty_state import empty_state
from socialmuse.components.kpi_cards import kpi_row
from socialmuse.components.layout import protected_page
from socialmuse.components.review_queue import review_queue
from socialmuse.state.auth import AuthState
from socialmuse.state.dashboard import DashboardState as State
from socialmuse.state.shell import ShellState


def _count_card(label: str, value: rx.Var[int], element_id: str, href: str) -> rx.Component:
    return rx.link(
        rx.card(
            rx.vstack(
                rx.text(label, size="2", color_scheme="gray"),
                rx.heading(value, size="7", id=element_id),
                spacing="1",
            ),
            width="12em",
        ),
        href=href,
        underline="none",
    )


def _list_card(
    title: str,
    rows: rx.Var[list[dict[str, str]]],
    error: rx.Var[str],
    empty: str,
    element_id: str,
    render: object,
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, size="4"),
            rx.cond(
                error != "",
                rx.text(error, color_scheme="red", size="2"),
                rx.cond(
                    rows.length() > 0,
                    rx.vstack(rx.foreach(rows, render), spacing="2", width="100%"),
                    rx.text(empty, size="2", color_scheme="gray"),
                ),
            ),
            spacing="3",
            width="100%",
            id=element_id,
        ),
        flex="1",
        min_width="18em",
    )


def _upcoming(item: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.vstack(
        rx.link(item["text"], href=item["href"]),
        rx.text(item["when"], " · ", item["networks"], size="1", color_scheme="gray"),
        spacing="0",
    )


def _failing(item: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.vstack(
        rx.link(item["text"], href=item["href"]),
        rx.text(item["account"], " · ", item["status"], size="1", color_scheme="gray"),
        rx.text(item["error"], size="1", color_scheme="red"),
        rx.link("Open to retry", href=item["href"], size="1"),
        spacing="0",
        data_target=item["target_id"],
    )


def _reconnect(item: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.vstack(
        rx.text(item["account"], weight="medium", size="2"),
        rx.text(item["error"], size="1", color_scheme="red"),
        rx.link("Reconnect in Settings → Accounts", href=routes.SETTINGS_ACCOUNTS, size="1"),
        spacing="0",
    )


def _brand_section() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(State.brand_name, size="5"),
            rx.spacer(),
            rx.el.select(
                rx.el.option("Last 7 days", value="7"),
                rx.el.option("Last 30 days", value="30"),
                rx.el.option("Last 90 days", value="90"),
                value=State.period,
                on_change=State.set_period,
                id="dashboard-period",
                aria_label="Period",
                style=SELECT_STYLE,
            ),
            rx.link("Analytics", href=routes.ANALYTICS),
            align="center",
            spacing="3",
            width="100%",
        ),
        rx.text(State.period_label, size="1", color_scheme="gray", id="dashboard-period-label"),
        kpi_row(State.kpis, State.kpi_reason),
        rx.flex(
            _list_card(
                "Upcoming posts",
                State.upcoming,
                State.upcoming_error,
                "Nothing scheduled. Compose a post to fill the calendar.",
                "dashboard-upcoming",
                _upcoming,
            ),
            _list_card(
                "Failed deliveries",
                State.failing,
                State.failing_error,
                "No failed deliveries.",
                "dashboard-failing",
                _failing,
            ),
            _list_card(
                "Accounts to reconnect",
                State.reconnect,
                State.reconnect_error,
                "Every account is connected.",
                "dashboard-reconnect",
                _reconnect,
            ),
            gap="4",
            wrap="wrap",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


@protected_page(routes.DASHBOARD, "Dashboard", on_load=[State.load])
def dashboard() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Welcome, ",
            AuthState.user_name,
            ". You are working in ",
            rx.text.strong(AuthState.organization_name),
            ".",
            id="dashboard-welcome",
        ),
        rx.hstack(
            _count_card("Brands", State.brand_count, "brand-count", routes.SETTINGS_BRANDS),
            _count_card("Members", State.member_count, "member-count", routes.SETTINGS_TEAM),
            spacing="4",
        ),
        review_queue(),
        rx.cond(
            State.brand_id == ShellState.brand_id,
            rx.cond(
                State.brand_id != "",
                _brand_section(),
                empty_state(
                    "chart-no-axes-combined",
                    "No KPIs yet",
                    "KPIs appear after your first posts are published: create a brand, "
                    "connect its accounts, and its reach, engagement, upcoming posts and "
                    "anything that needs your attention show here.",
                ),
            ),
            rx.center(rx.spinner(), on_mount=State.load, width="100%"),
        ),
        spacing="5",
        width="100%",
    )
