"""The demo's calendar: published, scheduled and draft posts in both brands, seeded once."""

from __future__ import annotations

from collections import Counter
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from socialmuse.models import Brand, Campaign, Post, PostTarget
from socialmuse.models.base import utcnow
from socialmuse.models.enums import PostStatus, TargetStatus
from socialmuse.services import demo, tags
from socialmuse.services.demo_calendar import PLANS


def _statuses(session: Session, brand_id: int) -> Counter[str]:
    return Counter(session.exec(select(Post.status).where(Post.brand_id == brand_id)).all())


def test_the_demo_calendar_has_every_kind_of_post_in_two_brands(session: Session) -> None:
    login = demo.seed_demo(session)
    session.commit()
    assert len(login.brand_ids) == 2
    now = utcnow()
    for brand_id, plan in zip(login.brand_ids, PLANS, strict=True):
        statuses = _statuses(session, brand_id)
        assert statuses[PostStatus.PUBLISHED] >= 4
        assert statuses[PostStatus.SCHEDULED] >= 4
        assert statuses[PostStatus.DRAFT] >= 2
        assert sum(statuses.values()) == len(plan.posts)
        posts = session.exec(select(Post).where(Post.brand_id == brand_id)).all()
        for post in posts:
            assert post.scheduled_at is not None
            if post.status == PostStatus.PUBLISHED:
                assert post.scheduled_at < now
            else:
                assert post.scheduled_at > now
        assert any(p.campaign_id for p in posts)
        assert all(tags.post_tag_names(session, p.id or 0) for p in posts if p.campaign_id)
        [campaign] = session.exec(select(Campaign).where(Campaign.brand_id == brand_id)).all()
        assert campaign.name == plan.campaign

    brand = session.get(Brand, login.brand_ids[0])
    assert brand is not None and brand.timezone == "Europe/Paris"
    clocks = {
        p.text: f"{p.scheduled_at.astimezone(ZoneInfo(brand.timezone)):%H:%M}"
        for p in session.exec(select(Post).where(Post.brand_id == brand.id)).all()
        if p.scheduled_at
    }
    assert all(clocks[item.text] == item.clock for item in PLANS[0].posts)
    published = session.exec(
        select(PostTarget)
        .join(Post, col(Post.id) == col(PostTarget.post_id))
        .where(Post.status == PostStatus.PUBLISHED)
    ).all()
    assert published and {t.status for t in published} == {TargetStatus.PUBLISHED}
    assert all(t.permalink and "/sandbox/" in t.permalink for t in published)

    again = demo.seed_demo(session)
    session.commit()
    assert again.brand_ids == login.brand_ids
    assert sum(_statuses(session, login.brand_ids[0]).values()) == len(PLANS[0].posts)
