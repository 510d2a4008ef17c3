"""How Mastodon counts and renders status text, after its own source.

Counting follows ``app/validators/status_length_validator.rb``: grapheme clusters over
``spoiler_text + text``, where every http(s) URL counts as 23 characters and a remote mention
``@user@domain`` counts as ``@user``. Rendering follows ``app/lib/text_formatter.rb``: the
Status ``content`` is HTML (paragraphs, ``<br />``, links split into invisible/ellipsis
spans), never the text as sent, which is what a client reading statuses back has to undo.
"""

from __future__ import annotations

import html

import regex

URL_PLACEHOLDER = "x" * 23
_URL = regex.compile(r"https?://[^\s<>\"]+", regex.IGNORECASE)
_MENTION = regex.compile(
    r"(?<=^|[^/\w])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@[\w.-]+\w)?", regex.IGNORECASE
)
_HASHTAG = regex.compile(r"(?<=^|[^/\w])#(\w*[a-zA-Z_·]\w*)")
_TRAILING = ".,;:!?'\""


def _url_spans(text: str) -> list[tuple[int, int]]:
    """URL positions, without trailing punctuation or an unbalanced closing parenthesis."""
    spans = []
    for match in _URL.finditer(text):
        url = match.group(0)
        while url and (
            url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))
        ):
            url = url[:-1]
        spans.append((match.start(), match.start() + len(url)))
    return spans


def countable_text(text: str) -> str:
    """The text as the validator measures it: URLs as 23 x's, remote mentions without domain."""
    entities: list[tuple[int, int, str]] = [(s, e, URL_PLACEHOLDER) for s, e in _url_spans(text)]
    for match in _MENTION.finditer(text):
        if not any(s < match.end() and match.start() < e for s, e, _ in entities):
            entities.append((match.start(), match.end(), "@" + match.group(1)))
    out, pos = [], 0
    for start, end, replacement in sorted(entities):
        out += [text[pos:start], replacement]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def countable_length(text: str, spoiler_text: str = "") -> int:
    return len(regex.findall(r"\X", spoiler_text + countable_text(text)))


def _link(url: str) -> str:
    prefix = regex.match(r"https?://(www\.)?", url, regex.IGNORECASE)
    head = prefix.group(0) if prefix else ""
    rest = url[len(head) :]
    display, suffix = rest[:30], rest[30:]
    return (
        f'<a href="{html.escape(url)}" target="_blank" rel="nofollow noopener" translate="no">'
        f'<span class="invisible">{html.escape(head)}</span>'
        f'<span class="{"ellipsis" if suffix else ""}">{html.escape(display)}</span>'
        f'<span class="invisible">{html.escape(suffix)}</span></a>'
    )


def _line(text: str, base_url: str) -> str:
    links = [(s, e, _link(text[s:e])) for s, e in _url_spans(text)]
    for match in _HASHTAG.finditer(text):
        if not any(s < match.end() and match.start() < e for s, e, _ in links):
            tag = match.group(1)
            links.append(
                (
                    match.start(),
                    match.end(),
                    f'<a href="{base_url}/tags/{tag.lower()}" class="mention hashtag" rel="tag">'
                    f"#<span>{html.escape(tag)}</span></a>",
                )
            )
    out, pos = [], 0
    for start, end, rendered in sorted(links):
        out += [html.escape(text[pos:start], quote=False), rendered]
        pos = end
    out.append(html.escape(text[pos:], quote=False))
    return "".join(out)


def render_html(text: str, base_url: str) -> str:
    """Status ``content``: one ``<p>`` per paragraph, ``<br />`` per line break."""
    paragraphs = [p for p in regex.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(
        "<p>" + "<br />".join(_line(line, base_url) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )
