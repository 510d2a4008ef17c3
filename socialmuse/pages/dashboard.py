"""Dashboard: real counts now, KPIs once posts are published."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.empty_state import empty_state
from socialmuse.components.layout import protected_page
from socialmuse.components.review_queue import review_queue
from socialmuse.state.auth import AuthState
from socialmuse.state.dashboard import DashboardState


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


@protected_page(routes.DASHBOARD, "Dashboard", on_load=[DashboardState.load])
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
            _count_card(
                "Brands", DashboardState.brand_count, "brand-count", routes.SETTINGS_BRANDS
            ),
            _count_card(
                "Members", DashboardState.member_count, "member-count", routes.SETTINGS_TEAM
            ),
            spacing="4",
        ),
        review_queue(),
        empty_state(
            "chart-no-axes-combined",
            "No KPIs yet",
            "KPIs appear after your first posts are published: reach, engagement and "
            "follower growth per brand, collected from each network.",
        ),
        spacing="5",
        width="100%",
    )
