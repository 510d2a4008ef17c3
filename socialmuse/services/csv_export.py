"""A brand's posts as a list or as CSV in the import's own layout, times in the brand's zone.

The CSV's first eight columns are the import header, so an export of scheduled posts imports
back as the same posts: accounts are written as ``network:handle`` (unambiguous, and it works
in another brand with the same handles), media as ``media:ID`` (the media library file; paths
on the server are nobody's business). Two columns follow, ``status`` and ``post_id``, which
the importer accepts and ignores. What the layout has no column for (per-account text
overrides, thread parts) is not exported.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlmodel import Session, col, select

from socialmuse.models import MediaAsset, Post, PostMedia, PostTarget, SocialAccount
from socialmuse.models.enums import Platform, PostStatus, TargetStatus
from socialmuse.services.accounts import PLATFORM_LABELS
from socialmuse.services.brands import load_brand
from socialmuse.services.csv_import import EXPORT_COLUMNS, HEADER
from socialmuse.services.errors import ValidationError
from socialmuse.services.permissions import Action, Actor
from socialmuse.services.tags import post_tag_names

MAX_EXPORT = 10_000


class ExportTarget(BaseModel):
    account_id: int
    account: str  # network:handle
    label: str  # "Sandbox @handle"
    status: TargetStatus
    permalink: str | None


class PostRow(BaseModel):
    """One post as the list and the export show it."""

    id: int
    status: PostStatus
    text: str
    first_comment: str | None
    scheduled_at: datetime | None
    local_date: str
    local_time: str
    timezone: str
    targets: list[ExportTarget]
    media: list[str]  # media:ID
    alt_texts: list[str]
    tags: list[str]
    campaign_id: int | None


def parse_day(value: str | None, *, field: str) -> date | None:
    """A day typed as YYYY-MM-DD, or None when left empty."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            f"“{value}” is not a date; write it as YYYY-MM-DD, e.g. 2026-12-01.", field=field
        ) from None


def parse_status(value: str | None) -> PostStatus | None:
    if value is None or not value.strip():
        return None
    try:
        return PostStatus(value.strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in PostStatus)
        raise ValidationError(
            f"Unknown status “{value}”; choose one of {choices}.", field="status"
        ) from None


def list_brand_posts(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    start: date | None = None,
    end: date | None = None,
    status: PostStatus | None = None,
) -> list[PostRow]:
    """The brand's posts scheduled from ``start`` to ``end`` (days in its zone, inclusive).

    With no range, posts without a time (undated drafts) are included, after the dated ones.
    """
    brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    if start and end and end < start:
        raise ValidationError("The end date is before the start date.", field="end")
    zone = ZoneInfo(brand.timezone)
    query = select(Post).where(
        Post.organization_id == actor.organization_id, Post.brand_id == brand_id
    )
    if start is not None:
        query = query.where(col(Post.scheduled_at) >= datetime.combine(start, time(), zone))
    if end is not None:
        upper = datetime.combine(end + timedelta(days=1), time(), zone)
        query = query.where(col(Post.scheduled_at) < upper)
    if status is not None:
        query = query.where(Post.status == status)
    posts = session.exec(
        query.order_by(
            col(Post.scheduled_at).is_(None), col(Post.scheduled_at), col(Post.id)
        ).limit(MAX_EXPORT)
    ).all()
    return [_row(session, post, brand.timezone) for post in posts]


def _row(session: Session, post: Post, timezone: str) -> PostRow:
    local = post.scheduled_at.astimezone(ZoneInfo(timezone)) if post.scheduled_at else None
    targets = session.exec(
        select(PostTarget, SocialAccount)
        .join(SocialAccount, col(SocialAccount.id) == col(PostTarget.social_account_id))
        .where(PostTarget.post_id == post.id)
        .order_by(col(PostTarget.id))
    ).all()
    assets = session.exec(
        select(MediaAsset)
        .join(PostMedia, col(PostMedia.media_id) == col(MediaAsset.id))
        .where(PostMedia.post_id == post.id)
        .order_by(col(PostMedia.position))
    ).all()
    return PostRow(
        id=post.id or 0,
        status=PostStatus(post.status),
        text=post.text,
        first_comment=post.first_comment,
        scheduled_at=post.scheduled_at,
        local_date=f"{local:%Y-%m-%d}" if local else "",
        local_time=f"{local:%H:%M}" if local else "",
        timezone=timezone,
        targets=[
            ExportTarget(
                account_id=account.id or 0,
                account=f"{Platform(account.platform).value}:{account.handle}",
                label=f"{PLATFORM_LABELS[Platform(account.platform)]} @{account.handle}",
                status=TargetStatus(target.status),
                permalink=target.permalink,
            )
            for target, account in targets
        ],
        media=[f"media:{a.id}" for a in assets],
        alt_texts=[a.alt_text for a in assets],
        tags=post_tag_names(session, post.id or 0),
        campaign_id=post.campaign_id,
    )


def export_posts_csv(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    start: date | None = None,
    end: date | None = None,
    status: PostStatus | None = None,
) -> str:
    """The brand's posts as CSV: the import's columns, then ``status`` and ``post_id``."""
    rows = list_brand_posts(
        session, actor=actor, brand_id=brand_id, start=start, end=end, status=status
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*HEADER, *EXPORT_COLUMNS])
    for row in rows:
        alts = ";".join(a.replace(";", ",") for a in row.alt_texts) if any(row.alt_texts) else ""
        writer.writerow(
            [
                row.local_date,
                row.local_time,
                ";".join(t.account for t in row.targets),
                row.text,
                ";".join(row.media),
                row.first_comment or "",
                alts,
                ";".join(row.tags),
                row.status.value,
                row.id,
            ]
        )
    return out.getvalue()
