"""Calendar periods and cells in the brand's timezone (no Reflex here: plain, testable code).

Every day and hour cell is computed on local dates with zoneinfo: a post at 09:00 in
Europe/Paris sits in the 09:00 row before and after a daylight-saving change, and the
period's UTC bounds come from local midnights, never from adding hours to UTC.
"""

from __future__ import annotations

import dataclasses
from calendar import monthrange
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from socialmuse import routes
from socialmuse.models.enums import Platform, PostStatus, TargetStatus
from socialmuse.services.calendar import IN_FLIGHT_TARGETS, CalendarEntry
from socialmuse.state.post_labels import POST_STATUS_LABELS, STATUS_COLORS

VIEWS = ("month", "week", "day", "list")
WEEKDAY_SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

NETWORK_COLORS: dict[Platform, str] = {
    Platform.X: "#0F1419",
    Platform.LINKEDIN: "#0A66C2",
    Platform.FACEBOOK: "#1877F2",
    Platform.INSTAGRAM: "#E1306C",
    Platform.THREADS: "#5B5B5B",
    Platform.MASTODON: "#6364FF",
    Platform.BLUESKY: "#0085FF",
    Platform.SANDBOX: "#8E4EC6",
}
"""One colour per network for the dots on each calendar entry."""

STATUS_BADGE_COLORS: dict[str, str] = {
    **STATUS_COLORS,
    "in_review": "amber",
    "changes_requested": "orange",
    "approved": "teal",
    "scheduled": "blue",
    "publishing": "blue",
}


@dataclasses.dataclass
class NetworkDot:
    label: str = ""
    color: str = ""
    handle: str = ""
    status: str = ""


@dataclasses.dataclass
class EntryView:
    """One post in a cell: what it shows and what dragging or moving it needs."""

    id: str = ""
    href: str = ""
    time: str = ""
    local_iso: str = ""
    date: str = ""
    excerpt: str = ""
    status: str = ""
    status_label: str = ""
    status_color: str = ""
    campaign: str = ""
    campaign_color: str = ""
    tags: str = ""
    evergreen: bool = False
    movable: bool = False
    queueable: bool = False
    networks: list[NetworkDot] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class SlotCell:
    """An hour of a day (week and day views); a drop here keeps the post's minutes."""

    date: str = ""
    hour: str = ""
    label: str = ""
    posts: list[EntryView] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class DayCell:
    """A day of the month grid, a column of the week view, or a group of the list view."""

    date: str = ""
    number: str = ""
    label: str = ""
    in_period: bool = True
    today: bool = False
    posts: list[EntryView] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class Period:
    """The local days a view shows, and the UTC instants that bound them."""

    view: str
    first: date
    last: date
    title: str
    zone: ZoneInfo

    @property
    def start_utc(self) -> datetime:
        return local_midnight(self.first, self.zone)

    @property
    def end_utc(self) -> datetime:
        return local_midnight(self.last + timedelta(days=1), self.zone)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The instant a local day starts (the first occurrence, should midnight repeat)."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def today_in(timezone: str) -> date:
    return datetime.now(UTC).astimezone(ZoneInfo(timezone)).date()


def parse_day(value: str, fallback: date) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return fallback


def period(view: str, anchor: date, timezone: str) -> Period:
    """The days ``view`` shows around ``anchor`` (weeks start on Monday)."""
    zone = ZoneInfo(timezone)
    if view == "day":
        return Period(view, anchor, anchor, f"{anchor:%A} {anchor.day} {anchor:%B %Y}", zone)
    if view == "week":
        first = anchor - timedelta(days=anchor.weekday())
        last = first + timedelta(days=6)
        if first.month == last.month:
            title = f"{first.day} – {last.day} {last:%B %Y}"
        else:
            title = f"{first.day} {first:%b} – {last.day} {last:%b %Y}"
        return Period(view, first, last, title, zone)
    first = anchor.replace(day=1)
    last = anchor.replace(day=monthrange(anchor.year, anchor.month)[1])
    if view == "month":
        grid_first = first - timedelta(days=first.weekday())
        grid_last = last + timedelta(days=6 - last.weekday())
        return Period(view, grid_first, grid_last, f"{first:%B %Y}", zone)
    return Period("list", first, last, f"{first:%B %Y}", zone)


def step(view: str, anchor: date, direction: int) -> date:
    """The anchor one period earlier (-1) or later (+1)."""
    if view == "day":
        return anchor + timedelta(days=direction)
    if view == "week":
        return anchor + timedelta(days=7 * direction)
    month = anchor.month - 1 + direction
    return date(anchor.year + month // 12, month % 12 + 1, 1)


def entry_view(entry: CalendarEntry, zone: ZoneInfo) -> EntryView:
    local = entry.at.astimezone(zone) if entry.at else None
    unsent = [t for t in entry.targets if t.status != TargetStatus.PUBLISHED]
    movable = (
        entry.status not in (PostStatus.PUBLISHED, PostStatus.CANCELLED)
        and bool(unsent or not entry.targets)
        and not any(t.status in IN_FLIGHT_TARGETS for t in entry.targets)
    )
    return EntryView(
        id=str(entry.id),
        href=routes.post_path(entry.id),
        time=f"{local:%H:%M}" if local else "",
        local_iso=f"{local:%Y-%m-%dT%H:%M}" if local else "",
        date=local.date().isoformat() if local else "",
        excerpt=entry.excerpt or "(no text)",
        status=entry.status.value,
        status_label=POST_STATUS_LABELS[entry.status],
        status_color=STATUS_BADGE_COLORS.get(entry.status.value, "blue"),
        campaign=entry.campaign_name or "",
        campaign_color=entry.campaign_color or "",
        tags=", ".join(t.name for t in entry.tags),
        evergreen=entry.is_evergreen,
        movable=movable,
        queueable=entry.status in (PostStatus.DRAFT, PostStatus.APPROVED),
        networks=[
            NetworkDot(
                label=t.platform_label,
                color=NETWORK_COLORS.get(t.platform, "#8D8D8D"),
                handle=t.handle,
                status=t.status.value,
            )
            for t in entry.targets
        ],
    )


def build_slots(per: Period, views: list[EntryView]) -> list[SlotCell]:
    """24 hour slots per day of the period, day after day (the week grid flows by column)."""
    slots = []
    for day in per.days():
        iso = day.isoformat()
        entries = [v for v in views if v.date == iso]
        slots += [
            SlotCell(
                date=iso,
                hour=str(hour),
                label=f"{hour:02d}:00",
                posts=[e for e in entries if int(e.time[:2]) == hour],
            )
            for hour in range(24)
        ]
    return slots


def build_days(per: Period, views: list[EntryView], today: date) -> list[DayCell]:
    """One cell per day of the period, each with its posts."""
    by_day: dict[str, list[EntryView]] = {}
    for view in views:
        by_day.setdefault(view.date, []).append(view)
    cells = []
    month = per.first + timedelta(days=15) if per.view == "month" else None
    for day in per.days():
        iso = day.isoformat()
        entries = by_day.get(iso, [])
        cells.append(
            DayCell(
                date=iso,
                number=str(day.day),
                label=f"{WEEKDAY_SHORT[day.weekday()]} {day.day} {day:%b}",
                in_period=month is None or day.month == month.month,
                today=day == today,
                posts=entries,
            )
        )
    return cells
