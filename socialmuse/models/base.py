"""Column types and helpers shared by every table.

Every timestamp is stored timezone-aware in UTC. SQLite has no timezone type and hands
back naive datetimes, so ``UTCDateTime`` re-attaches UTC on the way out and refuses
naive values on the way in: a naive datetime is a bug waiting for a DST change.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Column, Field, SQLModel

# Named constraints keep migrations stable across PostgreSQL and SQLite (batch mode needs names).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware DateTime that always comes back in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a timezone")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def created_at_field() -> Any:
    """A non-null creation timestamp filled by Python, so every backend agrees."""
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


def timestamp_field(*, index: bool = False) -> Any:
    """An optional UTC timestamp column."""
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=True, index=index))


def json_field(default_factory: Any) -> Any:
    """A JSON column for small structured settings (lists of ids, policies)."""
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))
