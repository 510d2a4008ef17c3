"""What services hand back to the doors: plain, serialisable views, never ORM rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from socialmuse.models.enums import Role


class SignedIn(BaseModel):
    token: str
    user_id: int
    organization_id: int | None


class UserPublic(BaseModel):
    id: int
    email: str
    name: str


class OrganizationSummary(BaseModel):
    id: int
    name: str
    role: Role


class OrganizationPublic(BaseModel):
    id: int
    name: str
    created_at: datetime
    member_count: int
    brand_count: int


class BrandPublic(BaseModel):
    id: int
    organization_id: int
    name: str
    timezone: str
    voice: str
    color: str
    guardrails: dict[str, Any]
    approval_policy: dict[str, Any]
    archived: bool
    created_at: datetime


class MemberPublic(BaseModel):
    membership_id: int
    user_id: int
    email: str
    name: str
    role: Role
    role_label: str
    brand_ids: list[int]
    brand_names: list[str]
    joined_at: datetime
    is_you: bool
    manageable: bool


class InvitationPublic(BaseModel):
    id: int
    email: str
    role: Role
    role_label: str
    brand_ids: list[int]
    brand_names: list[str]
    invited_by: str
    created_at: datetime
    expires_at: datetime
    status: str  # pending, accepted, revoked, expired


class CreatedInvitation(BaseModel):
    invitation: InvitationPublic
    token: str
    url: str


class InvitationPreview(BaseModel):
    organization_name: str
    email: str
    role: Role
    role_label: str
    brand_names: list[str]
    invited_by: str
    expires_at: datetime
    account_exists: bool


class AuditEventPublic(BaseModel):
    id: int
    created_at: datetime
    action: str
    actor: str
    target: str
    ip: str
    details: dict[str, Any]
    summary: str


class AuditPage(BaseModel):
    items: list[AuditEventPublic]
    total: int
    page: int
    page_size: int
