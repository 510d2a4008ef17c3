"""Brands and the social accounts connected to them."""

from datetime import datetime
from typing import Any

from sqlalchemy import Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from socialmuse.models.base import created_at_field, json_field, timestamp_field
from socialmuse.models.enums import AccountStatus, Platform


def default_guardrails() -> dict[str, Any]:
    """Banned words and claims, and a disclosure every post must carry (checked in Stage C)."""
    return {"banned_words": [], "banned_claims": [], "required_disclosure": ""}


def default_approval_policy() -> dict[str, Any]:
    """Who needs approval and from whom; ``steps`` are approver roles, in order."""
    return {"required_for": "nobody", "steps": []}


class Brand(SQLModel, table=True):
    """A brand an organization posts for; its timezone governs every time shown and typed."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    name: str = Field(max_length=120)
    timezone: str = Field(max_length=64)
    voice: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    guardrails: dict[str, Any] = json_field(default_guardrails)
    approval_policy: dict[str, Any] = json_field(default_approval_policy)
    color: str = Field(default="#6E56CF", max_length=16)
    logo_media_id: int | None = Field(default=None)  # a MediaAsset shown on PDF reports
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    archived_at: datetime | None = timestamp_field()


class SocialAccount(SQLModel, table=True):
    """A connected profile on one network. Credentials are Fernet-encrypted JSON."""

    __table_args__ = (UniqueConstraint("brand_id", "platform", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    brand_id: int = Field(foreign_key="brand.id", index=True)
    platform: Platform = Field(sa_column=Column(String(32), nullable=False))
    external_id: str = Field(max_length=255)
    handle: str = Field(max_length=255)
    display_name: str = Field(default="", max_length=255)
    avatar_url: str | None = Field(default=None, max_length=1024)
    instance_url: str | None = Field(default=None, max_length=1024)
    credentials_encrypted: str = Field(default="", sa_column=Column(Text, nullable=False))
    token_expires_at: datetime | None = timestamp_field(index=True)
    status: AccountStatus = Field(
        default=AccountStatus.CONNECTED, sa_column=Column(String(32), nullable=False)
    )
    rate_limited_until: datetime | None = timestamp_field()
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    connected_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
