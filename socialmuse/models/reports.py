"""Scheduled reports: which brand's report goes to whom, how often, and how the last run went.

``next_run_at`` is stored in UTC but computed from the local weekday/day and time in the
brand's timezone each time, so a 09:00 report stays at 09:00 across DST changes. A run is
claimed by moving ``next_run_at`` forward in one conditional UPDATE (exactly one scheduler
wins); a refused SMTP send keeps the result on the row and schedules a retry.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import Column, String, Text
from sqlmodel import Field, SQLModel

from socialmuse.models.base import UTCDateTime, created_at_field, json_field, timestamp_field


class ReportSchedule(SQLModel, table=True):
    """A weekly or monthly report emailed to a list of recipients."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    brand_id: int = Field(foreign_key="brand.id", index=True)
    name: str = Field(default="", max_length=120)
    frequency: str = Field(sa_column=Column(String(16), nullable=False))  # weekly | monthly
    weekday: int = Field(default=0)  # 0 = Monday (weekly)
    day_of_month: int = Field(default=1)  # 1..28 (monthly)
    local_time: str = Field(default="09:00", max_length=5)  # HH:MM in the brand's timezone
    recipients: list[Any] = json_field(list)
    format: str = Field(sa_column=Column(String(8), nullable=False))  # csv | pdf
    next_run_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    # The scheduled occurrence being delivered (kept through retries, so a retry sends the
    # report of the same period); None when nothing is pending.
    pending_run_at: datetime | None = timestamp_field()
    last_sent_at: datetime | None = timestamp_field()
    last_attempt_at: datetime | None = timestamp_field()
    last_status: str | None = Field(default=None, max_length=16)  # sent | failed
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    failures: int = Field(default=0)
    created_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
