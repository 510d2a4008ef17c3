"""The dashboard: only figures that exist today (brands, members); no invented KPIs."""

from __future__ import annotations

import reflex as rx

from socialmuse.db import session_scope
from socialmuse.services import organizations as organization_service
from socialmuse.state.auth import require_actor


class DashboardState(rx.State):
    """Counts of the current organization."""

    brand_count: int = 0
    member_count: int = 0

    @rx.event
    async def load(self) -> None:
        """Read the counts once per visit."""
        with session_scope() as session:
            actor = await require_actor(self, session)
            organization = organization_service.get_organization(session, actor=actor)
        self.brand_count = organization.brand_count
        self.member_count = organization.member_count
