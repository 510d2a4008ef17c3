"""Check a variant against a network's rules without publishing: the composer's and CLI's door.

Media given as paths have their type read from the file's first bytes (never its name) and
their size from the file, so a renamed file is judged by what it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from socialmuse.models.enums import Platform
from socialmuse.platforms import text_rules
from socialmuse.platforms.base import MediaFile, PostContent
from socialmuse.services.errors import ValidationError

UNKNOWN_TYPE = "application/octet-stream"

# ISO base media brands that mean QuickTime rather than MP4.
_QUICKTIME_BRANDS = {b"qt  "}
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


class ProblemOut(BaseModel):
    code: str
    message: str


class ValidationReport(BaseModel):
    network: str
    network_name: str
    length: int
    limit: int
    unit: str
    bytes: int | None = None
    byte_limit: int | None = None
    problems: list[ProblemOut]
    ok: bool


def sniff_content_type(head: bytes) -> str:
    """The media type the leading bytes show (JPEG, PNG, GIF, WEBP, MP4, MOV), else unknown."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return "video/quicktime" if head[8:12] in _QUICKTIME_BRANDS else "video/mp4"
    if head[4:8] in _QUICKTIME_ATOMS:
        return "video/quicktime"
    return UNKNOWN_TYPE


def media_file_from_path(path: Path, *, alt_text: str = "") -> MediaFile:
    """A MediaFile for a file on disk; ValidationError (field ``media``) when it is missing."""
    if not path.is_file():
        raise ValidationError(f"There is no file at {path}.", field="media")
    with path.open("rb") as handle:
        head = handle.read(16)
    return MediaFile(
        path=path,
        content_type=sniff_content_type(head),
        size_bytes=path.stat().st_size,
        alt_text=alt_text,
    )


def parse_platform(platform: str | Platform) -> Platform:
    try:
        return Platform(str(platform).strip().lower())
    except ValueError:
        choices = ", ".join(p.value for p in Platform)
        raise ValidationError(
            f"Unknown network '{platform}'; choose one of {choices}.", field="network"
        ) from None


def validate_variant(
    *,
    platform: str | Platform,
    text: str,
    media_paths: Sequence[Path] = (),
    limit: int | None = None,
    thread: Sequence[str] = (),
    first_comment: str | None = None,
) -> ValidationReport:
    """Every problem of this text (and media, thread, first comment) on one network."""
    network = parse_platform(platform)
    media = tuple(media_file_from_path(Path(path)) for path in media_paths)
    content = PostContent(text=text, media=media, thread=tuple(thread), first_comment=first_comment)
    measured = text_rules.count(network, text, limit=limit)
    problems = text_rules.check(network, content, limit=limit)
    return ValidationReport(
        network=network.value,
        network_name=text_rules.NETWORK_NAMES[network],
        length=measured.length,
        limit=measured.limit,
        unit=measured.unit,
        bytes=measured.bytes,
        byte_limit=measured.byte_limit,
        problems=[ProblemOut(code=p.code, message=p.message) for p in problems],
        ok=not problems,
    )
