"""The brand a page works on (the shell's switcher) and how its times read.

Pages that show one brand's data (accounts, compose) remember which brand they loaded; the
page compares that with ``ShellState.brand_id`` and reloads when the person switches brands,
so nothing on screen silently belongs to the previous brand.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import reflex as rx
from sqlmodel import Session

from socialmuse.services import brands as brand_service
from socialmuse.services.permissions import Actor
from socialmuse.services.schemas import BrandPublic
from socialmuse.state.shell import ShellState


async def current_brand(state: rx.State, session: Session, actor: Actor) -> BrandPublic | None:
    """The switcher's brand, re-checked against the actor's scope; None when there is none."""
    shell = await state.get_state(ShellState)
    if not shell.brand_id.isdigit():
        return None
    return brand_service.get_brand(session, actor=actor, brand_id=int(shell.brand_id))


def as_utc(moment: datetime) -> datetime:
    """Stored datetimes are naive UTC on SQLite and aware on PostgreSQL; treat both alike."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def in_zone(moment: datetime | None, timezone: str, *, seconds: bool = False) -> str:
    """Wall time in ``timezone`` with the zone's name, e.g. ``2026-05-01 09:30 Europe/Paris``."""
    if moment is None:
        return ""
    pattern = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return f"{as_utc(moment).astimezone(ZoneInfo(timezone)).strftime(pattern)} {timezone}"


def in_utc(moment: datetime | None, *, seconds: bool = False) -> str:
    """The same instant in UTC, shown beside the brand's time so nobody has to convert."""
    if moment is None:
        return ""
    pattern = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return f"{as_utc(moment).strftime(pattern)} UTC"
