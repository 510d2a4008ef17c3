"""The dashboard: the organization's counts, and the current brand's KPIs and to-dos.

KPIs compare the chosen period (7, 30 or 90 days in the brand's timezone) with the one
before; the lists show what needs a person: posts about to go out, deliveries that failed
and accounts that must be reconnected. Each part fails on its own with a plain message.
"""

from __future__ import annotations

import logging

import reflex as rx
from sqlmodel import Session

from socialmuse import routes
from socialmuse.db import session_scope
from socialmuse.services import analytics
from socialmuse.services import organizations as organization_service
from socialmuse.services.errors import DomainError
from socialmuse.services.permissions import Actor
from socialmuse.state.analytics import kpi_cards
from socialmuse.state.auth import require_actor
from socialmuse.state.current_brand import current_brand

log = logging.getLogger(__name__)
PERIODS = ("7", "30", "90")


def _problem(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    log.exception("dashboard section failed")
    return "This could not be loaded right now; try again in a moment."


class DashboardState(rx.State):
    """Counts of the organization; KPIs and to-do lists of the switcher's brand."""

    brand_count: int = 0
    member_count: int = 0
    brand_id: str = ""
    brand_name: str = ""
    loaded: bool = False
    period: str = "30"
    period_label: str = ""
    kpis: list[dict[str, str]] = []
    kpi_reason: str = ""
    upcoming: list[dict[str, str]] = []
    upcoming_error: str = ""
    failing: list[dict[str, str]] = []
    failing_error: str = ""
    reconnect: list[dict[str, str]] = []
    reconnect_error: str = ""

    def _load_kpis(self, session: Session, actor: Actor, timezone: str) -> None:
        try:
            start, end = analytics.last_days(timezone, int(self.period))
            summary = analytics.summary(
                session, actor=actor, brand_id=int(self.brand_id), start=start, end=end
            )
        except Exception as exc:  # the lists below still load
            self.kpis, self.kpi_reason = [], _problem(exc)
            return
        self.kpis = kpi_cards(summary)
        self.kpi_reason = summary.reason or ""
        self.period_label = (
            f"{start:%d %b} – {end:%d %b %Y} vs {summary.previous_start:%d %b} – "
            f"{summary.previous_end:%d %b} ({timezone})"
        )

    def _load_lists(self, session: Session, actor: Actor) -> None:
        brand_id = int(self.brand_id)
        try:
            self.upcoming = [
                {
                    "post_id": str(p.post_id),
                    "href": routes.post_path(p.post_id),
                    "text": p.text if len(p.text) <= 90 else p.text[:87] + "...",
                    "when": p.scheduled_local,
                    "networks": ", ".join(p.networks),
                }
                for p in analytics.upcoming_posts(session, actor=actor, brand_id=brand_id, limit=5)
            ]
            self.upcoming_error = ""
        except Exception as exc:
            self.upcoming, self.upcoming_error = [], _problem(exc)
        try:
            self.failing = [
                {
                    "target_id": str(t.target_id),
                    "href": routes.post_path(t.post_id),
                    "text": t.text if len(t.text) <= 90 else t.text[:87] + "...",
                    "account": f"{t.network} @{t.handle}",
                    "status": t.status,
                    "error": t.error or "",
                }
                for t in analytics.failing_targets(session, actor=actor, brand_id=brand_id, limit=5)
            ]
            self.failing_error = ""
        except Exception as exc:
            self.failing, self.failing_error = [], _problem(exc)
        try:
            self.reconnect = [
                {
                    "id": str(a.id),
                    "account": f"{a.platform_label} @{a.handle}",
                    "error": a.last_error or "",
                }
                for a in analytics.accounts_needing_reconnection(
                    session, actor=actor, brand_id=brand_id
                )
            ]
            self.reconnect_error = ""
        except Exception as exc:
            self.reconnect, self.reconnect_error = [], _problem(exc)

    @rx.event
    async def load(self) -> None:
        """Counts, then the brand's KPIs and lists (every visit and after a brand switch)."""
        with session_scope() as session:
            actor = await require_actor(self, session)
            organization = organization_service.get_organization(session, actor=actor)
            self.brand_count = organization.brand_count
            self.member_count = organization.member_count
            brand = await current_brand(self, session, actor)
            self.brand_id = str(brand.id) if brand else ""
            self.brand_name = brand.name if brand else ""
            if brand is not None:
                self._load_kpis(session, actor, brand.timezone)
                self._load_lists(session, actor)
        self.loaded = True

    @rx.event
    async def set_period(self, value: str) -> None:
        """7, 30 or 90 days; only the KPIs change."""
        if value not in PERIODS or not self.brand_id:
            return
        self.period = value
        with session_scope() as session:
            actor = await require_actor(self, session)
            brand = await current_brand(self, session, actor)
            if brand is not None:
                self._load_kpis(session, actor, brand.timezone)
