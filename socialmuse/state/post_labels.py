"""How post, delivery and attempt states read to a person, and which ones are settled."""

from __future__ import annotations

from socialmuse.models.enums import AttemptOutcome, PostStatus, TargetStatus

POST_STATUS_LABELS: dict[PostStatus, str] = {
    PostStatus.DRAFT: "draft",
    PostStatus.IN_REVIEW: "in review",
    PostStatus.CHANGES_REQUESTED: "changes requested",
    PostStatus.APPROVED: "approved",
    PostStatus.SCHEDULED: "scheduled",
    PostStatus.PUBLISHING: "publishing",
    PostStatus.PUBLISHED: "published",
    PostStatus.PARTIALLY_PUBLISHED: "partially published",
    PostStatus.FAILED: "failed",
    PostStatus.CANCELLED: "cancelled",
}

TARGET_STATUS_LABELS: dict[TargetStatus, str] = {
    TargetStatus.DRAFT: "draft",
    TargetStatus.SCHEDULED: "scheduled",
    TargetStatus.QUEUED: "queued",
    TargetStatus.PUBLISHING: "publishing",
    TargetStatus.PUBLISHED: "published",
    TargetStatus.FAILED: "failed",
    TargetStatus.UNCONFIRMED: "checking with the network",
    TargetStatus.CANCELLED: "cancelled",
}

OUTCOME_LABELS: dict[AttemptOutcome, str] = {
    AttemptOutcome.IN_PROGRESS: "in progress",
    AttemptOutcome.SUCCESS: "published",
    AttemptOutcome.RATE_LIMITED: "rate-limited, will retry",
    AttemptOutcome.AUTH_EXPIRED: "login expired",
    AttemptOutcome.REJECTED: "refused by the network",
    AttemptOutcome.TRANSIENT: "network unavailable",
    AttemptOutcome.UNKNOWN: "outcome unknown",
}

STATUS_COLORS: dict[str, str] = {
    "published": "green",
    "partially_published": "amber",
    "failed": "red",
    "unconfirmed": "amber",
    "cancelled": "gray",
    "draft": "gray",
}
"""Badge colours by status value; anything in flight is the accent colour."""

SETTLED: frozenset[TargetStatus] = frozenset(
    {TargetStatus.PUBLISHED, TargetStatus.FAILED, TargetStatus.CANCELLED, TargetStatus.DRAFT}
)
"""Deliveries nothing will move on its own (a failed one moves only when someone retries)."""
