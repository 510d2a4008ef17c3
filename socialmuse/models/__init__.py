"""SQLModel tables. Importing this package registers every table on ``SQLModel.metadata``."""

from socialmuse.models.activity import AuditEvent, Notification
from socialmuse.models.base import UTCDateTime, utcnow
from socialmuse.models.brands import Brand, SocialAccount
from socialmuse.models.content import (
    Campaign,
    MediaAsset,
    Post,
    PostMedia,
    PostTag,
    PostTarget,
    PublishAttempt,
    Tag,
)
from socialmuse.models.enums import (
    AccountStatus,
    AttemptOutcome,
    MediaKind,
    Platform,
    PostStatus,
    Role,
    TargetStatus,
)
from socialmuse.models.tenancy import (
    AuthSession,
    Invitation,
    Membership,
    MembershipBrand,
    Organization,
    User,
)

__all__ = [
    "AccountStatus",
    "AttemptOutcome",
    "AuditEvent",
    "AuthSession",
    "Brand",
    "Campaign",
    "Invitation",
    "MediaAsset",
    "MediaKind",
    "Membership",
    "MembershipBrand",
    "Notification",
    "Organization",
    "Platform",
    "Post",
    "PostMedia",
    "PostStatus",
    "PostTag",
    "PostTarget",
    "PublishAttempt",
    "Role",
    "SocialAccount",
    "Tag",
    "TargetStatus",
    "UTCDateTime",
    "User",
    "utcnow",
]
