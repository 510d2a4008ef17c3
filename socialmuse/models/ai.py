"""Per-organization AI providers (any OpenAI-compatible server, ElevenLabs, D-ID) and usage."""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from socialmuse.models.base import created_at_field, json_field


class AIProviderConfig(SQLModel, table=True):
    """One provider per organization and kind; the key is sealed like account credentials."""

    __table_args__ = (UniqueConstraint("organization_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    # "text" (chat + images, OpenAI-compatible), "voice" (ElevenLabs), "video" (D-ID)
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    base_url: str = Field(max_length=1024)
    model: str = Field(default="", max_length=255)
    image_model: str = Field(default="", max_length=255)
    api_key_encrypted: str = Field(default="", sa_column=Column(Text, nullable=False))
    # Monthly cap in the provider's units (tokens for text, characters for voice, seconds for
    # video); 0 means no cap.
    monthly_cap: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    options: dict[str, Any] = json_field(dict)
    updated_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class AIUsage(SQLModel, table=True):
    """One metered call: what it cost in the provider's units, for caps and billing."""

    __table_args__ = (Index("ix_aiusage_org_kind_time", "organization_id", "kind", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id")
    user_id: int | None = Field(default=None, foreign_key="user.id")
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    operation: str = Field(max_length=64)
    model: str = Field(default="", max_length=255)
    units: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    prompt_tokens: int = Field(default=0)
    completion_tokens: int = Field(default=0)
    succeeded: bool = Field(default=True)
    created_at: datetime = created_at_field()
