"""Brand guardrails: words and claims a brand never publishes, and a disclosure it always needs.

``check`` is pure (no session, no actor) so every path that produces or saves text can call
it cheaply: AI generations, the composer's save and schedule, bulk import. Matching is
Unicode-aware and case-insensitive (NFKC + casefold, so "Ｃｕｒｅ" and "CURE" both match
"cure"), on word boundaries (so "cure" does not match "secure"), and claims match as whole
phrases with any run of whitespace between their words.

``get_guardrails`` / ``update_guardrails`` are the actor-checked doors onto a brand's list.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel
from sqlmodel import Session

from socialmuse.models import Brand, utcnow
from socialmuse.services import audit
from socialmuse.services.errors import ValidationError
from socialmuse.services.permissions import Action, Actor

MAX_TERMS = 200
MAX_TERM_LENGTH = 200
MAX_DISCLOSURE_LENGTH = 200

ProblemKind = Literal["banned_word", "banned_claim", "missing_disclosure"]

# Typographic variants people paste from documents; folded so "don’t" matches "don't".
_FOLD = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


@dataclass(frozen=True)
class GuardrailProblem:
    """One violation, worded for the person who wrote the text."""

    kind: ProblemKind
    term: str
    message: str

    @property
    def phrase(self) -> str:
        """The banned word, claim or disclosure at fault (the name main's first version used)."""
        return self.term


class GuardrailsPublic(BaseModel):
    brand_id: int
    banned_words: list[str]
    banned_claims: list[str]
    required_disclosure: str


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()


@lru_cache(maxsize=1024)
def _pattern(term: str) -> re.Pattern[str]:
    """Whole-word (or whole-phrase) pattern for an already normalised term.

    Boundaries are "not a word character" on each side rather than a regex word boundary, so terms
    that start or end with punctuation ("#ad", "100%") still match as units.
    """
    words = term.split()
    body = r"\s+".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w){body}(?!\w)")


def _contains(normalised_text: str, term: str) -> bool:
    needle = _normalise(term).strip()
    return bool(needle) and _pattern(needle).search(normalised_text) is not None


def _terms(raw: Any) -> list[str]:
    if not isinstance(raw, list):
        return []
    return [str(t).strip() for t in raw if str(t).strip()]


def check(brand: Brand, text: str) -> list[GuardrailProblem]:
    """Every guardrail ``text`` breaks for ``brand``; an empty list means it may be used."""
    rules = brand.guardrails or {}
    return check_rules(rules, text, brand_name=brand.name)


def check_rules(
    rules: dict[str, Any], text: str, *, brand_name: str = "this brand"
) -> list[GuardrailProblem]:
    """``check`` on a guardrails dict (for previews of rules not yet saved)."""
    normalised = _normalise(text or "")
    problems: list[GuardrailProblem] = []
    for word in _terms(rules.get("banned_words")):
        if _contains(normalised, word):
            problems.append(
                GuardrailProblem(
                    "banned_word", word, f"“{word}” is a banned word for {brand_name}."
                )
            )
    for claim in _terms(rules.get("banned_claims")):
        if _contains(normalised, claim):
            problems.append(
                GuardrailProblem(
                    "banned_claim", claim, f"“{claim}” is a banned claim for {brand_name}."
                )
            )
    disclosure = str(rules.get("required_disclosure") or "").strip()
    if disclosure and not _contains(normalised, disclosure):
        problems.append(
            GuardrailProblem(
                "missing_disclosure",
                disclosure,
                f"{brand_name} posts must include “{disclosure}”.",
            )
        )
    return problems


def summary(problems: list[GuardrailProblem]) -> str:
    """The problems as one sentence list, for a single error line."""
    return " ".join(p.message for p in problems)


def parse_terms(raw: str) -> list[str]:
    """Terms typed one per line or comma-separated, trimmed, de-duplicated (case-insensitive)."""
    seen: set[str] = set()
    out: list[str] = []
    for part in re.split(r"[\n,]", raw or ""):
        term = " ".join(part.split())
        key = _normalise(term)
        if term and key not in seen:
            seen.add(key)
            out.append(term)
    return out


def _check_terms(terms: list[str], field: str, what: str) -> list[str]:
    cleaned = parse_terms("\n".join(terms))
    if len(cleaned) > MAX_TERMS:
        raise ValidationError(f"Keep the {what} to {MAX_TERMS} entries or fewer.", field=field)
    for term in cleaned:
        if len(term) > MAX_TERM_LENGTH:
            raise ValidationError(
                f"“{term[:40]}…” is too long; keep each entry under {MAX_TERM_LENGTH} characters.",
                field=field,
            )
        if not any(ch.isalnum() for ch in term):
            raise ValidationError(
                f"“{term}” has no letters or digits, so it cannot be matched.", field=field
            )
    return cleaned


def _public(brand: Brand) -> GuardrailsPublic:
    rules = brand.guardrails or {}
    return GuardrailsPublic(
        brand_id=brand.id or 0,
        banned_words=_terms(rules.get("banned_words")),
        banned_claims=_terms(rules.get("banned_claims")),
        required_disclosure=str(rules.get("required_disclosure") or ""),
    )


def get_guardrails(session: Session, *, actor: Actor, brand_id: int) -> GuardrailsPublic:
    """The brand's guardrails, for anyone who may see the brand (writers need to know them)."""
    from socialmuse.services.brands import load_brand

    return _public(load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW))


def update_guardrails(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    banned_words: list[str],
    banned_claims: list[str],
    required_disclosure: str,
) -> GuardrailsPublic:
    """Replace the brand's guardrails (brand managers only); audited with the counts."""
    from socialmuse.services.brands import load_brand

    brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_MANAGE)
    words = _check_terms(banned_words, "banned_words", "banned words")
    claims = _check_terms(banned_claims, "banned_claims", "banned claims")
    disclosure = " ".join((required_disclosure or "").split())
    if len(disclosure) > MAX_DISCLOSURE_LENGTH:
        raise ValidationError(
            f"Keep the disclosure under {MAX_DISCLOSURE_LENGTH} characters.",
            field="required_disclosure",
        )
    if disclosure and not any(ch.isalnum() for ch in disclosure):
        raise ValidationError(
            "The disclosure needs at least one letter or digit.", field="required_disclosure"
        )
    new = {
        **(brand.guardrails or {}),
        "banned_words": words,
        "banned_claims": claims,
        "required_disclosure": disclosure,
    }
    if new != brand.guardrails:
        brand.guardrails = new
        brand.updated_at = utcnow()
        session.add(brand)
        audit.record_for(
            session,
            actor,
            "brand.guardrails_updated",
            target_type="brand",
            target_id=brand.id,
            details={
                "name": brand.name,
                "banned_words": len(words),
                "banned_claims": len(claims),
                "disclosure": bool(disclosure),
            },
        )
    return _public(brand)
