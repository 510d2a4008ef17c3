"""Turning what a person typed into an instant: brand timezones, DST gaps, the past."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from socialmuse.models import utcnow
from socialmuse.services.errors import ValidationError

PAST_GRACE = timedelta(seconds=60)


def parse_when(value: str, *, timezone: str, now: datetime | None = None) -> datetime:
    """ISO 8601 with an offset is an instant; without one it is wall time in the brand's zone.

    Wall times that do not exist (the hour skipped when clocks go forward) are refused,
    since any guess would publish at a time nobody chose. Ambiguous ones (the repeated hour
    when clocks go back) take the first occurrence, as calendars do.
    """
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            f"{value!r} is not a date and time; use e.g. 2026-12-01T09:30 "
            f"(in the brand's timezone, {timezone}) or add an offset like +01:00.",
            field="at",
        ) from None
    if parsed.tzinfo is None:
        zone = ZoneInfo(timezone)
        local = parsed.replace(tzinfo=zone, fold=0)
        round_trip = local.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if round_trip != parsed:
            raise ValidationError(
                f"{parsed:%Y-%m-%d %H:%M} does not exist in {timezone}: the clocks skip that "
                "hour for daylight saving time. Choose another time.",
                field="at",
            )
        parsed = local
    instant = parsed.astimezone(UTC)
    if instant < (now or utcnow()) - PAST_GRACE:
        raise ValidationError(
            f"{instant:%Y-%m-%d %H:%M} UTC is in the past; choose a time from now on.",
            field="at",
        )
    return instant
