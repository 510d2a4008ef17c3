"""Finding which parts of a thread a lost publish already posted (X, Mastodon, Threads).

Each network lists the account's own replies in the conversation differently; what they
share is the walk: part ``n`` is the reply to part ``n-1`` (the root for part 1) with the
same text, and the first comment is a reply to the root. The walk stops at the first part
not found, since any later one would have to hang from it.
"""

from __future__ import annotations

from collections.abc import Callable

from socialmuse.platforms.base import PostContent

Child = Callable[[str, str], str | None]
"""``child(parent_id, text)``: the id of our reply to ``parent_id`` saying ``text``, if any."""


def find_thread_parts(
    root: str, content: PostContent, child: Child, *, prefix: str = ""
) -> dict[str, str]:
    """Ids already published, keyed ``{prefix}part1``… and ``{prefix}comment``."""
    existing: dict[str, str] = {}
    parent: str | None = root
    for n, text in enumerate(content.thread, start=1):
        parent = child(parent, text) if parent else None
        if parent is None:
            break
        existing[f"{prefix}part{n}"] = parent
    if content.first_comment and (found := child(root, content.first_comment)):
        existing[f"{prefix}comment"] = found
    return existing
