"""Short links served by SocialMuse, and every click on them."""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Index, Text
from sqlmodel import Field, SQLModel

from socialmuse.models.base import created_at_field, json_field


class ShortLink(SQLModel, table=True):
    """``/l/<code>`` redirects to ``destination_url`` (UTM parameters already applied)."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    brand_id: int | None = Field(default=None, foreign_key="brand.id", index=True)
    post_id: int | None = Field(default=None, foreign_key="post.id", index=True)
    code: str = Field(max_length=32, unique=True)
    destination_url: str = Field(sa_column=Column(Text, nullable=False))
    utm: dict[str, Any] = json_field(dict)
    click_count: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    created_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = created_at_field()


class LinkClick(SQLModel, table=True):
    """One click; the referrer tells which network (and so which target) it came from."""

    __table_args__ = (Index("ix_linkclick_link_time", "short_link_id", "clicked_at"),)

    id: int | None = Field(default=None, primary_key=True)
    short_link_id: int = Field(foreign_key="shortlink.id", ondelete="CASCADE")
    clicked_at: datetime = created_at_field()
    referrer_host: str | None = Field(default=None, max_length=255)
    platform: str | None = Field(default=None, max_length=32)
