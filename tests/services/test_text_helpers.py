"""Rule-based helpers: hashtags from text and sentence-aware shortening (no AI involved)."""

from __future__ import annotations

from socialmuse.models.enums import Platform
from socialmuse.platforms import text_rules
from socialmuse.services import text_helpers


def test_extract_hashtags_keeps_first_spelling_once() -> None:
    text = "Fresh #Bread and #bread again, #café too. Not a tag: a#b"
    assert text_helpers.extract_hashtags(text) == ["#Bread", "#café"]


def test_keyword_hashtags_rank_frequent_long_words() -> None:
    text = "Sourdough class: our sourdough starter, flour and water. #flour"
    tags = text_helpers.keyword_hashtags(text, count=3)
    assert tags[0] == "#sourdough"
    assert "#flour" not in tags  # already in the text
    assert "#class" in tags and len(tags) == 3


def test_shorten_keeps_whole_sentences() -> None:
    text = "We open at six. Our rye is famous across town. Come early!"
    assert text_helpers.shorten_text(text, 100) == text
    assert text_helpers.shorten_text(text, 40) == "We open at six."


def test_shorten_cuts_at_a_word_with_an_ellipsis_when_one_sentence_is_too_long() -> None:
    text = "An extraordinarily long opening sentence without any full stop in sight"
    short = text_helpers.shorten_text(text, 30)
    assert short == "An extraordinarily long…"
    assert len(short) <= 30
    assert text_helpers.shorten_text("Pneumonoultramicroscopic", 5) == ""


def test_shorten_counts_as_the_network_does() -> None:
    link = "https://example.com/" + "a" * 80
    text = f"Read this. {link} is where the recipe lives."
    short = text_helpers.shorten_text(text, 70, platform=Platform.X)
    assert short == f"Read this. {link} is where the recipe lives."  # a link counts as 23 on X
    assert text_rules.count(Platform.X, short).length <= 70
    assert text_helpers.shorten_text(text, 70) == "Read this."
