"""Analytics: KPIs, charts, top posts, best times, hashtags, campaigns, followers, competitors.

Filters (date range in the brand's timezone, network, account) apply to every section;
each section shows its own reason when it has nothing to draw.
"""

import reflex as rx

from socialmuse import routes
from socialmuse.components.analytics_charts import (
    SELECT_STYLE,
    chart_panel,
    data_table,
    table_panel,
)
from socialmuse.components.empty_state import empty_state
from socialmuse.components.forms import error_text, text_field
from socialmuse.components.kpi_cards import kpi_row
from socialmuse.components.layout import protected_page
from socialmuse.state.analytics import ALL, TABLE_CHOICES, TOP_ORDER_LABELS
from socialmuse.state.analytics import AnalyticsState as State
from socialmuse.state.shell import ShellState


def _filters() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.hstack(
                    *[
                        rx.button(
                            f"{days} days",
                            size="1",
                            variant="soft",
                            on_click=State.set_period(days),
                            id=f"period-{days}",
                        )
                        for days in (7, 30, 90)
                    ],
                    spacing="2",
                ),
                rx.hstack(
                    rx.el.label("From", html_for="filter-start", class_name="field-label"),
                    rx.input(
                        type="date", id="filter-start", value=State.start, on_change=State.set_start
                    ),
                    rx.el.label("to", html_for="filter-end", class_name="field-label"),
                    rx.input(
                        type="date", id="filter-end", value=State.end, on_change=State.set_end
                    ),
                    rx.text("(", State.timezone, ")", size="1", color_scheme="gray"),
                    align="center",
                    spacing="2",
                ),
                rx.el.select(
                    rx.el.option("All networks", value=ALL),
                    rx.foreach(State.networks, lambda n: rx.el.option(n["label"], value=n["id"])),
                    value=State.network,
                    on_change=State.set_network,
                    id="filter-network",
                    aria_label="Network",
                    style=SELECT_STYLE,
                ),
                rx.el.select(
                    rx.el.option("All accounts", value=ALL),
                    rx.foreach(State.accounts, lambda a: rx.el.option(a["label"], value=a["id"])),
                    value=State.account,
                    on_change=State.set_account,
                    id="filter-account",
                    aria_label="Account",
                    style=SELECT_STYLE,
                ),
                gap="4",
                wrap="wrap",
                align="center",
            ),
            error_text(State.filter_error, element_id="filter-error"),
            spacing="2",
        ),
        width="100%",
    )


def _exports() -> rx.Component:
    return rx.flex(
        rx.el.select(
            *[rx.el.option(label, value=key) for key, label in TABLE_CHOICES.items()],
            value=State.export_table,
            on_change=State.set_export_table,
            id="export-table",
            aria_label="Table to export",
            style=SELECT_STYLE,
        ),
        rx.button(
            rx.icon("download", size=14),
            "CSV",
            variant="soft",
            on_click=State.export("csv"),
            id="export-csv",
        ),
        rx.button(
            rx.icon("file-text", size=14),
            "PDF report",
            variant="soft",
            on_click=State.export("pdf"),
            id="export-pdf",
        ),
        rx.link("Scheduled reports and logo", href=routes.ANALYTICS_REPORTS, id="reports-link"),
        error_text(State.export_error, element_id="export-error"),
        gap="3",
        align="center",
        wrap="wrap",
    )


def _sort_header(key: str) -> rx.Component:
    return rx.table.column_header_cell(
        rx.button(
            TOP_ORDER_LABELS[key],
            rx.cond(
                State.top_order == key,
                rx.cond(
                    State.top_descending,
                    rx.icon("arrow-down", size=12),
                    rx.icon("arrow-up", size=12),
                ),
            ),
            variant="ghost",
            size="1",
            on_click=State.sort_top(key),
            id=f"sort-{key}",
        )
    )


def _top_posts() -> rx.Component:
    def row(item: rx.Var[dict[str, str]]) -> rx.Component:
        return rx.table.row(
            rx.table.cell(
                rx.link(item["text"], href="/posts/" + item["post_id"]),
                max_width="24em",
            ),
            rx.table.cell(item["network"], " @", item["handle"]),
            rx.table.cell(item["published"]),
            rx.table.cell(item["impressions"]),
            rx.table.cell(item["engagements"]),
            rx.table.cell(item["engagement_rate"]),
            rx.table.cell(item["likes"]),
            rx.table.cell(item["comments"]),
            rx.table.cell(item["shares"]),
        )

    return rx.card(
        rx.vstack(
            rx.heading("Top posts", size="4"),
            rx.cond(
                State.top_reason != "",
                rx.callout(
                    State.top_reason, icon="info", color_scheme="gray", id="top-posts-empty"
                ),
                rx.vstack(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell("Post"),
                                rx.table.column_header_cell("Account"),
                                _sort_header("published_at"),
                                _sort_header("impressions"),
                                _sort_header("engagements"),
                                _sort_header("engagement_rate"),
                                _sort_header("likes"),
                                _sort_header("comments"),
                                _sort_header("shares"),
                            )
                        ),
                        rx.table.body(rx.foreach(State.top_rows, row)),
                        id="top-posts",
                        size="1",
                        width="100%",
                    ),
                    rx.hstack(
                        rx.button(
                            "Previous",
                            size="1",
                            variant="soft",
                            id="top-prev",
                            on_click=State.top_move(-1),
                            disabled=State.top_page == 0,
                        ),
                        rx.text(State.top_page_label, size="2", id="top-page"),
                        rx.button(
                            "Next",
                            size="1",
                            variant="soft",
                            id="top-next",
                            on_click=State.top_move(1),
                            disabled=State.top_page >= State.top_pages - 1,
                        ),
                        align="center",
                        spacing="3",
                    ),
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _best_times() -> rx.Component:
    chooser = rx.el.select(
        rx.foreach(State.accounts, lambda a: rx.el.option(a["label"], value=a["id"])),
        value=State.best_account,
        on_change=State.choose_best_account,
        id="best-account",
        aria_label="Account for best times",
        style=SELECT_STYLE,
    )
    return chart_panel(
        "Best time to post",
        State.best_figure,
        rx.cond(State.best_source == "", State.best_reason, ""),
        "chart-best-times",
        rx.hstack(
            chooser,
            rx.badge(
                State.best_label,
                color_scheme=rx.cond(State.best_source == "own_history", "green", "amber"),
                id="best-source",
            ),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        rx.cond(
            (State.best_source == "network_defaults") & (State.best_reason != ""),
            rx.text(State.best_reason, size="2", color_scheme="gray", id="best-reason"),
        ),
        data_table(
            [("slot", "Best slots"), ("score", "Score"), ("sample", "Posts in slot")],
            State.best_slots,
            "best-slots",
        ),
    )


def _competitors() -> rx.Component:
    form = rx.form(
        rx.hstack(
            rx.el.select(
                rx.el.option("Bluesky", value="bluesky"),
                rx.el.option("Mastodon", value="mastodon"),
                rx.el.option("X", value="x"),
                name="platform",
                id="competitor-platform",
                aria_label="Network",
                style=SELECT_STYLE,
            ),
            rx.box(
                text_field(
                    "Public handle",
                    "handle",
                    State.competitor_errors,
                    form_id="competitor",
                    placeholder="@someone.bsky.social",
                ),
                width="18em",
            ),
            rx.button(
                "Track", type="submit", id="competitor-submit", loading=State.competitor_busy
            ),
            align="end",
            spacing="3",
        ),
        error_text(
            State.competitor_errors.get("platform", "").to(str),
            element_id="competitor-platform-error",
        ),
        error_text(
            State.competitor_errors.get("form", "").to(str), element_id="competitor-form-error"
        ),
        on_submit=State.add_competitor,
        reset_on_submit=False,
        key=State.competitor_version,
    )

    def row(item: rx.Var[dict[str, str]]) -> rx.Component:
        return rx.table.row(
            rx.table.cell(
                rx.cond(
                    item["kind"] == "own",
                    rx.badge("You"),
                    rx.badge("Competitor", color_scheme="orange"),
                )
            ),
            rx.table.cell(item["network"], " @", item["handle"]),
            rx.table.cell(item["followers"]),
            rx.table.cell(item["follower_change"]),
            rx.table.cell(item["posts_per_week"]),
            rx.table.cell(item["engagements_per_post"]),
            rx.table.cell(
                rx.cond(
                    item["kind"] == "competitor",
                    rx.button(
                        "Stop tracking",
                        size="1",
                        variant="ghost",
                        color_scheme="red",
                        on_click=State.remove_competitor(item["id"]),
                    ),
                )
            ),
        )

    return rx.card(
        rx.vstack(
            rx.heading("Competitors", size="4"),
            form,
            rx.cond(
                State.competitor_reason != "",
                rx.callout(
                    State.competitor_reason,
                    icon="info",
                    color_scheme="gray",
                    id="competitors-empty",
                ),
            ),
            rx.cond(
                State.competitor_rows.length() > 0,
                rx.vstack(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                *[
                                    rx.table.column_header_cell(h)
                                    for h in (
                                        "",
                                        "Account",
                                        "Followers",
                                        "Change",
                                        "Posts per week",
                                        "Engagements per post",
                                        "",
                                    )
                                ]
                            )
                        ),
                        rx.table.body(rx.foreach(State.competitor_rows, row)),
                        id="competitors",
                        size="1",
                        width="100%",
                    ),
                    rx.plotly(data=State.competitor_figure, width="100%"),
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _body() -> rx.Component:
    return rx.vstack(
        _filters(),
        _exports(),
        kpi_row(State.kpis, State.kpi_reason),
        chart_panel(
            "Engagement over time",
            State.engagement_figure,
            State.engagement_reason,
            "chart-engagement",
        ),
        chart_panel(
            "Networks compared",
            State.network_figure,
            State.network_reason,
            "chart-networks",
            rx.cond(
                State.network_reason == "",
                data_table(
                    [
                        ("network", "Network"),
                        ("accounts", "Accounts"),
                        ("posts", "Posts"),
                        ("impressions", "Impressions"),
                        ("engagements", "Engagements"),
                        ("engagement_rate", "Rate"),
                        ("followers", "Followers"),
                        ("follower_growth", "Growth"),
                    ],
                    State.network_rows,
                    "network-table",
                ),
            ),
        ),
        _top_posts(),
        _best_times(),
        rx.grid(
            table_panel(
                "Hashtags",
                [
                    ("hashtag", "Hashtag"),
                    ("posts", "Posts"),
                    ("engagements", "Engagements"),
                    ("engagements_per_post", "Per post"),
                    ("engagement_rate", "Rate"),
                ],
                State.hashtag_rows,
                State.hashtag_reason,
                "hashtags",
            ),
            table_panel(
                "Campaigns",
                [
                    ("campaign", "Campaign"),
                    ("posts", "Posts"),
                    ("engagements", "Engagements"),
                    ("engagements_per_post", "Per post"),
                    ("engagement_rate", "Rate"),
                ],
                State.campaign_rows,
                State.campaign_reason,
                "campaigns",
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        chart_panel(
            "Follower growth", State.follower_figure, State.follower_reason, "chart-followers"
        ),
        _competitors(),
        spacing="4",
        width="100%",
    )


def _no_brand() -> rx.Component:
    return empty_state(
        "chart-line",
        "No analytics yet",
        "Create a brand and connect its accounts: reach, engagement and follower charts "
        "appear once posts are published and their metrics collected.",
    )


@protected_page(routes.ANALYTICS, "Analytics")
def analytics() -> rx.Component:
    return rx.cond(
        (State.brand_id == ShellState.brand_id) & (State.start != ""),
        rx.cond(State.brand_id != "", _body(), _no_brand()),
        rx.cond(
            (ShellState.brand_id == "") & (State.brand_id == ""),
            rx.box(_no_brand(), on_mount=State.load),
            rx.center(rx.spinner(), on_mount=State.load, width="100%"),
        ),
    )
