"""Analytics storage: append-only snapshots, collection schedules, rollups, competitors.

Snapshots are the raw truth and are never updated or deleted: a failed collection leaves
the earlier ones standing. Everything the dashboard reads often is kept small beside them
and maintained on ingestion:

  PostMetricLatest   the newest counts of each published target (top posts, best times)
  MetricDaily        per account per local day (brand timezone): what happened that day
                     (impressions, engagements, posts) and followers at the end of it

so a KPI over 90 days reads 90 rows per account instead of scanning millions of snapshots.
The snapshot tables carry a B-tree on (account, collected_at) and, on PostgreSQL only, a
BRIN on collected_at (created in migration 0003: append-only rows arrive in time order).
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from socialmuse.models.base import UTCDateTime, created_at_field, json_field, timestamp_field

# A 64-bit key on PostgreSQL (10M+ rows); SQLite's INTEGER PRIMARY KEY is already 64-bit.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def _utc(*, index: bool = False) -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=False, index=index))


class PostMetricSnapshot(SQLModel, table=True):
    """The counts of one published target as the network reported them at one moment."""

    __table_args__ = (
        Index("ix_postmetricsnapshot_target_time", "target_id", "collected_at"),
        Index("ix_postmetricsnapshot_account_time", "social_account_id", "collected_at"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigId, primary_key=True))
    organization_id: int = Field(foreign_key="organization.id", index=True)
    target_id: int = Field(
        sa_column=Column(Integer, ForeignKey("posttarget.id", ondelete="CASCADE"), nullable=False)
    )
    social_account_id: int = Field(foreign_key="socialaccount.id")
    collected_at: datetime = _utc()
    impressions: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    likes: int = Field(default=0)
    comments: int = Field(default=0)
    shares: int = Field(default=0)
    clicks: int | None = None
    saves: int | None = None
    engagements: int = Field(default=0)
    extra: dict[str, Any] = json_field(dict)


class AccountMetricSnapshot(SQLModel, table=True):
    """An account's audience at one moment: followers, following, posts."""

    __table_args__ = (
        Index("ix_accountmetricsnapshot_account_time", "social_account_id", "collected_at"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigId, primary_key=True))
    organization_id: int = Field(foreign_key="organization.id", index=True)
    social_account_id: int = Field(foreign_key="socialaccount.id")
    collected_at: datetime = _utc()
    followers: int = Field(default=0)
    following: int | None = None
    posts_count: int | None = None


class PostMetricSchedule(SQLModel, table=True):
    """When a published target is next due for a metrics read, and how collection goes.

    ``collect_step`` indexes the decaying cadence (services.metrics_collection.CADENCE).
    A worker claims a step by setting ``lease_expires_at`` with a conditional update and
    finishes it by moving ``collect_step`` on only if it still reads the claimed value.
    """

    __table_args__ = (Index("ix_postmetricschedule_due", "finished", "next_collect_at"),)

    target_id: int = Field(
        sa_column=Column(Integer, ForeignKey("posttarget.id", ondelete="CASCADE"), primary_key=True)
    )
    organization_id: int = Field(foreign_key="organization.id", index=True)
    social_account_id: int = Field(foreign_key="socialaccount.id", index=True)
    published_at: datetime = _utc()
    collect_step: int = Field(default=0)
    next_collect_at: datetime = _utc()
    lease_expires_at: datetime | None = timestamp_field()
    failures: int = Field(default=0)
    last_collected_at: datetime | None = timestamp_field()
    last_error_code: str | None = Field(default=None, max_length=64)
    last_error_message: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    finished: bool = Field(default=False)


class AccountMetricSchedule(SQLModel, table=True):
    """Daily audience collection per account, with the same claim and backoff rules."""

    social_account_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("socialaccount.id", ondelete="CASCADE"), primary_key=True
        )
    )
    organization_id: int = Field(foreign_key="organization.id", index=True)
    next_collect_at: datetime = _utc(index=True)
    lease_expires_at: datetime | None = timestamp_field()
    failures: int = Field(default=0)
    last_collected_at: datetime | None = timestamp_field()
    last_error_code: str | None = Field(default=None, max_length=64)
    last_error_message: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class PostMetricLatest(SQLModel, table=True):
    """The newest counts of each target, denormalised for sorting and paging in the database."""

    __table_args__ = (
        Index("ix_postmetriclatest_brand_published", "brand_id", "published_at"),
        Index("ix_postmetriclatest_account_published", "social_account_id", "published_at"),
        # Top posts by engagement (the default sort): read in order, stop after one page.
        Index("ix_postmetriclatest_brand_engagements", "brand_id", "engagements"),
    )

    target_id: int = Field(
        sa_column=Column(Integer, ForeignKey("posttarget.id", ondelete="CASCADE"), primary_key=True)
    )
    organization_id: int = Field(foreign_key="organization.id", index=True)
    brand_id: int = Field(foreign_key="brand.id")
    post_id: int = Field(foreign_key="post.id", index=True)
    social_account_id: int = Field(foreign_key="socialaccount.id")
    platform: str = Field(sa_column=Column(String(32), nullable=False))
    published_at: datetime = _utc()
    collected_at: datetime = _utc()
    impressions: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    likes: int = Field(default=0)
    comments: int = Field(default=0)
    shares: int = Field(default=0)
    clicks: int | None = None
    saves: int | None = None
    engagements: int = Field(default=0)


class MetricDaily(SQLModel, table=True):
    """One account's day (in its brand's timezone): gains that day, followers at its end."""

    __table_args__ = (
        UniqueConstraint("social_account_id", "day"),
        Index("ix_metricdaily_brand_day", "brand_id", "day"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigId, primary_key=True))
    organization_id: int = Field(foreign_key="organization.id", index=True)
    brand_id: int = Field(foreign_key="brand.id")
    social_account_id: int = Field(foreign_key="socialaccount.id")
    platform: str = Field(sa_column=Column(String(32), nullable=False))
    day: date = Field(sa_column=Column(Date, nullable=False))
    impressions: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    engagements: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    likes: int = Field(default=0)
    comments: int = Field(default=0)
    shares: int = Field(default=0)
    clicks: int = Field(default=0)
    posts_published: int = Field(default=0)
    followers: int | None = None


class Competitor(SQLModel, table=True):
    """A public account a brand watches (Bluesky, Mastodon, X), looked up by handle."""

    __table_args__ = (UniqueConstraint("brand_id", "platform", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    brand_id: int = Field(foreign_key="brand.id", index=True)
    platform: str = Field(sa_column=Column(String(32), nullable=False))
    handle: str = Field(max_length=255)
    external_id: str = Field(max_length=255)
    display_name: str = Field(default="", max_length=255)
    instance_url: str | None = Field(default=None, max_length=1024)
    added_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    next_collect_at: datetime | None = timestamp_field(index=True)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = created_at_field()
    archived_at: datetime | None = timestamp_field()


class CompetitorSnapshot(SQLModel, table=True):
    """A competitor's public numbers on one day: audience, output, recent engagement."""

    __table_args__ = (
        Index("ix_competitorsnapshot_competitor_time", "competitor_id", "collected_at"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigId, primary_key=True))
    organization_id: int = Field(foreign_key="organization.id", index=True)
    competitor_id: int = Field(
        sa_column=Column(Integer, ForeignKey("competitor.id", ondelete="CASCADE"), nullable=False)
    )
    collected_at: datetime = _utc()
    followers: int = Field(default=0)
    following: int | None = None
    posts_count: int | None = None
    recent_posts: int = Field(default=0)
    recent_engagements: int = Field(default=0)


class MilestoneAlert(SQLModel, table=True):
    """A threshold a post or account has passed; the unique key makes each alert fire once."""

    __table_args__ = (UniqueConstraint("subject_type", "subject_id", "threshold"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    brand_id: int = Field(foreign_key="brand.id")
    subject_type: str = Field(sa_column=Column(String(16), nullable=False))
    subject_id: int
    threshold: int = Field(sa_column=Column(BigInteger, nullable=False))
    value: int = Field(sa_column=Column(BigInteger, nullable=False))
    created_at: datetime = created_at_field()
    emailed_at: datetime | None = timestamp_field()
