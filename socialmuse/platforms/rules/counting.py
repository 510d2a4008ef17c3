"""How long a text is, measured the way each network measures it.

Every counter takes the text as the person wrote it and returns one number; the table in
``networks`` says which counter, limit and unit belong to which network.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from socialmuse.platforms.rules.segments import (
    MENTION_RE,
    find_links,
    graphemes,
    is_emoji,
)

# Both X (t.co) and Mastodon (``characters_reserved_per_url``) count any link as 23.
URL_LENGTH = 23

# twitter-text v3 (config/v3.json): these code point ranges weigh 1, everything else 2.
_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


@dataclass(frozen=True)
class TextCount:
    """A text's length as one network counts it, against that network's limit."""

    length: int
    limit: int
    unit: str
    bytes: int | None = None
    byte_limit: int | None = None

    @property
    def over(self) -> bool:
        too_many_bytes = (
            self.bytes is not None and self.byte_limit is not None and self.bytes > self.byte_limit
        )
        return self.length > self.limit or too_many_bytes


def _x_weight(char: str) -> int:
    point = ord(char)
    return 1 if any(low <= point <= high for low, high in _LIGHT_RANGES) else 2


def x_weighted(text: str) -> int:
    """X: NFC first; a link is 23, an emoji sequence 2, then 1 or 2 per code point by range."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    position = 0
    for link in [*find_links(text), None]:
        end = link.start if link else len(text)
        for cluster in graphemes(text[position:end]):
            total += 2 if is_emoji(cluster) else sum(_x_weight(c) for c in cluster)
        if link:
            total += URL_LENGTH
            position = link.end
    return total


def mastodon(text: str) -> int:
    """Mastodon's StatusLengthValidator: graphemes; links are 23, ``@user@host`` is ``@user``."""
    pieces: list[str] = []
    position = 0
    spans: list[tuple[int, int, str]] = [
        (link.start, link.end, "x" * URL_LENGTH) for link in find_links(text) if link.has_scheme
    ]
    for match in MENTION_RE.finditer(text):
        inside_link = any(start <= match.start() < end for start, end, _ in spans)
        if match.group("domain") and not inside_link:
            spans.append((match.start(), match.end(), "@" + match.group("user")))
    for start, end, replacement in sorted(spans):
        pieces.extend((text[position:start], replacement))
        position = end
    pieces.append(text[position:])
    return len(graphemes("".join(pieces)))


def grapheme_count(text: str) -> int:
    return len(graphemes(text))


def threads(text: str) -> int:
    """Threads: an emoji counts as its UTF-8 byte length (😀 is 4), other text per code point."""
    return sum(
        len(cluster.encode("utf-8")) if is_emoji(cluster) else len(cluster)
        for cluster in graphemes(text)
    )


def code_points(text: str) -> int:
    return len(text)


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))
