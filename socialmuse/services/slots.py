"""Posting slots per account and "add to queue": the next free slot, in the brand's zone.

A slot is a weekday and a minute of the local day (e.g. Tuesday 09:30 in Europe/Paris), so
it stays at 09:30 on the wall clock across daylight-saving changes. Slot times are built
day by day with zoneinfo; a slot that falls in a DST gap that day is skipped (it does not
exist), and one in the repeated hour takes its first occurrence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlmodel import Session, col, select

from socialmuse.models import PostingSlot, PostTarget, SocialAccount, utcnow
from socialmuse.models.enums import Platform, TargetStatus
from socialmuse.services import audit
from socialmuse.services.accounts import PLATFORM_LABELS, load_account
from socialmuse.services.brands import load_brand
from socialmuse.services.calendar import load_post
from socialmuse.services.errors import NotFound, ValidationError
from socialmuse.services.permissions import Action, Actor

_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
HORIZON_DAYS = 366
MAX_SLOTS_PER_ACCOUNT = 100
# A slot this close to now is not offered: the post would be late before it is saved.
LEAD_TIME = timedelta(minutes=1)
# Deliveries that no longer occupy their time (a failed or cancelled one frees the slot).
_FREEING = (TargetStatus.FAILED, TargetStatus.CANCELLED)


class SlotPublic(BaseModel):
    id: int
    account_id: int
    platform: Platform
    handle: str
    weekday: int
    weekday_label: str
    minute_of_day: int
    time_label: str


def parse_slot_time(value: str) -> int:
    """``HH:MM`` or ``H:MM`` (24-hour) as a minute of the day."""
    match = _HHMM.match((value or "").strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValidationError(
            f"{value!r} is not a time of day; use HH:MM, e.g. 09:30.", field="time"
        )
    return int(match[1]) * 60 + int(match[2])


def _label(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _check_weekday(weekday: int) -> int:
    if not 0 <= weekday <= 6:
        raise ValidationError("Choose a day of the week.", field="weekday")
    return weekday


def _public(slot: PostingSlot, account: SocialAccount) -> SlotPublic:
    return SlotPublic(
        id=slot.id or 0,
        account_id=account.id or 0,
        platform=Platform(account.platform),
        handle=account.handle,
        weekday=slot.weekday,
        weekday_label=WEEKDAYS[slot.weekday],
        minute_of_day=slot.minute_of_day,
        time_label=_label(slot.minute_of_day),
    )


def add_slot(
    session: Session, *, actor: Actor, account_id: int, weekday: int, at: str
) -> SlotPublic:
    """Add a weekly slot (``at`` is HH:MM in the brand's zone); adding one twice is refused."""
    account = load_account(
        session, actor=actor, account_id=account_id, action=Action.ACCOUNT_MANAGE
    )
    minute = parse_slot_time(at)
    _check_weekday(weekday)
    existing = session.exec(
        select(PostingSlot).where(PostingSlot.social_account_id == account.id)
    ).all()
    if any(s.weekday == weekday and s.minute_of_day == minute for s in existing):
        raise ValidationError(
            f"@{account.handle} already has a slot on {WEEKDAYS[weekday]} at {_label(minute)}.",
            field="time",
        )
    if len(existing) >= MAX_SLOTS_PER_ACCOUNT:
        raise ValidationError(
            f"An account can have at most {MAX_SLOTS_PER_ACCOUNT} slots.", field="time"
        )
    slot = PostingSlot(
        organization_id=actor.organization_id,
        social_account_id=account.id or 0,
        weekday=weekday,
        minute_of_day=minute,
    )
    session.add(slot)
    session.flush()
    audit.record_for(
        session,
        actor,
        "slot.added",
        target_type="account",
        target_id=account.id,
        details={"weekday": weekday, "minute_of_day": minute},
    )
    return _public(slot, account)


def set_weekly_slots(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    weekdays: Sequence[int],
    times: Sequence[str],
) -> list[SlotPublic]:
    """Replace an account's slots with every ``times`` on every one of ``weekdays``."""
    account = load_account(
        session, actor=actor, account_id=account_id, action=Action.ACCOUNT_MANAGE
    )
    minutes = sorted({parse_slot_time(t) for t in times})
    days = sorted({_check_weekday(d) for d in weekdays})
    if len(minutes) * len(days) > MAX_SLOTS_PER_ACCOUNT:
        raise ValidationError(
            f"An account can have at most {MAX_SLOTS_PER_ACCOUNT} slots.", field="time"
        )
    for slot in session.exec(
        select(PostingSlot).where(PostingSlot.social_account_id == account.id)
    ).all():
        session.delete(slot)
    session.flush()
    for day in days:
        for minute in minutes:
            session.add(
                PostingSlot(
                    organization_id=actor.organization_id,
                    social_account_id=account.id or 0,
                    weekday=day,
                    minute_of_day=minute,
                )
            )
    session.flush()
    audit.record_for(
        session,
        actor,
        "slot.replaced",
        target_type="account",
        target_id=account.id,
        details={"weekdays": days, "minutes": minutes},
    )
    return _slots_of(session, [account])


def delete_slot(session: Session, *, actor: Actor, slot_id: int) -> None:
    """Remove one slot; posts already queued into it keep their time."""
    slot = session.get(PostingSlot, slot_id)
    if slot is None or slot.organization_id != actor.organization_id:
        raise NotFound("That posting slot does not exist.")
    account = load_account(
        session, actor=actor, account_id=slot.social_account_id, action=Action.ACCOUNT_MANAGE
    )
    session.delete(slot)
    session.flush()
    audit.record_for(
        session,
        actor,
        "slot.deleted",
        target_type="account",
        target_id=account.id,
        details={"weekday": slot.weekday, "minute_of_day": slot.minute_of_day},
    )


def _slots_of(session: Session, accounts: Sequence[SocialAccount]) -> list[SlotPublic]:
    by_id = {a.id: a for a in accounts}
    if not by_id:
        return []
    rows = session.exec(
        select(PostingSlot)
        .where(col(PostingSlot.social_account_id).in_(list(by_id)))
        .order_by(col(PostingSlot.weekday), col(PostingSlot.minute_of_day))
    ).all()
    return [_public(s, by_id[s.social_account_id]) for s in rows]


def list_slots(session: Session, *, actor: Actor, brand_id: int) -> list[SlotPublic]:
    """Every slot of a brand's connected accounts, by weekday and time."""
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    accounts = session.exec(
        select(SocialAccount).where(
            SocialAccount.organization_id == actor.organization_id,
            SocialAccount.brand_id == brand_id,
        )
    ).all()
    return _slots_of(session, accounts)


def slot_instants(
    weekly: Sequence[tuple[int, int]], timezone: str, after: datetime, days: int = HORIZON_DAYS
) -> list[datetime]:
    """UTC instants of weekly (weekday, minute) slots after ``after``, soonest first.

    Built on each local date of the brand's zone: a slot skipped by a DST gap that day is
    left out; in the repeated hour the first occurrence is used.
    """
    zone = ZoneInfo(timezone)
    by_weekday: dict[int, list[int]] = {}
    for weekday, minute in sorted(set(weekly)):
        by_weekday.setdefault(weekday, []).append(minute)
    start: date = after.astimezone(zone).date()
    found = []
    for offset in range(days + 1):
        day = start + timedelta(days=offset)
        for minute in by_weekday.get(day.weekday(), []):
            wall = datetime.combine(day, time(minute // 60, minute % 60))
            local = wall.replace(tzinfo=zone, fold=0)
            instant = local.astimezone(UTC)
            if instant.astimezone(zone).replace(tzinfo=None) != wall:
                continue  # in the gap: that wall time does not exist today
            if instant > after:
                found.append(instant)
    return found


def next_free_slot(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    account_ids: Sequence[int],
    after: datetime | None = None,
) -> datetime:
    """The soonest slot time (of any of the accounts) at which none of them has a post yet."""
    brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    if not account_ids:
        raise ValidationError("Choose at least one account to queue for.", field="account_ids")
    accounts = []
    for account_id in dict.fromkeys(account_ids):
        account = load_account(
            session, actor=actor, account_id=account_id, action=Action.BRAND_VIEW
        )
        if account.brand_id != brand_id:
            raise ValidationError(
                f"Account {account_id} belongs to another brand.", field="account_ids"
            )
        accounts.append(account)
    return free_slot_for(session, accounts, brand.timezone, after=after)


def free_slot_for(
    session: Session,
    accounts: Sequence[SocialAccount],
    timezone: str,
    *,
    after: datetime | None = None,
) -> datetime:
    """``next_free_slot`` for accounts already authorized (the evergreen job has no actor)."""
    ids = [a.id for a in accounts]
    weekly = [
        (s.weekday, s.minute_of_day)
        for s in session.exec(
            select(PostingSlot).where(col(PostingSlot.social_account_id).in_(ids))
        ).all()
    ]
    if not weekly:
        names = ", ".join(
            f"@{a.handle} ({PLATFORM_LABELS[Platform(a.platform)]})" for a in accounts
        )
        raise ValidationError(
            f"{names} {'has' if len(accounts) == 1 else 'have'} no posting slots yet; add some "
            "in Settings → Posting slots, or pick a time instead.",
            field="account_ids",
        )
    floor = after if after is not None else utcnow() + LEAD_TIME
    taken = {
        t.replace(second=0, microsecond=0)
        for t in session.exec(
            select(PostTarget.scheduled_at).where(
                col(PostTarget.social_account_id).in_(ids),
                col(PostTarget.scheduled_at) > floor,
                col(PostTarget.status).not_in([s.value for s in _FREEING]),
            )
        ).all()
        if t is not None
    }
    for instant in slot_instants(weekly, timezone, floor):
        if instant not in taken:
            return instant
    raise ValidationError(
        f"Every posting slot of the next {HORIZON_DAYS} days is taken; add slots or pick a time.",
        field="account_ids",
    )


def queue_post(session: Session, *, actor: Actor, post_id: int) -> datetime:
    """Schedule a draft or approved post at the next free slot of its accounts."""
    from socialmuse.services import post_editing

    post = load_post(session, actor=actor, post_id=post_id, action=Action.POST_CREATE)
    account_ids = list(
        session.exec(
            select(PostTarget.social_account_id)
            .where(PostTarget.post_id == post.id, PostTarget.status != TargetStatus.CANCELLED)
            .order_by(col(PostTarget.id))
        ).all()
    )
    when = next_free_slot(session, actor=actor, brand_id=post.brand_id, account_ids=account_ids)
    post_editing.schedule_post(session, actor=actor, post_id=post_id, when_utc=when)
    return when
