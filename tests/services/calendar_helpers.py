"""Builders for the calendar, slots and evergreen tests: posts at chosen instants."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from socialmuse.models import Post, PostTarget
from socialmuse.models.enums import PostStatus, TargetStatus
from socialmuse.services import accounts
from tests.factories import Person

Paris = tuple[Person, int, int]
"""An owner, their brand (Europe/Paris) and its Sandbox account."""
Library = tuple[Person, int, int, int]
"""An owner, their brand, its Sandbox account and a published post."""


def sandbox(session: Session, person: Person, brand_id: int, handle: str = "bakery") -> int:
    account = accounts.connect_sandbox(
        session, actor=person.actor, brand_id=brand_id, handle=handle
    )
    session.commit()
    return account.id


def post_at(
    session: Session,
    person: Person,
    brand_id: int,
    account_ids: list[int],
    when: datetime | None,
    *,
    text: str = "Fresh bread at nine",
    status: PostStatus = PostStatus.SCHEDULED,
    target_status: TargetStatus | None = None,
    first_comment: str | None = None,
) -> int:
    """A post with one target per account, placed at ``when`` (UTC), committed."""
    published = status in (PostStatus.PUBLISHED, PostStatus.PARTIALLY_PUBLISHED)
    post = Post(
        organization_id=person.actor.organization_id,
        brand_id=brand_id,
        author_user_id=person.actor.user_id,
        status=status,
        text=text,
        first_comment=first_comment,
        scheduled_at=when,
        published_at=when if published else None,
    )
    session.add(post)
    session.flush()
    default = {
        PostStatus.SCHEDULED: TargetStatus.SCHEDULED,
        PostStatus.PUBLISHED: TargetStatus.PUBLISHED,
        PostStatus.FAILED: TargetStatus.FAILED,
    }.get(status, TargetStatus.DRAFT)
    for account_id in account_ids:
        session.add(
            PostTarget(
                organization_id=person.actor.organization_id,
                post_id=post.id or 0,
                social_account_id=account_id,
                status=target_status or default,
                scheduled_at=when,
                published_at=when if published else None,
            )
        )
    session.commit()
    return post.id or 0
