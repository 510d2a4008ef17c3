"""Rich-text facets for Bluesky posts: links, mentions and hashtags with UTF-8 byte offsets.

Bluesky links nothing by itself: without a facet a URL, ``@handle`` or ``#tag`` is plain
text. Facet ranges count UTF-8 **bytes**, not characters, so "é" is 2 and "👋" is 4; a
range computed in characters lands mid-character after any non-ASCII text and the PDS
refuses the record. Detection follows the official client's RichText rules (simplified:
bare domains without a scheme are not linked).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

MENTION = re.compile(r"(?:^|(?<=[\s(]))@(?P<handle>[a-zA-Z0-9][a-zA-Z0-9.-]*[a-zA-Z0-9])")
URL = re.compile(r"(?:^|(?<=[\s(]))(?P<url>https?://\S+)", re.IGNORECASE)
TAG = re.compile(r"(?:^|(?<=\s))[#＃](?P<tag>[^\s#＃\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2]+)")
HANDLE = re.compile(
    r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]*[a-zA-Z0-9])?$"
)
TRAILING_URL_PUNCTUATION = ".,;:!?\"'"
MAX_TAG_GRAPHEMES = 64


def byte_range(text: str, start: int, end: int) -> dict[str, int]:
    """Character positions → the facet ``index`` in UTF-8 byte offsets."""
    byte_start = len(text[:start].encode("utf-8"))
    return {"byteStart": byte_start, "byteEnd": byte_start + len(text[start:end].encode("utf-8"))}


def _trim_url(url: str) -> str:
    url = url.rstrip(TRAILING_URL_PUNCTUATION)
    if url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1].rstrip(TRAILING_URL_PUNCTUATION)
    return url


def _trim_tag(tag: str) -> str:
    while tag and unicodedata.category(tag[-1]).startswith("P"):
        tag = tag[:-1]
    return tag


def detect_facets(text: str, resolve_handle: Callable[[str], str | None]) -> list[dict[str, Any]]:
    """Every facet of ``text``, sorted by position.

    A mention ``resolve_handle`` cannot turn into a DID stays plain text: a handle in a
    mention facet fails the PDS's validation.
    """
    facets: list[tuple[int, dict[str, Any]]] = []
    for match in URL.finditer(text):
        url = _trim_url(match.group("url"))
        start = match.start("url")
        feature = {"$type": "app.bsky.richtext.facet#link", "uri": url}
        facets.append(
            (start, {"index": byte_range(text, start, start + len(url)), "features": [feature]})
        )
    for match in MENTION.finditer(text):
        handle = match.group("handle")
        if not HANDLE.match(handle):
            continue
        did = resolve_handle(handle.lower())
        if did is None:
            continue
        feature = {"$type": "app.bsky.richtext.facet#mention", "did": did}
        facets.append(
            (
                match.start(),
                {"index": byte_range(text, match.start(), match.end()), "features": [feature]},
            )
        )
    for match in TAG.finditer(text):
        tag = _trim_tag(match.group("tag"))
        if not tag or tag.isdigit() or len(tag) > MAX_TAG_GRAPHEMES:
            continue
        end = match.start("tag") + len(tag)
        feature = {"$type": "app.bsky.richtext.facet#tag", "tag": tag}
        facets.append(
            (match.start(), {"index": byte_range(text, match.start(), end), "features": [feature]})
        )
    return [facet for _, facet in sorted(facets, key=lambda item: item[0])]
