"""Brand guardrails: banned words and claims, required disclosure, and who may edit them."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from socialmuse.models import AuditEvent, Brand
from socialmuse.models.enums import Role
from socialmuse.services import guardrails
from socialmuse.services.errors import PermissionDenied, ValidationError
from tests.factories import brand, owner, teammate


def _brand(
    words: tuple[str, ...] = (), claims: tuple[str, ...] = (), disclosure: str = ""
) -> Brand:
    return Brand(
        organization_id=1,
        name="B",
        timezone="UTC",
        guardrails={
            "banned_words": list(words),
            "banned_claims": list(claims),
            "required_disclosure": disclosure,
        },
    )


def test_banned_word_matches_whole_words_case_insensitively() -> None:
    b = _brand(words=("cure",))
    problems = guardrails.check(b, "This CURE works.")
    assert [p.kind for p in problems] == ["banned_word"]
    assert "cure" in problems[0].message
    assert guardrails.check(b, "A secure procurement.") == []
    assert [p.term for p in guardrails.check(b, "Try the #cure today")] == ["cure"]


def test_unicode_words_and_fullwidth_forms() -> None:
    b = _brand(words=("gratuit", "straße"))
    assert guardrails.check(b, "C'est GRATUIT !")
    assert guardrails.check(b, "Ｇｒａｔｕｉｔ")  # NFKC folds full-width letters
    assert guardrails.check(b, "Die STRASSE ist frei")  # casefold: ß ~ ss
    assert guardrails.check(b, "gratuité") == []  # é is a word character: no boundary


def test_banned_claim_is_a_phrase_with_flexible_spacing() -> None:
    b = _brand(claims=("clinically proven", "don't need a doctor"))
    problems = guardrails.check(b, "Clinically\n  PROVEN to help. You don’t need a doctor!")
    assert sorted(p.term for p in problems) == ["clinically proven", "don't need a doctor"]
    assert all(p.kind == "banned_claim" for p in problems)
    assert guardrails.check(b, "Clinically tested and proven") == []


def test_required_disclosure_must_be_present() -> None:
    b = _brand(disclosure="#ad")
    missing = guardrails.check(b, "Great shoes")
    assert [p.kind for p in missing] == ["missing_disclosure"]
    assert "#ad" in missing[0].message
    assert guardrails.check(b, "Great shoes #AD") == []
    assert guardrails.check(b, "Great shoes #adventure")  # not the disclosure


def test_clean_text_and_empty_rules_pass() -> None:
    assert guardrails.check(_brand(), "anything goes") == []
    assert guardrails.check(Brand(organization_id=1, name="x", timezone="UTC"), "text") == []


def test_update_guardrails_cleans_and_audits(session: Session) -> None:
    boss = owner(session)
    b = brand(session, boss)
    saved = guardrails.update_guardrails(
        session,
        actor=boss.actor,
        brand_id=b,
        banned_words=[" cheap ", "Cheap", "", "free"],
        banned_claims=["guaranteed   results"],
        required_disclosure="  #ad ",
    )
    session.commit()
    assert saved.banned_words == ["cheap", "free"]
    assert saved.banned_claims == ["guaranteed results"]
    assert saved.required_disclosure == "#ad"
    row = session.get(Brand, b)
    assert row is not None and row.guardrails["banned_words"] == ["cheap", "free"]
    assert guardrails.check(row, "Guaranteed results, cheap! #ad")
    events = session.exec(
        select(AuditEvent).where(AuditEvent.action == "brand.guardrails_updated")
    ).all()
    assert len(events) == 1


def test_update_guardrails_refuses_unmatchable_terms(session: Session) -> None:
    boss = owner(session)
    b = brand(session, boss)
    with pytest.raises(ValidationError) as err:
        guardrails.update_guardrails(
            session,
            actor=boss.actor,
            brand_id=b,
            banned_words=["!!!"],
            banned_claims=[],
            required_disclosure="",
        )
    assert err.value.field == "banned_words"


def test_team_member_reads_but_cannot_edit(session: Session) -> None:
    boss = owner(session)
    b = brand(session, boss)
    mate = teammate(session, boss, role=Role.TEAM_MEMBER)
    assert guardrails.get_guardrails(session, actor=mate.actor, brand_id=b).banned_words == []
    with pytest.raises(PermissionDenied):
        guardrails.update_guardrails(
            session,
            actor=mate.actor,
            brand_id=b,
            banned_words=["x"],
            banned_claims=[],
            required_disclosure="",
        )


def test_parse_terms_splits_lines_and_commas() -> None:
    assert guardrails.parse_terms("a, b\nB\n\n c d ") == ["a", "b", "c d"]
