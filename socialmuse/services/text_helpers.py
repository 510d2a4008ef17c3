"""Rule-based writing helpers that work without any AI provider and do not pretend to be AI.

``extract_hashtags`` finds the hashtags already in a text (as the networks parse them);
``keyword_hashtags`` proposes hashtags from the text's most frequent longer words;
``shorten_text`` keeps whole sentences that fit a limit, and only when the first sentence
alone is too long cuts at a word boundary and adds an ellipsis: never mid-word.
Lengths are counted the way the chosen network counts them (``platforms.text_rules``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from socialmuse.models.enums import Platform
from socialmuse.platforms import text_rules
from socialmuse.platforms.rules.segments import hashtags

ELLIPSIS = "…"
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_NON_WORD = re.compile(r"[^\w]", re.UNICODE)
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
# Words too common to make a useful hashtag (English; other languages fall back to length).
_STOPWORDS = frozenset(
    re.split(
        r"\s+",
        """about after again also because been before being below between both could does doing
    down during each from further have having here into itself just more most other ought
    over same should some such than that their theirs them then there these they this those
    through under until very were what when where which while with would your yours will
    our ours we you are and the for not but can all any its was has had how who why new""",
    )
)


def extract_hashtags(text: str) -> list[str]:
    """Hashtags in ``text`` with their ``#``; the first spelling of each (case-insensitive)."""
    seen: set[str] = set()
    found: list[str] = []
    for tag in hashtags(text or ""):
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            found.append(f"#{tag}")
    return found


def keyword_hashtags(text: str, count: int = 5) -> list[str]:
    """Hashtags from the text's most frequent words of five letters or more (ties: first seen)."""
    present = {t[1:].casefold() for t in extract_hashtags(text)}
    words = [w.strip("'’-") for w in _WORD.findall(text or "")]
    order: dict[str, int] = {}
    tally: Counter[str] = Counter()
    for word in words:
        key = word.casefold()
        if len(key) < 5 or key in _STOPWORDS or key in present:
            continue
        order.setdefault(key, len(order))
        tally[key] += 1
    ranked = sorted(tally, key=lambda k: (-tally[k], order[k]))
    return ["#" + _NON_WORD.sub("", k) for k in ranked[: max(0, count)]]


def _counter(platform: Platform | str | None) -> Callable[[str], int]:
    if platform is None:
        return len
    chosen = Platform(platform)
    return lambda t: text_rules.count(chosen, t).length


def shorten_text(text: str, limit: int, *, platform: Platform | str | None = None) -> str:
    """``text`` within ``limit``: whole sentences first, else whole words and an ellipsis."""
    length = _counter(platform)
    text = (text or "").strip()
    if limit <= 0:
        return ""
    if length(text) <= limit:
        return text
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
    kept = ""
    for sentence in sentences:
        candidate = f"{kept} {sentence}".strip()
        if length(candidate) > limit:
            break
        kept = candidate
    if kept:
        return kept
    words = text.split()
    out = ""
    for word in words:
        candidate = f"{out} {word}".strip()
        if length(candidate + ELLIPSIS) > limit:
            break
        out = candidate
    if not out:
        return ""  # a single word longer than the limit cannot be kept without cutting it
    return out.rstrip(" ,;:—-") + ELLIPSIS
