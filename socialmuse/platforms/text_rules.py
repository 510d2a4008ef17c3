"""Every network's text and media rules, in one place for validation, UI counters and adapters.

``count`` is what a composer's counter shows (length as the network counts it, against its
limit); ``check`` is every problem of one variant, the same list an adapter's ``validate``
returns and the publisher refuses on. The limits themselves live in ``rules.networks`` with
the section of platform-contracts.md each follows; ``limit`` overrides the text limit where
the account has its own (a Mastodon instance's ``max_characters``, a paid X account).

How each network counts:

* X: NFC, then twitter-text v3 weights: a link is 23, an emoji sequence 2, code points in
  U+0000-U+10FF, U+2000-U+200D, U+2010-U+201F, U+2032-U+2037 weigh 1, all others 2; 280.
* Bluesky: 300 grapheme clusters and 3,000 UTF-8 bytes.
* Mastodon: grapheme clusters, links with a scheme as 23, ``@user@server`` as ``@user``; 500.
* Threads: 500, with every emoji counted as its UTF-8 byte length; at most 5 links.
* Instagram: 2,200 characters, 30 hashtags, 20 mentions; media required.
* LinkedIn: 3,000 characters, counted as written; ``escape_linkedin`` before sending.
* Facebook: 63,206 characters.
* Sandbox: 1,000 graphemes, up to 4 media of any kind, threads and first comments.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

from socialmuse.models.enums import Platform
from socialmuse.platforms.base import MediaFile, PostContent, Problem
from socialmuse.platforms.rules import media as _media
from socialmuse.platforms.rules.counting import TextCount, utf8_bytes
from socialmuse.platforms.rules.networks import NETWORK_NAMES, RULES, NetworkRules
from socialmuse.platforms.rules.segments import find_links, hashtags, mentions

__all__ = [
    "NETWORK_NAMES",
    "TextCount",
    "check",
    "check_media",
    "check_text",
    "count",
    "escape_linkedin",
]

# LinkedIn "little text" reserved characters; unescaped ones silently truncate the post.
_LINKEDIN_RESERVED_RE = regex.compile(r"([|{}@\[\]()<>#\\*_~])")


def _rules(platform: Platform | str) -> NetworkRules:
    return RULES[Platform(platform)]


def count(platform: Platform, text: str, *, limit: int | None = None) -> TextCount:
    """The text's length as ``platform`` counts it (and its UTF-8 bytes where those matter)."""
    rules = _rules(platform)
    return TextCount(
        length=rules.counter(text),
        limit=limit if limit is not None else rules.limit,
        unit=rules.unit,
        bytes=utf8_bytes(text) if rules.byte_limit is not None else None,
        byte_limit=rules.byte_limit,
    )


def check_text(
    platform: Platform, text: str, *, limit: int | None = None, what: str = "text"
) -> list[Problem]:
    """Problems of one piece of text: length, bytes, hashtags, mentions, links."""
    rules = _rules(platform)
    name = rules.name
    subject = "this text" if what == "text" else what
    measured = count(platform, text, limit=limit)
    problems: list[Problem] = []
    if measured.length > measured.limit:
        how = f" ({rules.explain})" if rules.explain else ""
        problems.append(
            Problem(
                "text_too_long",
                f"{name} allows {measured.limit:,} characters{how}; "
                f"{subject} has {measured.length:,}.",
            )
        )
    size, byte_limit = measured.bytes, measured.byte_limit
    if size is not None and byte_limit is not None and size > byte_limit:
        problems.append(
            Problem(
                "text_too_long",
                f"{name} allows {byte_limit:,} bytes of text (emoji and accented "
                f"letters take several bytes each); {subject} has {size:,}.",
            )
        )
    found = {
        "hashtags": (rules.max_hashtags, len(hashtags(text))),
        "mentions": (rules.max_mentions, len(mentions(text))),
        "links": (rules.max_links, len(find_links(text))),
    }
    for noun, (cap, n) in found.items():
        if cap is not None and n > cap:
            problems.append(
                Problem(f"too_many_{noun}", f"{name} allows {cap} {noun}; {subject} has {n}.")
            )
    return problems


def check_media(platform: Platform, media: Sequence[MediaFile]) -> list[Problem]:
    """Problems of the attachments: count, kinds, mixing, sizes, alt text, media required."""
    return _media.check_media(_rules(platform), media)


def check(platform: Platform, content: PostContent, *, limit: int | None = None) -> list[Problem]:
    """Every problem of one variant: text, each thread part, the first comment, media."""
    rules = _rules(platform)
    name = rules.name
    problems = check_text(platform, content.text, limit=limit)
    if not content.text.strip() and not content.media and not rules.media.required:
        problems.append(
            Problem("text_empty", f"{name} cannot publish an empty post: write some text.")
        )
    if content.thread and not rules.thread:
        extra = len(content.thread)
        parts = "part" if extra == 1 else "parts"
        problems.append(
            Problem(
                "thread_unsupported",
                f"{name} does not support threads; this post has {extra} more {parts}. "
                "Merge them into the text or post them separately.",
            )
        )
    elif content.thread:
        for number, part in enumerate(content.thread, start=2):
            if not part.strip():
                problems.append(Problem("text_empty", f"Thread part {number} is empty."))
            problems += check_text(platform, part, limit=limit, what=f"thread part {number}")
    comment = content.first_comment
    if comment is not None and comment.strip():
        if not rules.first_comment:
            problems.append(
                Problem(
                    "first_comment_unsupported",
                    f"{name} does not support a first comment; remove it from this variant.",
                )
            )
        else:
            comment_limit = rules.comment_limit if rules.comment_limit is not None else limit
            problems += check_text(platform, comment, limit=comment_limit, what="the first comment")
    problems += check_media(platform, content.media)
    return problems


def escape_linkedin(text: str) -> str:
    r"""Backslash-escape LinkedIn's reserved characters ``| { } @ [ ] ( ) < > # \ * _ ~``.

    Unescaped, LinkedIn answers 201 and cuts the post at the first one. Escaped, mentions and
    hashtags show as plain text, which is what the person wrote.
    """
    return _LINKEDIN_RESERVED_RE.sub(r"\\\1", text)
