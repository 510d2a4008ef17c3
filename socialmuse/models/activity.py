"""What happened and who should hear about it."""

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from socialmuse.models.base import created_at_field, json_field, timestamp_field


class Notification(SQLModel, table=True):
    """An in-app message to one user inside one organization."""

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(max_length=64)
    title: str = Field(max_length=255)
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    link: str | None = Field(default=None, max_length=1024)
    created_at: datetime = created_at_field()
    read_at: datetime | None = timestamp_field()
    # Set once the mailer has sent (or given up on: no address) this notification's email.
    emailed_at: datetime | None = timestamp_field()


class AuditEvent(SQLModel, table=True):
    """A sensitive action: who, what, on which target, from where, when.

    Sign-in events have no organization (a login is not inside one); ``subject`` holds the
    normalised email they concern, which is also what login throttling counts.
    """

    __table_args__ = (
        Index("ix_auditevent_org_time", "organization_id", "created_at"),
        Index("ix_auditevent_action_subject_time", "action", "subject", "created_at"),
        Index("ix_auditevent_action_ip_time", "action", "ip", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int | None = Field(default=None, foreign_key="organization.id")
    actor_user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    action: str = Field(max_length=64)
    target_type: str | None = Field(default=None, max_length=32)
    target_id: int | None = None
    subject: str | None = Field(default=None, max_length=320)
    ip: str | None = Field(default=None, max_length=64)
    details: dict[str, Any] = json_field(dict)
    created_at: datetime = created_at_field()
