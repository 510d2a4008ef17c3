"""The analytics page: filters, charts, tables, best times, competitors and exports.

Every section loads on its own: a section whose query or network fails says so in its own
area (``*_reason``) and the others keep working. Numbers reach the page as formatted
strings, the same ``reports.format_number`` the PDF uses, so the page and the exports read
alike.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Any, TypeVar

import plotly.graph_objects as go
import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from socialmuse.db import session_scope
from socialmuse.services import analytics, competitors, reports
from socialmuse.services.errors import DomainError
from socialmuse.services.permissions import Actor
from socialmuse.state.auth import require_actor
from socialmuse.state.current_brand import current_brand
from socialmuse.state.forms import field_errors, text

log = logging.getLogger(__name__)
T = TypeVar("T")
ALL = "all"
PAGE_SIZE = 10
CHART_HEIGHT = 340
TOP_ORDER_LABELS = {
    "engagements": "Engagements",
    "impressions": "Impressions",
    "engagement_rate": "Engagement rate",
    "likes": "Likes",
    "comments": "Comments",
    "shares": "Shares",
    "clicks": "Clicks",
    "published_at": "Published",
}
TABLE_CHOICES = {"all": "All tables (zip)", **reports.TABLES}


def fmt(value: Any, suffix: str = "") -> str:
    return reports.format_number(value, suffix)


def kpi_cards(summary: analytics.Summary) -> list[dict[str, str]]:
    """KPI cards as strings: value, previous, change with its direction."""
    cards = []
    for kpi in summary.kpis():
        suffix = "%" if kpi.key == "engagement_rate" else ""
        if kpi.change is None:
            change, tone = "no previous data", "gray"
        else:
            sign = "+" if kpi.change >= 0 else ""
            pct = f" ({sign}{kpi.change_pct}%)" if kpi.change_pct is not None else ""
            change = f"{sign}{fmt(kpi.change, suffix)}{pct}"
            tone = "green" if kpi.change > 0 else "red" if kpi.change < 0 else "gray"
        cards.append(
            {
                "key": kpi.key,
                "label": kpi.label,
                "value": fmt(kpi.value, suffix),
                "previous": fmt(kpi.previous, suffix),
                "change": change,
                "tone": tone,
            }
        )
    return cards


def _styled(figure: go.Figure) -> go.Figure:
    figure.update_layout(
        height=CHART_HEIGHT,
        margin={"l": 50, "r": 20, "t": 50, "b": 40},
        legend={"orientation": "h", "y": -0.2},
        template="plotly_white",
    )
    return figure


def _problem(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    log.exception("analytics section failed")
    return f"This section could not be loaded right now ({type(exc).__name__}); try again later."


def _rows(frame: Any, columns: dict[str, str]) -> list[dict[str, str]]:
    """A frame as rows of display strings; ``columns`` maps column -> suffix."""
    return [
        {
            column: (
                fmt(getattr(row, column), suffix)
                if not isinstance(getattr(row, column), str)
                else getattr(row, column)
            )
            for column, suffix in columns.items()
        }
        for row in frame.itertuples()
    ]


class AnalyticsState(rx.State):
    """Filters and every section's figure, rows and "why empty" reason."""

    brand_id: str = ""
    brand_name: str = ""
    timezone: str = ""
    start: str = ""
    end: str = ""
    network: str = ALL
    account: str = ALL
    filter_error: str = ""
    networks: list[dict[str, str]] = []
    accounts: list[dict[str, str]] = []

    kpis: list[dict[str, str]] = []
    kpi_reason: str = ""
    engagement_figure: go.Figure = go.Figure()
    engagement_reason: str = ""
    network_figure: go.Figure = go.Figure()
    network_rows: list[dict[str, str]] = []
    network_reason: str = ""
    follower_figure: go.Figure = go.Figure()
    follower_reason: str = ""
    hashtag_rows: list[dict[str, str]] = []
    hashtag_reason: str = ""
    campaign_rows: list[dict[str, str]] = []
    campaign_reason: str = ""

    top_rows: list[dict[str, str]] = []
    top_reason: str = ""
    top_order: str = "engagements"
    top_descending: bool = True
    top_page: int = 0
    top_total: int = 0

    best_account: str = ""
    best_figure: go.Figure = go.Figure()
    best_source: str = ""
    best_label: str = ""
    best_reason: str = ""
    best_slots: list[dict[str, str]] = []

    competitor_rows: list[dict[str, str]] = []
    competitor_figure: go.Figure = go.Figure()
    competitor_reason: str = ""
    competitor_errors: dict[str, str] = {}
    competitor_version: int = 0
    competitor_busy: bool = False

    export_table: str = ALL
    export_error: str = ""

    # ------------------------------------------------------------ derived

    @rx.var
    def top_pages(self) -> int:
        return max(1, -(-self.top_total // PAGE_SIZE))

    @rx.var
    def top_page_label(self) -> str:
        if not self.top_total:
            return ""
        first = self.top_page * PAGE_SIZE + 1
        last = min(self.top_total, first + PAGE_SIZE - 1)
        return f"{first}–{last} of {self.top_total}"

    @rx.var
    def best_accounts(self) -> list[dict[str, str]]:
        return self.accounts

    # ------------------------------------------------------------ helpers

    def _filters(self) -> dict[str, Any]:
        return {
            "brand_id": int(self.brand_id),
            "start": date.fromisoformat(self.start),
            "end": date.fromisoformat(self.end),
            "account_ids": [int(self.account)] if self.account != ALL else None,
            "platforms": [self.network] if self.network != ALL else None,
        }

    def _section(self, load: Callable[[], T], on_error: Callable[[str], None]) -> T | None:
        try:
            return load()
        except Exception as exc:  # one failing section must not take the page down
            on_error(_problem(exc))
            return None

    def _load_all(self, session: Session, actor: Actor) -> None:
        if not self.brand_id:
            return
        try:
            scope = self._filters()
        except ValueError:
            self.filter_error = "Choose a start and an end date."
            return
        if scope["end"] < scope["start"]:
            self.filter_error = "The end date is before the start date."
            return
        self.filter_error = ""
        self._load_kpis(session, actor, scope)
        self._load_charts(session, actor, scope)
        self._load_top(session, actor)
        self._load_best(session, actor)
        self._load_competitors(session, actor, scope)

    def _set_kpi_reason(self, reason: str) -> None:
        self.kpis, self.kpi_reason = [], reason

    def _load_kpis(self, session: Session, actor: Actor, scope: dict[str, Any]) -> None:
        summary = self._section(
            lambda: analytics.summary(session, actor=actor, **scope), self._set_kpi_reason
        )
        if summary is not None:
            self.kpis = kpi_cards(summary)
            self.kpi_reason = summary.reason or ""

    def _load_charts(self, session: Session, actor: Actor, scope: dict[str, Any]) -> None:
        def engagement() -> None:
            data = analytics.engagement_over_time(session, actor=actor, **scope)
            self.engagement_reason = data.reason or ""
            if not data.empty:
                self.engagement_figure = _styled(analytics.engagement_figure(data))

        def networks() -> None:
            data = analytics.network_comparison(session, actor=actor, **scope)
            self.network_reason = data.reason or ""
            self.network_rows = _rows(
                data.frame,
                {
                    "network": "",
                    "accounts": "",
                    "posts": "",
                    "impressions": "",
                    "engagements": "",
                    "engagement_rate": "%",
                    "followers": "",
                    "follower_growth": "",
                },
            )
            if not data.empty:
                self.network_figure = _styled(analytics.network_figure(data))

        def followers() -> None:
            data = analytics.follower_growth(session, actor=actor, **scope)
            self.follower_reason = data.reason or ""
            if not data.empty:
                self.follower_figure = _styled(analytics.follower_figure(data))

        def hashtags() -> None:
            data = analytics.hashtag_performance(session, actor=actor, **scope)
            self.hashtag_reason = data.reason or ""
            self.hashtag_rows = _rows(
                data.frame,
                {
                    "hashtag": "",
                    "posts": "",
                    "impressions": "",
                    "engagements": "",
                    "engagements_per_post": "",
                    "engagement_rate": "%",
                },
            )

        def campaigns() -> None:
            data = analytics.campaign_performance(session, actor=actor, **scope)
            self.campaign_reason = data.reason or ""
            self.campaign_rows = _rows(
                data.frame,
                {
                    "campaign": "",
                    "posts": "",
                    "impressions": "",
                    "engagements": "",
                    "engagements_per_post": "",
                    "engagement_rate": "%",
                },
            )

        def fail(attr: str, rows: str | None = None) -> Callable[[str], None]:
            def set_reason(reason: str) -> None:
                setattr(self, attr, reason)
                if rows:
                    setattr(self, rows, [])

            return set_reason

        self._section(engagement, fail("engagement_reason"))
        self._section(networks, fail("network_reason", "network_rows"))
        self._section(followers, fail("follower_reason"))
        self._section(hashtags, fail("hashtag_reason", "hashtag_rows"))
        self._section(campaigns, fail("campaign_reason", "campaign_rows"))

    def _set_top_reason(self, reason: str) -> None:
        self.top_rows, self.top_total, self.top_reason = [], 0, reason

    def _load_top(self, session: Session, actor: Actor) -> None:
        top = self._section(
            lambda: analytics.top_posts(
                session,
                actor=actor,
                **self._filters(),
                order_by=self.top_order,
                descending=self.top_descending,
                limit=PAGE_SIZE,
                offset=self.top_page * PAGE_SIZE,
            ),
            self._set_top_reason,
        )
        if top is None:
            return
        self.top_total = top.total
        self.top_reason = top.reason or ""
        zone = self.timezone
        self.top_rows = [
            {
                "post_id": str(item.post_id),
                "text": item.text if len(item.text) <= 120 else item.text[:117] + "...",
                "network": item.network,
                "handle": item.handle,
                "published": item.published_at.astimezone(_zone(zone)).strftime("%Y-%m-%d %H:%M"),
                "impressions": fmt(item.impressions),
                "engagements": fmt(item.engagements),
                "engagement_rate": fmt(item.engagement_rate, "%"),
                "likes": fmt(item.likes),
                "comments": fmt(item.comments),
                "shares": fmt(item.shares),
            }
            for item in top.items
        ]

    def _set_best_reason(self, reason: str) -> None:
        self.best_reason, self.best_slots, self.best_source = reason, [], ""

    def _load_best(self, session: Session, actor: Actor) -> None:
        ids = {a["id"] for a in self.accounts}
        if self.best_account not in ids:
            self.best_account = self.accounts[0]["id"] if self.accounts else ""
        if not self.best_account:
            self._set_best_reason("Connect an account to see when your audience responds.")
            return
        data = self._section(
            lambda: analytics.best_times(session, actor=actor, account_id=int(self.best_account)),
            self._set_best_reason,
        )
        if data is None:
            return
        self.best_source = data.source
        if data.source == "own_history":
            self.best_label = (
                f"From your history: {data.sample_size} posts in the last 180 days "
                f"({data.timezone})."
            )
            self.best_reason = ""
        else:
            self.best_label = "Network defaults — not enough history yet."
            self.best_reason = data.reason or ""
        self.best_figure = _styled(analytics.best_times_figure(data))
        self.best_slots = [
            {
                "slot": f"{slot.weekday_name} {slot.hour:02d}:00",
                "score": fmt(slot.score),
                "sample": str(slot.sample_size) if data.source == "own_history" else "default",
            }
            for slot in data.slots[:5]
        ]

    def _set_competitor_reason(self, reason: str) -> None:
        self.competitor_rows, self.competitor_reason = [], reason

    def _load_competitors(self, session: Session, actor: Actor, scope: dict[str, Any]) -> None:
        days = (scope["end"] - scope["start"]).days + 1
        comparison = self._section(
            lambda: competitors.compare(
                session, actor=actor, brand_id=scope["brand_id"], days=min(days, 365)
            ),
            self._set_competitor_reason,
        )
        if comparison is None:
            return
        self.competitor_reason = comparison.reason or ""
        self.competitor_rows = [
            {
                "id": str(row.id),
                "kind": row.kind,
                "network": row.network,
                "handle": row.handle,
                "followers": fmt(row.followers),
                "follower_change": fmt(row.follower_change),
                "posts_per_week": fmt(row.posts_per_week),
                "engagements_per_post": fmt(row.engagements_per_post),
            }
            for row in comparison.rows
        ]
        if comparison.rows:
            figure = go.Figure(
                go.Bar(
                    x=[f"{r.handle} ({r.network})" for r in comparison.rows],
                    y=[r.followers or 0 for r in comparison.rows],
                    marker_color=[
                        "#6E56CF" if r.kind == "own" else "#F76B15" for r in comparison.rows
                    ],
                )
            )
            figure.update_layout(title="Followers: yours and competitors'")
            self.competitor_figure = _styled(figure)

    # ------------------------------------------------------------ events

    @rx.event
    async def load(self) -> None:
        """The switcher's brand, the last 30 days by default, every section."""
        with session_scope() as session:
            actor = await require_actor(self, session)
            brand = await current_brand(self, session, actor)
            if brand is None:
                self.brand_id = ""
                return
            if self.brand_id != str(brand.id) or not self.start:
                first, last = analytics.last_days(brand.timezone, 30)
                self.start, self.end = first.isoformat(), last.isoformat()
                self.network, self.account, self.top_page = ALL, ALL, 0
            self.brand_id, self.brand_name, self.timezone = (
                str(brand.id),
                brand.name,
                brand.timezone,
            )
            options = reports.filter_accounts(session, actor=actor, brand_id=brand.id)
            self.accounts = [
                {
                    "id": str(o.id),
                    "label": f"{o.network} @{o.handle}"
                    + ("" if o.connected else " (disconnected)"),
                    "platform": o.platform,
                }
                for o in options
            ]
            seen: dict[str, str] = {}
            for o in options:
                seen.setdefault(o.platform, o.network)
            self.networks = [{"id": k, "label": v} for k, v in seen.items()]
            self._load_all(session, actor)

    async def _reload(self) -> None:
        with session_scope() as session:
            self._load_all(session, await require_actor(self, session))

    @rx.event
    async def set_period(self, days: int) -> None:
        first, last = analytics.last_days(self.timezone or "UTC", days)
        self.start, self.end, self.top_page = first.isoformat(), last.isoformat(), 0
        await self._reload()

    @rx.event
    async def set_start(self, value: str) -> None:
        self.start, self.top_page = value, 0
        await self._reload()

    @rx.event
    async def set_end(self, value: str) -> None:
        self.end, self.top_page = value, 0
        await self._reload()

    @rx.event
    async def set_network(self, value: str) -> None:
        self.network, self.top_page = value, 0
        if value != ALL and self.account != ALL:
            chosen = next((a for a in self.accounts if a["id"] == self.account), None)
            if chosen is None or chosen["platform"] != value:
                self.account = ALL
        await self._reload()

    @rx.event
    async def set_account(self, value: str) -> None:
        self.account, self.top_page = value, 0
        await self._reload()

    @rx.event
    async def sort_top(self, order: str) -> None:
        if order == self.top_order:
            self.top_descending = not self.top_descending
        else:
            self.top_order, self.top_descending = order, True
        self.top_page = 0
        with session_scope() as session:
            self._load_top(session, await require_actor(self, session))

    @rx.event
    async def top_move(self, step: int) -> None:
        self.top_page = min(max(0, self.top_page + step), self.top_pages - 1)
        with session_scope() as session:
            self._load_top(session, await require_actor(self, session))

    @rx.event
    async def choose_best_account(self, value: str) -> None:
        self.best_account = value
        with session_scope() as session:
            self._load_best(session, await require_actor(self, session))

    @rx.event
    async def add_competitor(self, form_data: dict[str, str]) -> AsyncIterator[EventSpec | None]:
        """Look the handle up on the network (off the event loop) and start tracking it."""
        brand_id = int(self.brand_id)
        self.competitor_busy = True
        yield None  # show the spinner while the network answers
        with session_scope() as session:
            actor = await require_actor(self, session)

        def attempt() -> competitors.CompetitorPublic:
            with session_scope() as session:
                return competitors.add_competitor(
                    session,
                    actor=actor,
                    brand_id=brand_id,
                    platform=text(form_data, "platform") or "bluesky",
                    handle=text(form_data, "handle"),
                )

        try:
            added = await asyncio.to_thread(attempt)
        except DomainError as exc:
            self.competitor_errors = field_errors(exc)
            self.competitor_busy = False
            return
        self.competitor_errors, self.competitor_busy = {}, False
        self.competitor_version += 1
        await self._reload()
        yield rx.toast.success(f"Tracking {added.network} @{added.handle}.")

    @rx.event
    async def remove_competitor(self, competitor_id: str) -> EventSpec:
        with session_scope() as session:
            actor = await require_actor(self, session)
            removed = competitors.remove_competitor(
                session, actor=actor, competitor_id=int(competitor_id)
            )
            self._load_all(session, actor)
        return rx.toast.info(f"Stopped tracking @{removed.handle}.")

    @rx.event
    def set_export_table(self, value: str) -> None:
        self.export_table = value

    @rx.event
    async def export(self, fmt_name: str) -> EventSpec | None:
        """Download what the page shows (same filters) as CSV or PDF."""
        table = None if fmt_name == "pdf" or self.export_table == ALL else self.export_table
        try:
            scope = self._filters()
            with session_scope() as session:
                actor = await require_actor(self, session)
            exported = await asyncio.to_thread(_export_in_thread, actor, scope, fmt_name, table)
        except DomainError as exc:
            self.export_error = exc.message
            return None
        except ValueError:
            self.export_error = "Choose a start and an end date."
            return None
        self.export_error = ""
        return rx.download(
            data=exported.data, filename=exported.filename, mime_type=exported.content_type
        )


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name or "UTC")


def _export_in_thread(
    actor: Actor, scope: dict[str, Any], fmt_name: str, table: str | None
) -> reports.ExportFile:
    """Build the file off the event loop (a PDF draws charts: a few hundred milliseconds)."""
    with session_scope() as session:
        return reports.export(session, actor=actor, format=fmt_name, table=table, **scope)
