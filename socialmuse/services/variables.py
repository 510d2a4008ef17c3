"""Variables in post text (``{brand}``, ``{account}``, ``{link}``, ``{date}`` …), per account.

One text goes to several accounts; ``{account}`` and ``{network}`` differ per account, so the
composer renders every target's text separately when the post is saved, and its previews and
counters measure the rendered text (what the network will really receive). ``{{`` and ``}}``
stand for literal braces. An unknown name is refused with the list of known ones instead of
being published as-is, since ``{linc}`` in a live post is worse than a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import regex

from socialmuse.services.errors import ValidationError

_VARIABLE_RE = regex.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")

VARIABLES: dict[str, str] = {
    "brand": "the brand's name",
    "account": "the account's @handle",
    "network": "the network's name (e.g. Mastodon)",
    "link": "the link shortened in the composer",
    "date": "today's date in the brand's timezone (YYYY-MM-DD)",
    "weekday": "today's weekday in the brand's timezone (e.g. Monday)",
    "month": "this month's name in the brand's timezone (e.g. March)",
    "year": "this year in the brand's timezone",
}
"""Every name the composer understands, with what it becomes (shown as help in the UI)."""


@dataclass(frozen=True)
class Found:
    """The variables a text uses: known ones and misspelt or unknown ones."""

    known: tuple[str, ...]
    unknown: tuple[str, ...]


def find(text: str) -> Found:
    """The distinct variable names in ``text``, in order of first use."""
    names = [m.group(1) for m in _VARIABLE_RE.finditer(text) if m.group(1)]
    distinct = list(dict.fromkeys(names))
    return Found(
        known=tuple(n for n in distinct if n.lower() in VARIABLES),
        unknown=tuple(n for n in distinct if n.lower() not in VARIABLES),
    )


def check(text: str, *, field: str = "text") -> None:
    """Refuse a text with unknown variables, naming them and the known ones."""
    unknown = find(text).unknown
    if unknown:
        names = ", ".join("{" + n + "}" for n in unknown)
        known = ", ".join("{" + n + "}" for n in VARIABLES)
        what = "is not a variable" if len(unknown) == 1 else "are not variables"
        raise ValidationError(
            f"{names} {what} SocialMuse knows. Use one of {known}, "
            "or write {{ and }} for literal braces.",
            field=field,
        )


def render(
    text: str,
    *,
    brand: str,
    account: str = "",
    link: str = "",
    now: datetime,
    network: str = "",
) -> str:
    """``text`` with every variable filled in for one account.

    ``now`` should already be in the brand's timezone (the date is the brand's, not the
    server's). ``{link}`` with no link shortened is refused rather than left empty, so a post
    never says "read more: " followed by nothing.
    """
    check(text)
    if not link and "link" in {n.lower() for n in find(text).known}:
        raise ValidationError(
            "The text uses {link} but no link was added: shorten a link first, or remove {link}.",
            field="text",
        )
    handle = account if not account or account.startswith("@") else f"@{account}"
    values = {
        "brand": brand,
        "account": handle,
        "network": network,
        "link": link,
        "date": now.strftime("%Y-%m-%d"),
        "weekday": now.strftime("%A"),
        "month": now.strftime("%B"),
        "year": now.strftime("%Y"),
    }

    def _fill(match: regex.Match[str]) -> str:
        whole = match.group(0)
        if whole == "{{":
            return "{"
        if whole == "}}":
            return "}"
        return values[match.group(1).lower()]

    return _VARIABLE_RE.sub(_fill, text)


def uses_variables(text: str) -> bool:
    """True when rendering could change the text (variables or escaped braces)."""
    return _VARIABLE_RE.search(text) is not None
