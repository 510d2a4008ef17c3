"""Facet detection: what becomes a link, mention or tag, at which UTF-8 byte offsets."""

from __future__ import annotations

from socialmuse.platforms.bluesky_facets import byte_range, detect_facets

DIDS = {"bob.test": "did:plc:bob", "zoë.test": "did:plc:zoe"}


def facets(text: str) -> list[tuple[str, str]]:
    """(covered text, feature value) pairs, decoded back from the byte offsets."""
    encoded = text.encode()
    found = []
    for facet in detect_facets(text, DIDS.get):
        index, feature = facet["index"], facet["features"][0]
        value = feature.get("uri") or feature.get("did") or feature.get("tag")
        found.append((encoded[index["byteStart"] : index["byteEnd"]].decode(), value))
    return found


def test_byte_ranges_count_utf8_bytes_not_characters() -> None:
    assert byte_range("👋 hi", 2, 4) == {"byteStart": 5, "byteEnd": 7}
    assert byte_range("é#x", 1, 3) == {"byteStart": 2, "byteEnd": 4}
    assert byte_range("東京 #t", 3, 5) == {"byteStart": 7, "byteEnd": 9}


def test_a_link_stops_before_trailing_punctuation_and_unbalanced_parens() -> None:
    assert facets("See https://example.com/a. And (https://x.org/b)!") == [
        ("https://example.com/a", "https://example.com/a"),
        ("https://x.org/b", "https://x.org/b"),
    ]
    assert facets("wiki https://en.wikipedia.org/wiki/Foo_(bar) ok") == [
        ("https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)")
    ]


def test_mentions_need_a_resolvable_domain_handle() -> None:
    text = "hi @bob.test, @nobody.test, @bob and mail me@bob.test"
    assert facets(text) == [("@bob.test", "did:plc:bob")]


def test_tags_drop_the_hash_and_trailing_punctuation_and_skip_pure_numbers() -> None:
    text = "#launch! #2024 #año_nuevo, url#frag #日本語"
    assert facets(text) == [
        ("#launch", "launch"),
        ("#año_nuevo", "año_nuevo"),
        ("#日本語", "日本語"),
    ]


def test_facets_after_emoji_accents_and_cjk_land_on_the_right_bytes() -> None:
    text = "👨‍👩‍👧 café 東京 @bob.test https://ex.am/ple #tag"
    encoded = text.encode()
    found = detect_facets(text, DIDS.get)
    assert [(f["index"]["byteStart"], f["index"]["byteEnd"]) for f in found] == [
        (32, 41),  # 18 bytes of family emoji, 5 of café, 6 of 東京, 3 spaces
        (42, 59),
        (60, 64),
    ]
    assert encoded[32:41] == b"@bob.test"
