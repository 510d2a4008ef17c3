"""Posts, their per-account deliveries and attempts, and what organises them."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from socialmuse.models.base import (
    UTCDateTime,
    created_at_field,
    json_field,
    timestamp_field,
)
from socialmuse.models.enums import AttemptOutcome, MediaKind, PostStatus, TargetStatus


def new_idempotency_key() -> str:
    """A stable key per target so every retry of one delivery carries the same marker."""
    return uuid.uuid4().hex


class Campaign(SQLModel, table=True):
    """A named group of posts with an optional date range (filters, campaign analytics)."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    brand_id: int | None = Field(default=None, foreign_key="brand.id", index=True)
    name: str = Field(max_length=120)
    color: str = Field(default="#3E63DD", max_length=16)
    starts_at: datetime | None = timestamp_field()
    ends_at: datetime | None = timestamp_field()
    created_at: datetime = created_at_field()
    archived_at: datetime | None = timestamp_field()


class Tag(SQLModel, table=True):
    """A free label shared across an organization's posts."""

    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    name: str = Field(max_length=64)
    color: str = Field(default="#8D8D8D", max_length=16)
    created_at: datetime = created_at_field()


class Post(SQLModel, table=True):
    """What a person wrote once; delivery to each account lives in PostTarget."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    brand_id: int = Field(foreign_key="brand.id", index=True)
    author_user_id: int | None = Field(default=None, foreign_key="user.id")
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)
    status: PostStatus = Field(
        default=PostStatus.DRAFT, sa_column=Column(String(32), nullable=False, index=True)
    )
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    thread_parts: list[str] = json_field(list)
    first_comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    scheduled_at: datetime | None = timestamp_field(index=True)
    published_at: datetime | None = timestamp_field()
    is_evergreen: bool = Field(default=False)
    # Which step of the brand's approval policy the post waits for (0 = the first).
    approval_step: int = Field(default=0)
    # Set on the copies the evergreen recycler makes, pointing at the library post.
    recycled_from_post_id: int | None = Field(default=None, foreign_key="post.id", index=True)
    source: str = Field(default="composer", max_length=32)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class PostTag(SQLModel, table=True):
    post_id: int = Field(foreign_key="post.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="tag.id", primary_key=True, ondelete="CASCADE")


class PostTarget(SQLModel, table=True):
    """One post delivered to one social account, with its own status and attempts."""

    __table_args__ = (
        UniqueConstraint("post_id", "social_account_id"),
        Index("ix_posttarget_status_due", "status", "scheduled_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    post_id: int = Field(foreign_key="post.id", index=True, ondelete="CASCADE")
    social_account_id: int = Field(foreign_key="socialaccount.id", index=True)
    status: TargetStatus = Field(
        default=TargetStatus.DRAFT, sa_column=Column(String(32), nullable=False)
    )
    text_override: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    media_override: list[int] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    options: dict[str, Any] = json_field(dict)
    scheduled_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    next_attempt_at: datetime | None = timestamp_field()
    lease_expires_at: datetime | None = timestamp_field()
    attempt_count: int = Field(default=0)
    idempotency_key: str = Field(
        default_factory=new_idempotency_key,
        sa_column=Column(String(64), nullable=False, unique=True),
    )
    external_id: str | None = Field(default=None, max_length=255)
    permalink: str | None = Field(default=None, max_length=1024)
    last_error_code: str | None = Field(default=None, max_length=64)
    last_error_message: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    published_at: datetime | None = timestamp_field()
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class PublishAttempt(SQLModel, table=True):
    """One try at delivering a target: the audit trail that makes duplicates explainable."""

    __table_args__ = (UniqueConstraint("target_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    target_id: int = Field(foreign_key="posttarget.id", index=True, ondelete="CASCADE")
    number: int
    started_at: datetime = created_at_field()
    finished_at: datetime | None = timestamp_field()
    outcome: AttemptOutcome = Field(
        default=AttemptOutcome.IN_PROGRESS, sa_column=Column(String(32), nullable=False)
    )
    idempotency_key: str = Field(max_length=64)
    http_status: int | None = None
    error_code: str | None = Field(default=None, max_length=64)
    error_message: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    retry_at: datetime | None = timestamp_field()
    worker: str | None = Field(default=None, max_length=128)


class MediaAsset(SQLModel, table=True):
    """A file in the media library; bytes live in the storage backend under ``storage_key``."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    brand_id: int | None = Field(default=None, foreign_key="brand.id", index=True)
    uploaded_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    kind: MediaKind = Field(sa_column=Column(String(16), nullable=False))
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=128)
    size_bytes: int = Field(sa_column=Column(BigInteger, nullable=False))
    sha256: str = Field(max_length=64, index=True)
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    storage_backend: str = Field(default="local", max_length=16)
    storage_key: str = Field(max_length=512)
    thumbnail_key: str | None = Field(default=None, max_length=512)
    alt_text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    folder: str = Field(default="", max_length=255)
    tags: list[str] = json_field(list)
    created_at: datetime = created_at_field()
    archived_at: datetime | None = timestamp_field()


class PostMedia(SQLModel, table=True):
    """Media attached to a post, in order."""

    post_id: int = Field(foreign_key="post.id", primary_key=True, ondelete="CASCADE")
    media_id: int = Field(foreign_key="mediaasset.id", primary_key=True)
    position: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))


class MediaFolder(SQLModel, table=True):
    """A named folder of a brand's media library (assets name it in ``MediaAsset.folder``).

    Kept as a row so a folder exists before anything is moved into it, and survives being
    emptied.
    """

    __table_args__ = (UniqueConstraint("brand_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    brand_id: int = Field(foreign_key="brand.id", index=True)
    name: str = Field(max_length=255)
    created_at: datetime = created_at_field()
