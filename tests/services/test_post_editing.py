"""Drafts, scheduling and publishing now: one set of checks for every door."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from socialmuse.models import Brand, PostTag, PostTarget, Tag
from socialmuse.models.enums import PostStatus, Role, TargetStatus
from socialmuse.platforms.base import MediaFile
from socialmuse.services import accounts, media, posts
from socialmuse.services.errors import ValidationError
from socialmuse.services.post_editing import (
    PostDraft,
    VariantIn,
    publish_now,
    save_post,
    schedule_post,
    unschedule_post,
)
from tests.factories import Person, brand, owner, teammate

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture()
def setup(session: Session) -> tuple[Person, int, int, int]:
    person = owner(session)
    brand_id = brand(session, person, tz="Europe/Paris")
    one = accounts.connect_sandbox(session, actor=person.actor, brand_id=brand_id, handle="one")
    two = accounts.connect_sandbox(session, actor=person.actor, brand_id=brand_id, handle="two")
    session.commit()
    return person, brand_id, one.id, two.id


def _later(days: int = 2) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_a_saved_draft_keeps_everything_and_sends_nothing(session: Session, setup) -> None:
    person, brand_id, one, two = setup
    saved = save_post(
        session,
        actor=person.actor,
        draft=PostDraft(
            brand_id=brand_id,
            text="Hello",
            account_ids=[one, two],
            variants={two: VariantIn(text="Hello, two")},
            first_comment="More below",
            thread=["part 2", " "],
            tags=["Launch", "#launch", "News"],
            at=_later(),
        ),
    )
    session.commit()
    assert saved.status == PostStatus.DRAFT
    assert {t.status for t in saved.targets} == {TargetStatus.DRAFT}
    overrides = {
        t.social_account_id: t.text_override
        for t in session.exec(select(PostTarget).where(PostTarget.post_id == saved.id))
    }
    assert overrides == {one: None, two: "Hello, two"}
    names = session.exec(
        select(Tag.name).join(PostTag, PostTag.tag_id == Tag.id).where(PostTag.post_id == saved.id)
    ).all()
    assert sorted(names) == ["Launch", "News"]  # "#launch" is the same tag


def test_editing_replaces_accounts_and_returns_a_scheduled_post_to_draft(
    session: Session, setup
) -> None:
    person, brand_id, one, two = setup
    draft = PostDraft(brand_id=brand_id, text="v1", account_ids=[one, two], at=_later())
    saved = save_post(session, actor=person.actor, draft=draft)
    scheduled = schedule_post(session, actor=person.actor, post_id=saved.id)
    assert scheduled.status == PostStatus.SCHEDULED
    assert {t.status for t in scheduled.targets} == {TargetStatus.SCHEDULED}

    edited = save_post(
        session,
        actor=person.actor,
        post_id=saved.id,
        draft=draft.model_copy(update={"text": "v2", "account_ids": [two]}),
    )
    assert edited.status == PostStatus.DRAFT
    assert [t.account_id for t in edited.targets] == [two]
    assert edited.text == "v2"


def test_scheduling_uses_the_brand_timezone_and_refuses_the_past_and_dst_gaps(
    session: Session, setup
) -> None:
    person, brand_id, one, _ = setup
    saved = save_post(
        session,
        actor=person.actor,
        draft=PostDraft(brand_id=brand_id, text="Timed", account_ids=[one]),
    )
    with pytest.raises(ValidationError, match="Choose a date and time"):
        schedule_post(session, actor=person.actor, post_id=saved.id)
    with pytest.raises(ValidationError, match="in the past"):
        schedule_post(session, actor=person.actor, post_id=saved.id, at="2020-01-01T10:00")
    with pytest.raises(ValidationError, match="does not exist"):
        schedule_post(session, actor=person.actor, post_id=saved.id, at="2030-03-31T02:30")
    done = schedule_post(session, actor=person.actor, post_id=saved.id, at="2030-07-01T09:00")
    assert done.scheduled_at == datetime(2030, 7, 1, 7, 0, tzinfo=UTC)  # Paris is UTC+2 in July


def test_every_network_rule_is_checked_per_variant(session: Session, setup) -> None:
    person, brand_id, one, two = setup
    saved = save_post(
        session,
        actor=person.actor,
        draft=PostDraft(
            brand_id=brand_id,
            text="fine",
            account_ids=[one, two],
            variants={two: VariantIn(text="x" * 5000)},
        ),
    )
    session.commit()
    with pytest.raises(ValidationError, match="@two"):
        publish_now(session, actor=person.actor, post_id=saved.id)
    session.rollback()
    target_states = session.exec(
        select(PostTarget.status).where(PostTarget.post_id == saved.id)
    ).all()
    assert set(target_states) == {TargetStatus.DRAFT}


def test_guardrails_refuse_a_banned_claim_on_save(session: Session, setup) -> None:
    person, brand_id, one, _ = setup
    brand_row = session.get(Brand, brand_id)
    assert brand_row is not None
    brand_row.guardrails = {
        "banned_words": ["cheap"],
        "banned_claims": ["cures anxiety"],
        "required_disclosure": "",
    }
    session.add(brand_row)
    session.commit()
    with pytest.raises(ValidationError, match="cures anxiety"):
        save_post(
            session,
            actor=person.actor,
            draft=PostDraft(brand_id=brand_id, text="Our tea CURES  anxiety!", account_ids=[one]),
        )
    # Part of a longer word is not the banned word.
    ok = save_post(
        session,
        actor=person.actor,
        draft=PostDraft(brand_id=brand_id, text="Cheapside market", account_ids=[one]),
    )
    assert ok.status == PostStatus.DRAFT


def test_a_team_member_needs_approval_when_the_brand_says_so(session: Session, setup) -> None:
    person, brand_id, one, _ = setup
    member = teammate(session, person, role=Role.TEAM_MEMBER, brand_ids=(brand_id,))
    brand_row = session.get(Brand, brand_id)
    assert brand_row is not None
    brand_row.approval_policy = {"required_for": "team_members", "steps": ["brand_owner"]}
    session.add(brand_row)
    session.commit()
    saved = save_post(
        session,
        actor=member.actor,
        draft=PostDraft(brand_id=brand_id, text="Mine", account_ids=[one]),
    )
    with pytest.raises(ValidationError, match="need approval"):
        publish_now(session, actor=member.actor, post_id=saved.id)
    # The owner is not held by a team-members-only policy.
    assert publish_now(session, actor=person.actor, post_id=saved.id).status == (
        PostStatus.SCHEDULED
    )


def test_media_from_another_organization_is_refused(session: Session, setup, tmp_path) -> None:
    person, brand_id, one, _ = setup
    other = owner(session, org="Other")
    other_brand = brand(session, other)
    image = tmp_path / "pic.png"
    image.write_bytes(PNG)
    foreign = media.store_file(
        session,
        actor=other.actor,
        brand_id=other_brand,
        file=MediaFile(path=Path(image), content_type="image/png", size_bytes=len(PNG)),
    )
    session.commit()
    with pytest.raises(ValidationError, match="no media file"):
        save_post(
            session,
            actor=person.actor,
            draft=PostDraft(
                brand_id=brand_id, text="pic", account_ids=[one], media_ids=[foreign.id or 0]
            ),
        )


def test_a_published_post_cannot_be_edited_or_unscheduled(session: Session, setup) -> None:
    person, brand_id, one, _ = setup
    created = posts.create_post(
        session, actor=person.actor, brand_id=brand_id, account_ids=[one], text="Sent", now=True
    )
    target = session.get(PostTarget, created.targets[0].id)
    assert target is not None
    target.status = TargetStatus.PUBLISHED
    session.add(target)
    session.commit()
    with pytest.raises(ValidationError, match="already gone out"):
        save_post(
            session,
            actor=person.actor,
            post_id=created.id,
            draft=PostDraft(brand_id=brand_id, text="Changed", account_ids=[one]),
        )
    with pytest.raises(ValidationError, match="already gone out"):
        unschedule_post(session, actor=person.actor, post_id=created.id)


def test_unscheduling_returns_targets_to_draft(session: Session, setup) -> None:
    person, brand_id, one, _ = setup
    saved = save_post(
        session,
        actor=person.actor,
        draft=PostDraft(brand_id=brand_id, text="Later", account_ids=[one], at=_later()),
    )
    schedule_post(session, actor=person.actor, post_id=saved.id)
    back = unschedule_post(session, actor=person.actor, post_id=saved.id)
    assert back.status == PostStatus.DRAFT
    assert {t.status for t in back.targets} == {TargetStatus.DRAFT}
