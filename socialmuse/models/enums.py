"""Enumerations stored as plain strings, so adding a member needs no database enum migration."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Membership roles, most powerful first (see services.permissions for what each may do)."""

    SUPER_ADMIN = "super_admin"
    ADMIN = "admin"
    AGENCY_MANAGER = "agency_manager"
    BRAND_OWNER = "brand_owner"
    TEAM_MEMBER = "team_member"


class Platform(StrEnum):
    """Networks SocialMuse publishes to; SANDBOX is the built-in, credential-free one."""

    X = "x"
    LINKEDIN = "linkedin"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    THREADS = "threads"
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    SANDBOX = "sandbox"


class AccountStatus(StrEnum):
    CONNECTED = "connected"
    RECONNECT_NEEDED = "reconnect_needed"
    RATE_LIMITED = "rate_limited"
    DISCONNECTED = "disconnected"


class PostStatus(StrEnum):
    """A post's editorial life; delivery to each account is tracked on its targets."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    PARTIALLY_PUBLISHED = "partially_published"
    FAILED = "failed"
    CANCELLED = "cancelled"


class TargetStatus(StrEnum):
    """One delivery's life (architecture.md, "A post's life")."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    QUEUED = "queued"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    FAILED = "failed"
    UNCONFIRMED = "unconfirmed"
    CANCELLED = "cancelled"


class AttemptOutcome(StrEnum):
    """How one publish try ended, as the adapter layer classifies it."""

    IN_PROGRESS = "in_progress"
    SUCCESS = "success"
    RATE_LIMITED = "rate_limited"
    AUTH_EXPIRED = "auth_expired"
    REJECTED = "rejected"
    TRANSIENT = "transient"
    UNKNOWN = "unknown"


class MediaKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    GIF = "gif"
    DOCUMENT = "document"
