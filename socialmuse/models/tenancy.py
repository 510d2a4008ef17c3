"""Who may do what where: organizations, users, their memberships and login sessions."""

from datetime import datetime

from sqlalchemy import Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from socialmuse.models.base import (
    UTCDateTime,
    created_at_field,
    json_field,
    timestamp_field,
)
from socialmuse.models.enums import Role


class Organization(SQLModel, table=True):
    """A tenant: every other row belongs to exactly one organization."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    created_at: datetime = created_at_field()


class User(SQLModel, table=True):
    """A person; may belong to several organizations through memberships."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(320), nullable=False, unique=True))
    name: str = Field(max_length=120)
    password_hash: str = Field(max_length=255)
    is_active: bool = Field(default=True)
    created_at: datetime = created_at_field()
    last_login_at: datetime | None = timestamp_field()
    last_organization_id: int | None = Field(default=None, description="where a login lands")


class Membership(SQLModel, table=True):
    """A user's role in one organization; ``brand_scope`` limits it to some brands."""

    __table_args__ = (UniqueConstraint("organization_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role: Role = Field(sa_column=Column(String(32), nullable=False))
    created_at: datetime = created_at_field()


class MembershipBrand(SQLModel, table=True):
    """One brand a scoped membership may touch; no rows means every brand."""

    membership_id: int = Field(foreign_key="membership.id", primary_key=True, ondelete="CASCADE")
    brand_id: int = Field(foreign_key="brand.id", primary_key=True, ondelete="CASCADE")


class Invitation(SQLModel, table=True):
    """An invite-by-link; only the SHA-256 of its token is stored."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    email: str = Field(max_length=320)
    role: Role = Field(sa_column=Column(String(32), nullable=False))
    brand_ids: list[int] = json_field(list)
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    invited_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    accepted_at: datetime | None = timestamp_field()
    accepted_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    revoked_at: datetime | None = timestamp_field()


class AuthSession(SQLModel, table=True):
    """A login. The browser keeps the token; the database keeps its hash, expiry and revocation."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_seen_at: datetime = created_at_field()
    revoked_at: datetime | None = timestamp_field()
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=255)
