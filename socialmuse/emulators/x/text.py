"""How X counts and shows a post's text: twitter-text v3 weights, t.co links, HTML entities.

Counting (platform-contracts §1.4): NFC first; every link weighs 23; an emoji sequence 2;
code points in U+0000-U+10FF, U+2000-U+200D, U+2010-U+201F, U+2032-U+2037 weigh 1, all
others 2; 280 is the limit. Showing: X answers with ``&``, ``<`` and ``>`` as HTML entities
and every link replaced by its ``https://t.co/…`` wrapper (the original is in
``entities.urls[].expanded_url``), so a client matching text must undo both.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

import regex

LIMIT = 280
URL_WEIGHT = 23

URL_RE = regex.compile(
    r"(?<![\w@/.\-])(?:https?://[^\s<>\"]+|www\.[a-z0-9\-.]+\.[a-z]{2,}(?:/[^\s<>\"]*)?)",
    regex.IGNORECASE,
)
_TRAILING = ".,:;!?'\"…)"
_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_EMOJI_RE = regex.compile(
    r"[\p{Extended_Pictographic}--[\x00-\xff]]|\p{Regional_Indicator}|\ufe0f", regex.V1
)


@dataclass(frozen=True)
class WrappedUrl:
    url: str  # the t.co link shown in the text
    expanded_url: str
    display_url: str
    start: int
    end: int


def links(text: str) -> list[tuple[int, int]]:
    """Spans of the links in ``text`` (trailing sentence punctuation left out)."""
    spans = []
    for match in URL_RE.finditer(text):
        end = match.end()
        while end > match.start() and text[end - 1] in _TRAILING:
            end -= 1
        spans.append((match.start(), end))
    return spans


def _weight(cluster: str) -> int:
    if _EMOJI_RE.search(cluster):
        return 2
    return sum(1 if any(lo <= ord(c) <= hi for lo, hi in _LIGHT) else 2 for c in cluster)


def weighted_length(text: str) -> int:
    text = unicodedata.normalize("NFC", text)
    total, position = 0, 0
    for start, end in [*links(text), (len(text), len(text))]:
        total += sum(_weight(cluster) for cluster in regex.findall(r"\X", text[position:start]))
        if end > start:
            total += URL_WEIGHT
        position = end
    return total


def _tco(url: str) -> str:
    digest = hashlib.sha256(url.encode()).hexdigest()
    return f"https://t.co/{digest[:10]}"


def render(text: str) -> tuple[str, list[WrappedUrl]]:
    """The text as X shows it, and the ``entities.urls`` that explain its t.co links."""
    text = unicodedata.normalize("NFC", text)
    pieces: list[str] = []
    wrapped: list[WrappedUrl] = []
    position = 0

    def escaped(chunk: str) -> str:
        return chunk.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    for start, end in links(text):
        pieces.append(escaped(text[position:start]))
        original = text[start:end]
        expanded = original if "://" in original else f"http://{original}"
        offset = len("".join(pieces))
        short = _tco(expanded)
        display = expanded.split("://", 1)[1]
        wrapped.append(
            WrappedUrl(
                short,
                expanded,
                display if len(display) <= 26 else display[:25] + "…",
                offset,
                offset + len(short),
            )
        )
        pieces.append(short)
        position = end
    pieces.append(escaped(text[position:]))
    return "".join(pieces), wrapped


def same_content(a: str, b: str) -> bool:
    """Whether two texts are the same post for X's duplicate check (NFC, outer space)."""
    return unicodedata.normalize("NFC", a).strip() == unicodedata.normalize("NFC", b).strip()
