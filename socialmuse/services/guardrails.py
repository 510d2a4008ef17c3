"""Brand guardrails: words and claims a brand never uses, and the disclosure it always carries.

Checked on every save and schedule of a post and on every AI generation, so a banned claim
cannot reach a network by any door.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from socialmuse.models import Brand


@dataclass(frozen=True)
class GuardrailProblem:
    kind: str  # "banned_word", "banned_claim" or "missing_disclosure"
    phrase: str
    message: str


def _phrase_pattern(phrase: str) -> regex.Pattern[str]:
    # Whole words only, case-insensitively, with any run of spaces between the words.
    words = [regex.escape(w) for w in phrase.split()]
    return regex.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", regex.IGNORECASE)


def check(brand: Brand, text: str) -> list[GuardrailProblem]:
    """Every guardrail ``text`` breaks, in the order a person would fix them."""
    rails = brand.guardrails or {}
    problems: list[GuardrailProblem] = []
    for kind, label in (("banned_words", "banned word"), ("banned_claims", "banned claim")):
        for phrase in rails.get(kind, []):
            if phrase.strip() and _phrase_pattern(phrase).search(text):
                problems.append(
                    GuardrailProblem(
                        kind=kind[:-1],
                        phrase=phrase,
                        message=f"“{phrase}” is a {label} for {brand.name}.",
                    )
                )
    disclosure = (rails.get("required_disclosure") or "").strip()
    if disclosure and disclosure.casefold() not in text.casefold():
        problems.append(
            GuardrailProblem(
                kind="missing_disclosure",
                phrase=disclosure,
                message=f"{brand.name} posts must include “{disclosure}”.",
            )
        )
    return problems
