"""Snippets: templates, signatures and hashtag groups per brand or for the whole organization."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from socialmuse.models.enums import Role
from socialmuse.services import snippets
from socialmuse.services.errors import NotFound, PermissionDenied, ValidationError
from tests.factories import brand, owner, teammate


def test_create_list_update_delete(session: Session) -> None:
    boss = owner(session)
    b1 = brand(session, boss, "One")
    b2 = brand(session, boss, "Two")
    shared = snippets.create_snippet(
        session, actor=boss.actor, kind="signature", name="Sign-off", body="— The team\n"
    )
    own = snippets.create_snippet(
        session, actor=boss.actor, kind="template", name="Launch", body="New: {link}", brand_id=b1
    )
    snippets.create_snippet(
        session, actor=boss.actor, kind="template", name="Other", body="x", brand_id=b2
    )
    listed = snippets.list_snippets(session, actor=boss.actor, brand_id=b1)
    assert [s.name for s in listed] == ["Sign-off", "Launch"]
    assert listed[0].body == "— The team" and listed[0].brand_id is None
    only = snippets.list_snippets(session, actor=boss.actor, brand_id=b1, kind="template")
    assert [s.id for s in only] == [own.id]

    changed = snippets.update_snippet(
        session, actor=boss.actor, snippet_id=own.id, name=" Launch  day ", body="Go {link}"
    )
    assert (changed.name, changed.body) == ("Launch day", "Go {link}")
    snippets.delete_snippet(session, actor=boss.actor, snippet_id=shared.id)
    assert [s.name for s in snippets.list_snippets(session, actor=boss.actor, brand_id=b1)] == [
        "Launch day"
    ]


def test_hashtag_groups_are_normalised_and_checked(session: Session) -> None:
    boss = owner(session)
    group = snippets.create_snippet(
        session, actor=boss.actor, kind="hashtag_group", name="Eco", body="green, #eco  green solar"
    )
    assert group.body == "#green #eco #solar"
    with pytest.raises(ValidationError) as err:
        snippets.create_snippet(
            session, actor=boss.actor, kind="hashtag_group", name="Bad", body="#ok #not-ok"
        )
    assert err.value.field == "body" and "#not-ok" in err.value.message


def test_refusals_name_the_field(session: Session) -> None:
    boss = owner(session)
    snippets.create_snippet(session, actor=boss.actor, kind="template", name="A", body="a")
    cases = [
        ({"kind": "template", "name": "A", "body": "b"}, "name", "already a template"),
        ({"kind": "template", "name": "  ", "body": "b"}, "name", "Give the snippet a name"),
        ({"kind": "template", "name": "B", "body": "\n"}, "body", "Write the snippet"),
        ({"kind": "poem", "name": "B", "body": "b"}, "kind", "Choose a kind"),
    ]
    for kwargs, field, words in cases:
        with pytest.raises(ValidationError) as err:
            snippets.create_snippet(session, actor=boss.actor, **kwargs)
        assert err.value.field == field and words in err.value.message
    # The same name is fine for another kind.
    sig = snippets.create_snippet(session, actor=boss.actor, kind="signature", name="A", body="s")
    assert sig.kind_label == "Signature"


def test_brand_scoped_member_sees_and_edits_only_their_brands(session: Session) -> None:
    boss = owner(session)
    mine = brand(session, boss, "Mine")
    other = brand(session, boss, "Other")
    mate = teammate(session, boss, role=Role.TEAM_MEMBER, brand_ids=(mine,))
    hidden = snippets.create_snippet(
        session, actor=boss.actor, kind="template", name="Hidden", body="h", brand_id=other
    )
    snippets.create_snippet(session, actor=boss.actor, kind="template", name="All", body="a")
    created = snippets.create_snippet(
        session, actor=mate.actor, kind="template", name="Mine", body="m", brand_id=mine
    )
    assert [s.name for s in snippets.list_snippets(session, actor=mate.actor)] == ["All", "Mine"]
    assert created.brand_id == mine
    with pytest.raises(NotFound):
        snippets.update_snippet(session, actor=mate.actor, snippet_id=hidden.id, name="X", body="x")
    with pytest.raises(NotFound):
        snippets.list_snippets(session, actor=mate.actor, brand_id=other)
    with pytest.raises(PermissionDenied):
        snippets.create_snippet(
            session, actor=mate.actor, kind="template", name="Everyone", body="e"
        )
