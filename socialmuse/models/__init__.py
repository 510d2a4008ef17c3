"""SQLModel tables. Importing this package registers every table on ``SQLModel.metadata``."""

from socialmuse.models.activity import AuditEvent, Notification
from socialmuse.models.ai import AIProviderConfig, AIUsage
from socialmuse.models.base import UTCDateTime, utcnow
from socialmuse.models.brands import Brand, SocialAccount
from socialmuse.models.collaboration import PostComment, PostReview, ReviewLink
from socialmuse.models.content import (
    Campaign,
    MediaAsset,
    MediaFolder,
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
from socialmuse.models.links import LinkClick, ShortLink
from socialmuse.models.planning import EvergreenRule, PostingSlot, Snippet
from socialmuse.models.tenancy import (
    AuthSession,
    Invitation,
    Membership,
    MembershipBrand,
    Organization,
    User,
)

__all__ = [
    "AIProviderConfig",
    "AIUsage",
    "AccountStatus",
    "AttemptOutcome",
    "AuditEvent",
    "AuthSession",
    "Brand",
    "Campaign",
    "EvergreenRule",
    "Invitation",
    "LinkClick",
    "MediaAsset",
    "MediaFolder",
    "MediaKind",
    "Membership",
    "MembershipBrand",
    "Notification",
    "Organization",
    "Platform",
    "Post",
    "PostComment",
    "PostMedia",
    "PostReview",
    "PostStatus",
    "PostTag",
    "PostTarget",
    "PostingSlot",
    "PublishAttempt",
    "ReviewLink",
    "Role",
    "ShortLink",
    "Snippet",
    "SocialAccount",
    "Tag",
    "TargetStatus",
    "UTCDateTime",
    "User",
    "utcnow",
]
