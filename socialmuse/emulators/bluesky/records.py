"""Lexicon validation of ``app.bsky.feed.post`` as the reference PDS applies it on write.

Messages follow the PDS's shape: ``Invalid app.bsky.feed.post record: <what> at <path>``
(contracts §8.6, §13).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import regex

from socialmuse.emulators.bluesky.ids import parse_at_uri

POST = "app.bsky.feed.post"
MAX_GRAPHEMES = 300
MAX_BYTES = 3000
MAX_IMAGES = 4
MAX_IMAGE_BYTES = 2_000_000
MAX_VIDEO_BYTES = 300_000_000

GRAPHEME = regex.compile(r"\X")


def grapheme_count(text: str) -> int:
    """Extended grapheme clusters, as the lexicon's ``maxGraphemes`` counts them."""
    return len(GRAPHEME.findall(text))


class InvalidRecord(Exception):
    """The record fails the lexicon; ``str(exc)`` is the PDS's message."""

    def __init__(self, detail: str, *, error: str = "InvalidRequest") -> None:
        super().__init__(detail)
        self.error = error


def _fail(detail: str, path: str) -> InvalidRecord:
    return InvalidRecord(f"Invalid {POST} record: {detail} at {path}")


def _strong_ref(value: Any, path: str) -> None:
    if not isinstance(value, dict):
        raise _fail("must be an object", path)
    if parse_at_uri(str(value.get("uri", ""))) is None:
        raise _fail("must be a valid at-uri", f"{path}.uri")
    if not isinstance(value.get("cid"), str) or not value["cid"].startswith("b"):
        raise _fail("must be a cid string", f"{path}.cid")


def _facets(record: dict[str, Any], text: bytes) -> None:
    facets = record.get("facets", [])
    if not isinstance(facets, list):
        raise _fail("must be an array", "$.record.facets")
    for i, facet in enumerate(facets):
        path = f"$.record.facets[{i}]"
        index = facet.get("index") if isinstance(facet, dict) else None
        if not isinstance(index, dict):
            raise _fail('Missing required key "index"', path)
        start, end = index.get("byteStart"), index.get("byteEnd")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
            raise _fail("invalid byte range", f"{path}.index")
        if end > len(text):
            raise _fail(f"byte range ends past the text ({end} > {len(text)})", f"{path}.index")
        try:
            text[start:end].decode("utf-8")
        except UnicodeDecodeError:
            raise _fail("byte range splits a UTF-8 character", f"{path}.index") from None
        for j, feature in enumerate(facet.get("features") or []):
            fpath = f"{path}.features[{j}]"
            kind = feature.get("$type")
            if kind == "app.bsky.richtext.facet#mention":
                did = feature.get("did")
                if not isinstance(did, str) or not did.startswith("did:"):
                    raise _fail(f'Invalid DID (got "{did}")', f"{fpath}.did")
            elif kind == "app.bsky.richtext.facet#link":
                uri = feature.get("uri")
                if not isinstance(uri, str) or ":" not in uri:
                    raise _fail("string must be a valid uri", f"{fpath}.uri")
            elif kind == "app.bsky.richtext.facet#tag":
                tag = feature.get("tag")
                if not isinstance(tag, str) or not tag or grapheme_count(tag) > 64:
                    raise _fail("tag must be 1 to 64 graphemes", f"{fpath}.tag")


def validate_post(
    record: dict[str, Any], find_blob: Callable[[str], tuple[str, int] | None]
) -> None:
    """Raise InvalidRecord for what the PDS would refuse; ``find_blob(cid)`` → (mime, size)."""
    if record.get("$type") != POST:
        raise InvalidRecord(f"Invalid $type: expected {POST}, got {record.get('$type')}")
    text = record.get("text")
    if not isinstance(text, str):
        raise _fail('Missing required key "text"', "$.record")
    created = record.get("createdAt")
    try:
        datetime.fromisoformat(str(created).replace("Z", "+00:00"))
    except ValueError:
        raise _fail("must be a valid datetime", "$.record.createdAt") from None
    encoded = text.encode("utf-8")
    if len(encoded) > MAX_BYTES:
        raise _fail(f"string too big (maximum {MAX_BYTES}, got {len(encoded)})", "$.record.text")
    graphemes = grapheme_count(text)
    if graphemes > MAX_GRAPHEMES:
        raise _fail(f"grapheme too big (maximum {MAX_GRAPHEMES}, got {graphemes})", "$.record.text")
    if len(record.get("langs") or []) > 3:
        raise _fail("array too long (maximum 3)", "$.record.langs")
    _facets(record, encoded)
    if "reply" in record:
        _strong_ref(record["reply"].get("root"), "$.record.reply.root")
        _strong_ref(record["reply"].get("parent"), "$.record.reply.parent")
    if "embed" in record:
        _embed(record["embed"], find_blob)


def _blob(
    value: Any,
    path: str,
    accept: str,
    max_size: int,
    find_blob: Callable[[str], tuple[str, int] | None],
) -> None:
    ref = value.get("ref", {}).get("$link") if isinstance(value, dict) else None
    if not isinstance(ref, str):
        raise _fail("should be a blob ref", path)
    found = find_blob(ref)
    if found is None:
        raise InvalidRecord(f"Could not find blob: {ref}", error="BlobNotFound")
    mime, size = found
    if size > max_size:
        raise InvalidRecord(
            f"This file is too large. It is {size / 1_000_000:.2f}MB but the maximum size is "
            f"{max_size / 1_000_000:.2f}MB.",
            error="BlobTooLarge",
        )
    if not mime.startswith(accept):
        raise InvalidRecord(
            f"Wrong type of file. It is {mime} but it must match {accept}*.",
            error="InvalidMimeType",
        )


def _embed(embed: dict[str, Any], find_blob: Callable[[str], tuple[str, int] | None]) -> None:
    kind = embed.get("$type")
    if kind == "app.bsky.embed.images":
        images = embed.get("images") or []
        if len(images) > MAX_IMAGES:
            raise _fail(
                f"array too long (maximum {MAX_IMAGES}, got {len(images)})", "$.record.embed.images"
            )
        for i, image in enumerate(images):
            path = f"$.record.embed.images[{i}]"
            if not isinstance(image.get("alt"), str):
                raise _fail('Missing required key "alt"', path)
            _blob(image.get("image"), f"{path}.image", "image/", MAX_IMAGE_BYTES, find_blob)
    elif kind == "app.bsky.embed.video":
        _blob(embed.get("video"), "$.record.embed.video", "video/mp4", MAX_VIDEO_BYTES, find_blob)
    elif kind == "app.bsky.embed.record":
        _strong_ref(embed.get("record"), "$.record.embed.record")
    elif kind != "app.bsky.embed.external":
        raise _fail(f"unknown embed type {kind}", "$.record.embed")
