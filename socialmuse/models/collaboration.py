"""Approvals: comments on a post, each step's decision, and links for outside reviewers."""

from datetime import datetime

from sqlalchemy import Column, String, Text
from sqlmodel import Field, SQLModel

from socialmuse.models.base import created_at_field, timestamp_field


class PostComment(SQLModel, table=True):
    """An internal note on a post, by a member or by a client through a review link."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    post_id: int = Field(foreign_key="post.id", index=True, ondelete="CASCADE")
    author_user_id: int | None = Field(default=None, foreign_key="user.id")
    # Set instead of author_user_id when the comment came through a review link.
    reviewer_name: str | None = Field(default=None, max_length=120)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = created_at_field()


class PostReview(SQLModel, table=True):
    """One approval step's decision on one round of review (append-only history)."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    post_id: int = Field(foreign_key="post.id", index=True, ondelete="CASCADE")
    step: int = Field(default=0)
    # "approved" or "changes_requested"
    decision: str = Field(sa_column=Column(String(32), nullable=False))
    reviewer_user_id: int | None = Field(default=None, foreign_key="user.id")
    reviewer_name: str | None = Field(default=None, max_length=120)
    review_link_id: int | None = Field(default=None, foreign_key="reviewlink.id")
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = created_at_field()


class ReviewLink(SQLModel, table=True):
    """A signed, expiring link that lets a client approve or comment without an account.

    Only a hash of the token is stored, like login sessions, so a database leak hands out no
    working links; ``revoked_at`` ends a link before it expires.
    """

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    post_id: int = Field(foreign_key="post.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=128, unique=True)
    reviewer_name: str = Field(default="", max_length=120)
    created_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    expires_at: datetime = timestamp_field()
    created_at: datetime = created_at_field()
    revoked_at: datetime | None = timestamp_field()
    last_used_at: datetime | None = timestamp_field()
