"""Attachments against one network's media rules: count, kinds, mixing, sizes, alt text."""

from __future__ import annotations

from collections.abc import Sequence

from socialmuse.platforms.base import MediaFile, Problem
from socialmuse.platforms.rules.networks import GB, GIF, MB, TYPE_NAMES, NetworkRules


def _approx(n: int) -> str:
    if n < MB:
        return f"{max(1, round(n / 1024))} KB"
    if n >= GB:
        return f"{n // GB} GB" if n % GB == 0 else f"{n / GB:.1f} GB"
    return f"{n // MB} MB" if n % MB == 0 else f"{n / MB:.1f} MB"


def _limit_size(cap: int) -> str:
    """A limit in plain words; in exact bytes when the network sets it so (Bluesky's 2,000,000)."""
    return f"{cap:,} bytes" if cap % MB and cap % 1_000_000 == 0 else _approx(cap)


def _file_size(n: int, cap: int) -> str:
    """A file's size, in exact bytes whenever rounding could make it look within the limit."""
    close = n < cap * 1.1
    return f"{n:,} bytes" if close or _limit_size(cap).endswith("bytes") else _approx(n)


def _names(types: frozenset[str]) -> str:
    names = sorted(TYPE_NAMES.get(t, t) for t in types)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _kind(rules: NetworkRules, content_type: str) -> str | None:
    media = rules.media
    if content_type == GIF and media.max_gif_bytes is not None:
        return "gif"
    if content_type in media.image_types:
        return "image"
    if content_type in media.video_types:
        return "video"
    return None


def check_media(rules: NetworkRules, media: Sequence[MediaFile]) -> list[Problem]:
    name, limits = rules.name, rules.media
    problems: list[Problem] = []
    if limits.required and not media:
        problems.append(
            Problem("media_required", f"{name} needs at least one image or video to post.")
        )
    if len(media) > limits.max_items:
        problems.append(
            Problem(
                "too_many_media",
                f"{name} allows {limits.summary} per post; this post has {len(media)}.",
            )
        )
    kinds = [_kind(rules, item.content_type) for item in media]
    alone = [k for k in kinds if (k == "video" and limits.video_alone) or k == "gif"]
    if alone and len(media) > 1:
        what = "a GIF" if "gif" in alone else "a video"
        problems.append(
            Problem(
                "media_mixed",
                f"{name} allows {limits.summary}; {what} cannot share a post with other media.",
            )
        )
    accepted = f"{_names(limits.image_types)} images or {_names(limits.video_types)} videos"
    for item, kind in zip(media, kinds, strict=True):
        label = item.path.name
        if kind is None:
            found = TYPE_NAMES.get(item.content_type)
            what = f"a {found} file" if found else "not a recognised image or video"
            problems.append(
                Problem(
                    "media_type",
                    f"{name} accepts {accepted}; {label} is {what}.",
                )
            )
            continue
        cap = {
            "image": limits.max_image_bytes,
            "video": limits.max_video_bytes,
            "gif": limits.max_gif_bytes or limits.max_image_bytes,
        }[kind]
        if item.size_bytes > cap:
            noun = "GIFs" if kind == "gif" else f"{kind}s"
            problems.append(
                Problem(
                    "media_too_large",
                    f"{name} allows {noun} up to {_limit_size(cap)}; {label} is "
                    f"{_file_size(item.size_bytes, cap)}.",
                )
            )
        if limits.alt_text_limit is not None and len(item.alt_text) > limits.alt_text_limit:
            problems.append(
                Problem(
                    "alt_text_too_long",
                    f"{name} allows image descriptions of {limits.alt_text_limit:,} characters; "
                    f"the one for {label} has {len(item.alt_text):,}.",
                )
            )
    return problems
