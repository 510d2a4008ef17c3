"""What helps a team plan: posting slots, the evergreen library and reusable snippets."""

from datetime import datetime
from typing import Any

from sqlalchemy import Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from socialmuse.models.base import created_at_field, json_field, timestamp_field


class PostingSlot(SQLModel, table=True):
    """A weekly time at which an account likes to post, in its brand's timezone.

    Stored as weekday + minute of the local day (not UTC) so that a 09:00 slot stays at 09:00
    across daylight-saving changes.
    """

    __table_args__ = (UniqueConstraint("social_account_id", "weekday", "minute_of_day"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    social_account_id: int = Field(foreign_key="socialaccount.id", index=True, ondelete="CASCADE")
    weekday: int  # 0 = Monday … 6 = Sunday
    minute_of_day: int  # 0 … 1439
    created_at: datetime = created_at_field()


class EvergreenRule(SQLModel, table=True):
    """How an evergreen post is recycled.

    Every ``interval_days``, at most ``max_recycles`` times, never within ``cooldown_days`` of
    its last run, rotating through ``variations`` so networks do not reject the copy as a
    duplicate.
    """

    post_id: int = Field(foreign_key="post.id", primary_key=True, ondelete="CASCADE")
    organization_id: int = Field(foreign_key="organization.id", index=True)
    interval_days: int = Field(default=30)
    max_recycles: int = Field(default=5)
    cooldown_days: int = Field(default=14)
    variations: list[str] = json_field(list)
    recycled_count: int = Field(default=0)
    last_recycled_at: datetime | None = timestamp_field()
    next_recycle_at: datetime | None = timestamp_field(index=True)
    active: bool = Field(default=True)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class Snippet(SQLModel, table=True):
    """Reusable text for the composer: a template, a signature or a hashtag group."""

    __table_args__ = (UniqueConstraint("organization_id", "kind", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    brand_id: int | None = Field(default=None, foreign_key="brand.id", index=True)
    # "template", "signature" or "hashtag_group"
    kind: str = Field(sa_column=Column(String(32), nullable=False))
    name: str = Field(max_length=120)
    body: str = Field(sa_column=Column(Text, nullable=False))
    options: dict[str, Any] = json_field(dict)
    created_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
