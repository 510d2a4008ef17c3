"""Usage metering, the monthly cap, and provider failures in plain words.

Units: tokens for text (prompt + completion, as the server reports them or estimated at
four characters a token), characters for voice, seconds of video for video. Months are
calendar months in UTC (organizations carry no timezone; brands do, and one organization
may span several), so the cap resets at 00:00 UTC on the 1st.

A usage row is written in its own short transaction, so a failed call is metered even
when the caller's unit of work rolls back because the call failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from socialmuse.models import AIUsage, utcnow
from socialmuse.services.ai.providers import ProviderError
from socialmuse.services.errors import ValidationError

UNITS = {"text": "tokens", "voice": "characters", "video": "seconds of video"}
KIND_NAMES = {"text": "text and image", "voice": "voice-over", "video": "talking-head video"}


def month_start(now: datetime | None = None) -> datetime:
    now = now or utcnow()
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month_start(now: datetime | None = None) -> datetime:
    start = month_start(now)
    return (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )


def used_this_month(
    session: Session, organization_id: int, kind: str, now: datetime | None = None
) -> int:
    """Units this organization used for ``kind`` since the 1st of this month (UTC)."""
    total = session.exec(
        select(func.coalesce(func.sum(AIUsage.units), 0)).where(
            AIUsage.organization_id == organization_id,
            AIUsage.kind == kind,
            col(AIUsage.created_at) >= month_start(now),
        )
    ).one()
    return int(total or 0)


def check_cap(session: Session, organization_id: int, kind: str, cap: int) -> None:
    """Refuse before calling when this month's usage has reached the cap (0: no cap)."""
    if cap <= 0:
        return
    used = used_this_month(session, organization_id, kind)
    if used >= cap:
        resets = next_month_start().strftime("%B %-d")
        raise ValidationError(
            f"This organization has used {used:,} of its {cap:,} {UNITS[kind]} for "
            f"{KIND_NAMES[kind]} AI this month, so the cap is reached. It resets on {resets} "
            "(UTC); an admin can raise it in Settings → AI.",
            field="ai",
        )


@dataclass(frozen=True)
class Metered:
    organization_id: int
    user_id: int | None
    kind: str
    operation: str
    model: str


def record(
    engine: Engine,
    meter: Metered,
    *,
    units: int,
    prompt_tokens: int = 0,
    completion_tokens: int = 0,
    succeeded: bool = True,
) -> None:
    """Write one usage row and commit it on a connection of its own."""
    row = AIUsage(
        organization_id=meter.organization_id,
        user_id=meter.user_id,
        kind=meter.kind,
        operation=meter.operation[:64],
        model=meter.model[:255],
        units=max(0, units),
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        succeeded=succeeded,
    )
    with Session(engine, expire_on_commit=False) as own:
        own.add(row)
        own.commit()


PROVIDER_NAMES = {"text": "AI provider", "voice": "voice provider", "video": "video provider"}


def explain(error: ProviderError, kind: str, timeout_s: float | None = None) -> ValidationError:
    """A provider failure as one sentence a person can act on (never a stack trace)."""
    who = f"The {PROVIDER_NAMES.get(kind, 'AI provider')}"
    detail = f" It said: “{error.detail.strip()[:200]}”" if error.detail.strip() else ""
    if error.reason == "auth":
        # The provider's own words may echo part of the key: not repeated here.
        message = f"{who} refused the key. An admin can check or replace it in Settings → AI."
    elif error.reason == "rate_limit":
        wait = f"try again in {error.retry_after} s" if error.retry_after else "try again shortly"
        message = f"{who} is rate limiting; {wait}."
    elif error.reason == "quota":
        message = f"{who} says the account has no credit or quota left." + detail
    elif error.reason == "server":
        code = f" (HTTP {error.status})" if error.status else ""
        message = f"{who} had a problem on its side{code}; try again in a moment."
    elif error.reason == "timeout":
        limit = f" within {timeout_s:g} s" if timeout_s else ""
        message = (
            f"{who} did not answer{limit}; try again, or choose a faster model in Settings → AI."
        )
    elif error.reason == "connection":
        message = f"{who} could not be reached; check its base URL in Settings → AI."
    else:
        message = f"{who} turned the request down." + detail
    return ValidationError(message, field="ai")
