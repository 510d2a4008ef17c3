"""Campaigns and tags, managed from the calendar ("Campaigns & tags" dialog)."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from socialmuse.db import session_scope
from socialmuse.services import campaigns as campaign_service
from socialmuse.services import tags as tag_service
from socialmuse.services.errors import DomainError
from socialmuse.services.permissions import Actor
from socialmuse.state.auth import require_actor
from socialmuse.state.calendar import CalendarState
from socialmuse.state.forms import FORM, field_errors, text


class CalendarLabelsState(rx.State):
    """The dialog's lists and the last refusal (keyed by form: ``campaign-3``, ``tag-new``…)."""

    open: bool = False
    brand_id: str = ""
    campaigns: list[dict[str, str]] = []
    tags: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    version: int = 0

    def _reload(self, session: Session, actor: Actor) -> None:
        self.campaigns = [
            {"id": str(c.id), "name": c.name, "color": c.color}
            for c in campaign_service.list_campaigns(
                session, actor=actor, brand_id=int(self.brand_id)
            )
        ]
        self.tags = [
            {"id": str(t.id), "name": t.name, "color": t.color}
            for t in tag_service.list_tags(session, actor=actor)
        ]

    @rx.event
    async def set_open(self, is_open: bool) -> None:
        self.open, self.errors = is_open, {}
        if not is_open:
            return
        calendar = await self.get_state(CalendarState)
        self.brand_id = calendar.brand_id
        if self.brand_id:
            with session_scope() as session:
                self._reload(session, await require_actor(self, session))

    async def _change(self, key: str, change: object) -> EventSpec | list[EventSpec] | None:
        try:
            with session_scope() as session:
                actor = await require_actor(self, session)
                change(session, actor)  # type: ignore[operator]
                self._reload(session, actor)
        except DomainError as exc:
            self.errors = {key: next(iter(field_errors(exc).values()))}
            return None
        self.errors = {}
        self.version += 1
        return [CalendarState.load, rx.toast.success("Saved.")]

    @rx.event
    async def create_campaign(
        self, form_data: dict[str, str]
    ) -> EventSpec | list[EventSpec] | None:
        brand_id = int(self.brand_id)
        return await self._change(
            "campaign-new",
            lambda s, a: campaign_service.create_campaign(
                s,
                actor=a,
                brand_id=brand_id,
                name=text(form_data, "name"),
                color=text(form_data, "color"),
            ),
        )

    @rx.event
    async def update_campaign(
        self, form_data: dict[str, str]
    ) -> EventSpec | list[EventSpec] | None:
        campaign_id = int(text(form_data, "id"))
        return await self._change(
            f"campaign-{campaign_id}",
            lambda s, a: campaign_service.update_campaign(
                s,
                actor=a,
                campaign_id=campaign_id,
                name=text(form_data, "name"),
                color=text(form_data, "color"),
            ),
        )

    @rx.event
    async def archive_campaign(self, campaign_id: str) -> EventSpec | list[EventSpec] | None:
        return await self._change(
            f"campaign-{campaign_id}",
            lambda s, a: campaign_service.archive_campaign(
                s, actor=a, campaign_id=int(campaign_id)
            ),
        )

    @rx.event
    async def update_tag(self, form_data: dict[str, str]) -> EventSpec | list[EventSpec] | None:
        tag_id = int(text(form_data, "id"))
        return await self._change(
            f"tag-{tag_id}",
            lambda s, a: tag_service.update_tag(
                s,
                actor=a,
                tag_id=tag_id,
                name=text(form_data, "name"),
                color=text(form_data, "color"),
            ),
        )

    @rx.event
    async def delete_tag(self, tag_id: str) -> EventSpec | list[EventSpec] | None:
        return await self._change(
            f"tag-{tag_id}",
            lambda s, a: tag_service.delete_tag(s, actor=a, tag_id=int(tag_id)),
        )


__all__ = ["FORM", "CalendarLabelsState"]
