"""Campaigns (create, rename and recolour, archive, list, put a post in one) and tags."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from socialmuse.models import Post
from socialmuse.models.enums import Role
from socialmuse.services import campaigns, tags
from socialmuse.services.errors import NotFound, PermissionDenied, ValidationError
from tests.factories import brand, owner, teammate
from tests.services.calendar_helpers import post_at, sandbox


def test_campaign_life(session: Session) -> None:
    person = owner(session)
    brand_id = brand(session, person, "Bakery")
    launch = campaigns.create_campaign(
        session, actor=person.actor, brand_id=brand_id, name="  Spring   launch ", color=""
    )
    assert (launch.name, launch.color, launch.archived) == ("Spring launch", "#3E63DD", False)
    with pytest.raises(ValidationError, match="already has a campaign"):
        campaigns.create_campaign(
            session, actor=person.actor, brand_id=brand_id, name="Spring launch"
        )
    with pytest.raises(ValidationError, match="colour like"):
        campaigns.create_campaign(
            session, actor=person.actor, brand_id=brand_id, name="Summer", color="red"
        )
    renamed = campaigns.update_campaign(
        session, actor=person.actor, campaign_id=launch.id, name="Easter", color="#30a46c"
    )
    assert (renamed.name, renamed.color) == ("Easter", "#30A46C")
    summer = campaigns.create_campaign(
        session, actor=person.actor, brand_id=brand_id, name="Summer"
    )
    assert [
        c.name for c in campaigns.list_campaigns(session, actor=person.actor, brand_id=brand_id)
    ] == [
        "Easter",
        "Summer",
    ]
    campaigns.archive_campaign(session, actor=person.actor, campaign_id=summer.id)
    listed = campaigns.list_campaigns(session, actor=person.actor, brand_id=brand_id)
    assert [c.name for c in listed] == ["Easter"]
    everything = campaigns.list_campaigns(
        session, actor=person.actor, brand_id=brand_id, include_archived=True
    )
    assert [(c.name, c.archived) for c in everything] == [("Easter", False), ("Summer", True)]
    # An archived name may be used again.
    campaigns.create_campaign(session, actor=person.actor, brand_id=brand_id, name="Summer")


def test_post_campaign_must_match_brand(session: Session) -> None:
    person = owner(session)
    brand_id = brand(session, person, "Bakery")
    other_brand = brand(session, person, "Florist")
    account = sandbox(session, person, brand_id)
    post_id = post_at(session, person, brand_id, [account], None)
    mine = campaigns.create_campaign(session, actor=person.actor, brand_id=brand_id, name="Mine")
    theirs = campaigns.create_campaign(
        session, actor=person.actor, brand_id=other_brand, name="Theirs"
    )
    campaigns.set_post_campaign(session, actor=person.actor, post_id=post_id, campaign_id=mine.id)
    assert session.get(Post, post_id).campaign_id == mine.id  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="another brand"):
        campaigns.set_post_campaign(
            session, actor=person.actor, post_id=post_id, campaign_id=theirs.id
        )
    campaigns.set_post_campaign(session, actor=person.actor, post_id=post_id, campaign_id=None)
    assert session.get(Post, post_id).campaign_id is None  # type: ignore[union-attr]
    scoped = teammate(session, person, role=Role.TEAM_MEMBER, brand_ids=(other_brand,))
    with pytest.raises(NotFound):
        campaigns.update_campaign(session, actor=scoped.actor, campaign_id=mine.id, name="Mine!")


def test_tags_rename_recolour_delete(session: Session) -> None:
    person = owner(session)
    brand_id = brand(session, person, "Bakery")
    account = sandbox(session, person, brand_id)
    post_id = post_at(session, person, brand_id, [account], None)
    bread, cake = tags.ensure_tags(session, actor=person.actor, names=["bread", "cake"])
    tags.set_post_tags(session, post_id=post_id, tags=[bread, cake])
    renamed = tags.update_tag(
        session, actor=person.actor, tag_id=bread.id or 0, name="#Sourdough", color="#30a46c"
    )
    assert (renamed.name, renamed.color) == ("Sourdough", "#30A46C")
    with pytest.raises(ValidationError, match="already a tag"):
        tags.update_tag(session, actor=person.actor, tag_id=cake.id or 0, name="sourdough")
    tags.delete_tag(session, actor=person.actor, tag_id=cake.id or 0)
    assert tags.post_tag_names(session, post_id) == ["Sourdough"]
    assert [t.name for t in tags.list_tags(session, actor=person.actor)] == ["Sourdough"]
    scoped = teammate(session, person, role=Role.BRAND_OWNER, brand_ids=(brand_id,))
    with pytest.raises(PermissionDenied, match="shared by every brand"):
        tags.delete_tag(session, actor=scoped.actor, tag_id=bread.id or 0)
