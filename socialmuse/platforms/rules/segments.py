r"""Graphemes, emoji, links, mentions and hashtags: the pieces every network counts.

Grapheme clusters come from the ``regex`` package's ``\X`` (Unicode extended grapheme
clusters), so a ZWJ family, a flag or a letter with combining marks is one cluster.

One link pattern (``URL_RE``) serves every network:

* with a scheme: ``http://`` or ``https://`` followed by anything up to whitespace;
* without one: a host name whose last label is a well-known generic TLD (``_BARE_TLDS``),
  optionally followed by a two-letter country code (``bbc.co.uk``) and a port or path.
  X (twitter-text) counts such bare links as 23 too; Mastodon does not, so its counter keeps
  only the links that have a scheme (``Link.has_scheme``).

Trailing sentence punctuation and an unbalanced closing bracket are not part of a link,
as in twitter-text. A link glued to a word, an ``@`` (an e-mail address) or a path is not one.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

GRAPHEME_RE = regex.compile(r"\X")

_BARE_TLDS = (
    "com|net|org|edu|gov|mil|int|info|biz|app|dev|io|ai|co|me|tv|ly|gg|xyz|blog|news|shop"
    "|site|online|tech"
)

URL_RE = regex.compile(
    r"""
    (?<![\w@/.\-])
    (?:
        (?P<scheme>https?://)[^\s<>"]+
      |
        (?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+(?:"""
    + _BARE_TLDS
    + r""")(?:\.[a-z]{2})?\b(?![\-@])(?:[:/][^\s<>"]*)?
    )
    """,
    regex.VERBOSE | regex.IGNORECASE,
)

# Mastodon's account syntax: a local ``@user`` or a remote ``@user@domain``.
MENTION_RE = regex.compile(
    r"(?<![\w@/])@(?P<user>[a-z0-9_]+(?:[a-z0-9_.\-]+[a-z0-9_]+)?)"
    r"(?:@(?P<domain>[a-z0-9\-]+(?:\.[a-z0-9\-]+)+))?",
    regex.IGNORECASE,
)

# A hashtag has at least one letter (``#1`` is not one), as on X, Instagram and Mastodon.
HASHTAG_RE = regex.compile(r"(?<![\w&#/])[#＃](?P<tag>\w*[^\W\d_]\w*)")

_TRAILING_PUNCTUATION = ".,:;!?'\"…"
_CLOSERS = {")": "(", "]": "[", "}": "{"}

# Extended_Pictographic minus the Latin-1 signs (© ®), which are text unless they carry VS16.
_PICTOGRAPHIC_RE = regex.compile(r"[\p{Extended_Pictographic}--[\x00-\xff]]", regex.V1)
_REGIONAL_INDICATOR_RE = regex.compile(r"\p{Regional_Indicator}")
_EMOJI_PRESENTATION = "\ufe0f"  # VS16 turns ©, ♥ or a digit (keycap) into an emoji
_KEYCAP = "\u20e3"


@dataclass(frozen=True)
class Link:
    start: int
    end: int
    has_scheme: bool


def graphemes(text: str) -> list[str]:
    return GRAPHEME_RE.findall(text)


def is_emoji(cluster: str) -> bool:
    """Whether one grapheme cluster is an emoji (a ZWJ sequence, a flag, a keycap count once)."""
    return bool(
        _PICTOGRAPHIC_RE.search(cluster)
        or _REGIONAL_INDICATOR_RE.search(cluster)
        or _EMOJI_PRESENTATION in cluster
        or _KEYCAP in cluster
    )


def _trim(text: str, start: int, end: int) -> int:
    """The end of a link once trailing punctuation and unbalanced closers are dropped."""
    while end > start:
        last = text[end - 1]
        if last in _TRAILING_PUNCTUATION:
            end -= 1
        elif last in _CLOSERS:
            body = text[start:end]
            if body.count(last) > body.count(_CLOSERS[last]):
                end -= 1
            else:
                break
        else:
            break
    return end


def find_links(text: str) -> list[Link]:
    links = []
    for match in URL_RE.finditer(text):
        end = _trim(text, match.start(), match.end())
        has_scheme = match.group("scheme") is not None
        if has_scheme and end <= match.start() + len(match.group("scheme")):
            continue  # a bare "https://" is not a link
        links.append(Link(match.start(), end, has_scheme))
    return links


def hashtags(text: str) -> list[str]:
    return [m.group("tag") for m in HASHTAG_RE.finditer(text)]


def mentions(text: str) -> list[str]:
    return [m.group(0) for m in MENTION_RE.finditer(text)]
