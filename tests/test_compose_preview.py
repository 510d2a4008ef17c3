"""How previews show text: highlights, link display and each network's "Show more" cut-off."""

from __future__ import annotations

from socialmuse.state.compose_preview import body_html, fold, handle_line


def test_links_hashtags_and_mentions_are_highlighted_and_html_is_escaped() -> None:
    html = body_html("linkedin", "Hi @ana, see https://example.com/x #news <b>&")
    assert '<span class="pv-mention" style="color:#0a66c2">@ana</span>' in html
    assert '<span class="pv-link" style="color:#0a66c2">https://example.com/x</span>' in html
    assert '<span class="pv-tag" style="color:#0a66c2">#news</span>' in html
    assert html.endswith(" &lt;b&gt;&amp;")
    assert "<b>" not in html


def test_x_and_mastodon_show_links_without_scheme_and_cut() -> None:
    url = "https://www.example.com/" + "a" * 40
    assert ">example.com/aaaaaaaaaa…<" in body_html("x", url)
    assert ">example.com/" + "a" * 17 + "…<" in body_html("mastodon", url)
    # A hashtag inside a link is part of the link, not a tag of its own.
    assert "pv-tag" not in body_html("x", "https://example.com/#top")


def test_show_more_where_the_network_folds() -> None:
    long = "word " * 60
    shown, folded = fold("instagram", long)
    assert folded and len(shown) <= 125 and not shown.endswith(" ")
    assert fold("linkedin", long)[1] is True
    assert fold("facebook", long)[1] is False  # folds only after ~480 characters
    assert fold("mastodon", long * 3) == (long * 3, False)
    assert fold("x", "🥖" * 300)[0] == "🥖" * 280  # counted in characters, not bytes


def test_handles_as_each_network_prints_them() -> None:
    assert handle_line("x", "bakery") == "@bakery"
    assert handle_line("mastodon", "bakery", "https://m.example/") == "@bakery@m.example"
    assert handle_line("mastodon", "bakery@m.example", "https://m.example") == "@bakery@m.example"
    assert handle_line("instagram", "bakery") == "bakery"
    assert handle_line("linkedin", "bakery").startswith("Just now")
