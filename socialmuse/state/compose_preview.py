"""How each network shows a post: highlighted text, "Show more" cut-offs, handles and colours.

Pure functions (no Reflex state) so the composer's previews can be tested and reasoned about
on their own. The body is produced as escaped HTML with ``<span>`` highlights for links,
hashtags and mentions, using the same link/hashtag/mention patterns the counters use
(``platforms.rules.segments``), so what lights up is what the network will link.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from socialmuse.models.enums import Platform
from socialmuse.platforms.rules.segments import HASHTAG_RE, MENTION_RE, find_links, graphemes


@dataclass(frozen=True)
class Look:
    """One network's visual language in the preview card."""

    accent: str  # links, hashtags and mentions
    background: str
    foreground: str
    muted: str
    border: str
    font: str
    avatar_radius: str
    avatar_color: str
    more_label: str  # what the network's "show more" link says
    fold_at: int | None  # graphemes shown before the network folds the text
    link_display: int | None  # links shown without scheme, cut to this many characters


_SYSTEM = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"

LOOKS: dict[Platform, Look] = {
    Platform.X: Look(
        "#1d9bf0", "#ffffff", "#0f1419", "#536471", "#eff3f4", _SYSTEM, "50%", "#1d9bf0",
        "Show more", 280, 23,
    ),
    Platform.LINKEDIN: Look(
        "#0a66c2", "#ffffff", "rgba(0,0,0,0.9)", "rgba(0,0,0,0.6)", "#e0dfdc", _SYSTEM, "50%",
        "#0a66c2", "…see more", 210, None,
    ),
    Platform.FACEBOOK: Look(
        "#0064d1", "#ffffff", "#050505", "#65676b", "#ced0d4", _SYSTEM, "50%", "#1877f2",
        "See more", 480, None,
    ),
    Platform.INSTAGRAM: Look(
        "#00376b", "#ffffff", "#000000", "#737373", "#dbdbdb", _SYSTEM, "50%", "#d62976",
        "more", 125, None,
    ),
    Platform.THREADS: Look(
        "#0095f6", "#ffffff", "#000000", "#999999", "#e5e5e5", _SYSTEM, "50%", "#000000",
        "", None, 30,
    ),
    Platform.MASTODON: Look(
        "#6364ff", "#282c37", "#ffffff", "#9baec8", "#393f4f", _SYSTEM, "8px", "#6364ff",
        "", None, 30,
    ),
    Platform.BLUESKY: Look(
        "#1083fe", "#ffffff", "#0b0f14", "#6f869f", "#e3e9f0", _SYSTEM, "50%", "#1083fe",
        "", None, 30,
    ),
    Platform.SANDBOX: Look(
        "#3e63dd", "#fcfcfd", "#1c2024", "#60646c", "#e0e1e6", _SYSTEM, "6px", "#8d8d8d",
        "", None, None,
    ),
}  # fmt: skip


def look(platform: str) -> Look:
    return LOOKS[Platform(platform)]


def handle_line(platform: str, handle: str, instance_url: str = "") -> str:
    """The account as the network prints it under the name (``@user@server`` on Mastodon)."""
    p = Platform(platform)
    bare = handle.lstrip("@")
    if p == Platform.MASTODON:
        server = instance_url.split("://", 1)[-1].strip("/")
        return f"@{bare}@{server}" if server and "@" not in bare else f"@{bare}"
    if p in (Platform.LINKEDIN, Platform.FACEBOOK):
        return "Just now · 🌐"
    if p == Platform.INSTAGRAM:
        return bare
    return f"@{bare}"


def _shown_link(url: str, cut: int | None) -> str:
    if cut is None:
        return url
    bare = url.split("://", 1)[-1]
    bare = bare.removeprefix("www.")
    return bare if len(bare) <= cut else bare[: cut - 1] + "…"


def _spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of links, then hashtags and mentions outside them, in order."""
    found = [(link.start, link.end, "link") for link in find_links(text)]
    taken = [(s, e) for s, e, _ in found]
    for pattern, kind in ((HASHTAG_RE, "tag"), (MENTION_RE, "mention")):
        for match in pattern.finditer(text):
            start, end = match.span()
            if not any(s < end and start < e for s, e in taken):
                found.append((start, end, kind))
                taken.append((start, end))
    return sorted(found)


def fold(platform: str, text: str) -> tuple[str, bool]:
    """The part shown before the network's "Show more" (and whether the text was cut)."""
    limit = look(platform).fold_at
    if limit is None:
        return text, False
    clusters = graphemes(text)
    if len(clusters) <= limit:
        return text, False
    cut = "".join(clusters[:limit])
    # Networks cut at a word boundary when there is one near the end.
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(), True


def body_html(platform: str, text: str) -> str:
    """Escaped HTML of ``text`` with links, hashtags and mentions coloured as on the network."""
    style = look(platform)
    out: list[str] = []
    position = 0
    for start, end, kind in _spans(text):
        out.append(escape(text[position:start]))
        piece = text[start:end]
        shown = _shown_link(piece, style.link_display) if kind == "link" else piece
        out.append(f'<span class="pv-{kind}" style="color:{style.accent}">{escape(shown)}</span>')
        position = end
    out.append(escape(text[position:]))
    return "".join(out)
