"""Each network's text and media rules, as a person writing a post meets them."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialmuse.models.enums import Platform
from socialmuse.platforms.base import MediaFile, PostContent
from socialmuse.platforms.text_rules import (
    NETWORK_NAMES,
    TextCount,
    check,
    check_media,
    check_text,
    count,
    escape_linkedin,
)

FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # one grapheme, seven code points, 25 UTF-8 bytes
FLAG = "🇫🇷"
THUMBS_UP_MEDIUM = "👍🏽"
KEYCAP_ONE = "1\ufe0f\u20e3"
MB = 1024 * 1024


def image(name: str = "photo.jpg", *, size: int = 100_000, kind: str = "image/jpeg") -> MediaFile:
    return MediaFile(path=Path(name), content_type=kind, size_bytes=size)


def video(name: str = "clip.mp4", *, size: int = 5 * MB, kind: str = "video/mp4") -> MediaFile:
    return MediaFile(path=Path(name), content_type=kind, size_bytes=size)


def codes(problems: list) -> list[str]:
    return [p.code for p in problems]


def test_every_network_has_rules_and_a_name() -> None:
    for platform in Platform:
        measured = count(platform, "hello")
        assert measured.length == 5
        assert measured.limit > 0
        assert NETWORK_NAMES[platform]
    assert NETWORK_NAMES[Platform.X] == "X"
    assert NETWORK_NAMES[Platform.BLUESKY] == "Bluesky"


def test_text_count_is_over_by_length_or_by_bytes() -> None:
    assert not TextCount(length=300, limit=300, unit="graphemes").over
    assert TextCount(length=301, limit=300, unit="graphemes").over
    assert TextCount(length=10, limit=300, unit="graphemes", bytes=3001, byte_limit=3000).over


# X: twitter-text v3 weighting


def test_x_counts_any_link_as_23_whatever_its_length() -> None:
    short = count(Platform.X, "see https://t.co/a")
    long = count(Platform.X, "see https://example.com/" + "a" * 200 + "?utm_source=newsletter")
    bare = count(Platform.X, "see example.com")
    assert short.length == long.length == bare.length == 4 + 23
    assert long.unit == "weighted characters"


def test_x_link_stops_before_trailing_punctuation() -> None:
    assert count(Platform.X, "(https://example.com/page).").length == 1 + 23 + 2


def test_x_weighs_cjk_as_two_and_latin_as_one() -> None:
    assert count(Platform.X, "日本語").length == 6
    assert count(Platform.X, "café").length == 4
    assert count(Platform.X, "한국어 text").length == 6 + 5


def test_x_counts_each_emoji_sequence_as_two() -> None:
    for emoji in (FAMILY, FLAG, THUMBS_UP_MEDIUM, KEYCAP_ONE, "😀"):
        assert count(Platform.X, emoji).length == 2, emoji
    assert count(Platform.X, f"hi {FAMILY}{FLAG}").length == 3 + 4


def test_x_normalises_to_nfc_before_counting() -> None:
    decomposed = "cafe\u0301"
    assert count(Platform.X, decomposed).length == 4


def test_x_allows_exactly_280_and_refuses_281() -> None:
    assert check_text(Platform.X, "a" * 280) == []
    assert check_text(Platform.X, "日" * 140) == []
    problems = check_text(Platform.X, "a" * 281)
    assert codes(problems) == ["text_too_long"]
    assert problems[0].message.startswith("X allows 280 characters")
    assert problems[0].message.endswith("this text has 281.")
    assert codes(check_text(Platform.X, "日" * 140 + "a")) == ["text_too_long"]


def test_x_link_that_tips_a_text_over_280() -> None:
    text = "a" * 257 + " https://a.io"  # 257 + 1 + 23 = 281 although only 270 typed
    assert len(text) == 270
    assert count(Platform.X, text).over


# Bluesky: 300 graphemes and 3,000 bytes


def test_bluesky_counts_graphemes_with_combining_marks_and_emoji() -> None:
    text = "e\u0301" * 100 + FAMILY * 100 + "a" * 100
    measured = count(Platform.BLUESKY, text)
    assert measured.length == 300
    assert measured.unit == "graphemes"
    assert measured.bytes == 300 + 2500 + 100
    assert measured.byte_limit == 3000
    assert not measured.over
    assert check_text(Platform.BLUESKY, text) == []


def test_bluesky_refuses_301_graphemes_in_plain_words() -> None:
    problems = check_text(Platform.BLUESKY, "a" * 312)
    assert problems[0].code == "text_too_long"
    assert problems[0].message == "Bluesky allows 300 characters; this text has 312."


def test_bluesky_byte_limit_is_hit_with_fewer_than_300_graphemes() -> None:
    text = FAMILY * 121  # 121 graphemes, 3,025 bytes
    measured = count(Platform.BLUESKY, text)
    assert measured.length == 121
    assert measured.bytes == 3025
    assert measured.over
    problems = check_text(Platform.BLUESKY, text)
    assert codes(problems) == ["text_too_long"]
    assert "3,000 bytes" in problems[0].message
    assert "3,025" in problems[0].message
    assert check_text(Platform.BLUESKY, FAMILY * 120) == []


# Mastodon: graphemes, links 23, remote mentions as @user, instance limit


def test_mastodon_counts_links_as_23_and_remote_mentions_as_local() -> None:
    text = "hi @alice@mastodon.social see https://example.com/" + "x" * 80
    assert count(Platform.MASTODON, text).length == len("hi @alice see ") + 23


def test_mastodon_counts_bare_domains_as_typed() -> None:
    assert count(Platform.MASTODON, "example.com").length == 11


def test_mastodon_counts_graphemes() -> None:
    assert count(Platform.MASTODON, FAMILY + FLAG + "e\u0301").length == 3


def test_mastodon_uses_the_instance_limit_when_given() -> None:
    text = "a" * 600
    assert codes(check_text(Platform.MASTODON, text)) == ["text_too_long"]
    assert check_text(Platform.MASTODON, text, limit=5000) == []
    assert count(Platform.MASTODON, text, limit=5000).limit == 5000
    problems = check_text(Platform.MASTODON, "a" * 5001, limit=5000)
    assert "Mastodon allows 5,000 characters" in problems[0].message


def test_mastodon_at_limit_with_a_long_link_is_fine() -> None:
    text = "a" * 476 + " https://example.com/" + "p" * 300
    assert count(Platform.MASTODON, text).length == 500
    assert check_text(Platform.MASTODON, text) == []


# Threads: emoji count as their UTF-8 bytes


def test_threads_counts_each_emoji_as_its_utf8_bytes() -> None:
    assert count(Platform.THREADS, "😀").length == 4
    assert count(Platform.THREADS, FAMILY).length == 25
    assert count(Platform.THREADS, FLAG).length == 8
    assert count(Platform.THREADS, "héllo").length == 5


def test_threads_refuses_text_that_emoji_push_over_500() -> None:
    text = "a" * 480 + "😀" * 5  # 485 typed, 500 counted
    assert check_text(Platform.THREADS, text) == []
    problems = check_text(Platform.THREADS, text + "😀")
    assert codes(problems) == ["text_too_long"]
    assert "emoji" in problems[0].message
    assert problems[0].message.endswith("this text has 504.")


def test_threads_allows_five_links() -> None:
    links = " ".join(f"https://example.com/{n}" for n in range(6))
    assert codes(check_text(Platform.THREADS, links)) == ["too_many_links"]


# Instagram: 2,200 characters, 30 hashtags, media required


def test_instagram_caps_hashtags_at_30() -> None:
    thirty = " ".join(f"#tag{n}x" for n in range(30))
    assert check(Platform.INSTAGRAM, PostContent(text=thirty, media=(image(),))) == []
    problems = check(Platform.INSTAGRAM, PostContent(text=thirty + " #one_more", media=(image(),)))
    assert codes(problems) == ["too_many_hashtags"]
    assert problems[0].message == "Instagram allows 30 hashtags; this text has 31."


def test_instagram_needs_media() -> None:
    problems = check(Platform.INSTAGRAM, PostContent(text="Our new menu"))
    assert codes(problems) == ["media_required"]
    assert "Instagram" in problems[0].message


def test_instagram_caption_limit_and_carousel_of_ten() -> None:
    assert codes(check_text(Platform.INSTAGRAM, "a" * 2201)) == ["text_too_long"]
    ten = tuple(image(f"p{n}.jpg") for n in range(10))
    assert check(Platform.INSTAGRAM, PostContent(text="", media=ten)) == []
    eleven = (*ten, image("p10.jpg"))
    assert codes(check(Platform.INSTAGRAM, PostContent(text="", media=eleven))) == [
        "too_many_media"
    ]


def test_instagram_accepts_jpeg_only() -> None:
    problems = check_media(Platform.INSTAGRAM, [image("logo.png", kind="image/png")])
    assert codes(problems) == ["media_type"]
    assert "logo.png is a PNG file" in problems[0].message


# LinkedIn: reserved characters escaped


def test_linkedin_escapes_every_reserved_character() -> None:
    assert escape_linkedin("Launch (finally)! #product") == r"Launch \(finally\)! \#product"
    assert escape_linkedin("|{}@[]()<>#\\*_~") == r"\|\{\}\@\[\]\(\)\<\>\#\\\*\_\~"
    assert escape_linkedin("plain text, 100% fine.") == "plain text, 100% fine."


def test_linkedin_counts_text_as_written_to_3000() -> None:
    assert check_text(Platform.LINKEDIN, "(" * 3000) == []
    assert codes(check_text(Platform.LINKEDIN, "a" * 3001)) == ["text_too_long"]


# Threads of posts and first comments


def test_each_thread_part_is_checked_on_its_own() -> None:
    content = PostContent(text="Part one", thread=("a" * 280, "b" * 290, ""))
    problems = check(Platform.X, content)
    assert codes(problems) == ["text_too_long", "text_empty"]
    assert "thread part 3 has 290" in problems[0].message
    assert problems[1].message == "Thread part 4 is empty."


def test_bluesky_thread_part_over_bytes() -> None:
    content = PostContent(text="ok", thread=(FAMILY * 121,))
    problems = check(Platform.BLUESKY, content)
    assert codes(problems) == ["text_too_long"]
    assert "thread part 2" in problems[0].message


def test_networks_without_threads_refuse_thread_parts() -> None:
    for platform in (Platform.LINKEDIN, Platform.FACEBOOK, Platform.INSTAGRAM):
        content = PostContent(text="Hello", media=(image(),), thread=("more", "and more"))
        problems = check(platform, content)
        assert "thread_unsupported" in codes(problems)
        message = next(p.message for p in problems if p.code == "thread_unsupported")
        assert message.startswith(f"{NETWORK_NAMES[platform]} does not support threads")


def test_first_comment_is_checked_with_the_comment_limit() -> None:
    post = PostContent(text="Hello", first_comment="ab " * 450)
    problems = check(Platform.LINKEDIN, post)
    assert codes(problems) == ["text_too_long"]
    assert problems[0].message == ("LinkedIn allows 1,250 characters; the first comment has 1,350.")
    assert check(Platform.X, PostContent(text="Hello", first_comment="More at example.com")) == []


def test_empty_post_without_media_is_refused() -> None:
    assert codes(check(Platform.MASTODON, PostContent(text="  "))) == ["text_empty"]
    assert check(Platform.MASTODON, PostContent(text="", media=(image(),))) == []


# Media per network


def test_x_allows_four_images_or_one_video_or_one_gif() -> None:
    four = [image(f"p{n}.jpg") for n in range(4)]
    assert check_media(Platform.X, four) == []
    assert codes(check_media(Platform.X, [*four, image("p5.jpg")])) == ["too_many_media"]
    assert check_media(Platform.X, [video()]) == []
    assert codes(check_media(Platform.X, [video(), image()])) == ["media_mixed"]
    gif = image("dance.gif", kind="image/gif", size=10 * MB)
    assert check_media(Platform.X, [gif]) == []
    problems = check_media(Platform.X, [gif, image()])
    assert codes(problems) == ["media_mixed"]
    assert "a GIF cannot share a post" in problems[0].message


def test_x_media_sizes() -> None:
    problems = check_media(Platform.X, [image(size=6 * MB)])
    assert codes(problems) == ["media_too_large"]
    assert problems[0].message == "X allows images up to 5 MB; photo.jpg is 6 MB."
    assert codes(check_media(Platform.X, [video(size=600 * MB)])) == ["media_too_large"]


def test_bluesky_images_up_to_2_000_000_bytes() -> None:
    assert check_media(Platform.BLUESKY, [image(size=2_000_000)]) == []
    problems = check_media(Platform.BLUESKY, [image(size=2_000_001)])
    assert codes(problems) == ["media_too_large"]
    assert problems[0].message == (
        "Bluesky allows images up to 2,000,000 bytes; photo.jpg is 2,000,001 bytes."
    )
    five = [image(f"p{n}.jpg") for n in range(5)]
    assert codes(check_media(Platform.BLUESKY, five)) == ["too_many_media"]
    mov = video("clip.mov", kind="video/quicktime")
    assert codes(check_media(Platform.BLUESKY, [mov])) == ["media_type"]


def test_mastodon_media_rules() -> None:
    assert check_media(Platform.MASTODON, [image(size=16 * MB)]) == []
    assert codes(check_media(Platform.MASTODON, [image(size=17 * MB)])) == ["media_too_large"]
    assert codes(check_media(Platform.MASTODON, [video(size=100 * MB)])) == ["media_too_large"]
    problems = check_media(Platform.MASTODON, [video(), image()])
    assert codes(problems) == ["media_mixed"]
    assert "Mastodon" in problems[0].message
    described = MediaFile(Path("p.jpg"), "image/jpeg", 1000, alt_text="x" * 1501)
    assert codes(check_media(Platform.MASTODON, [described])) == ["alt_text_too_long"]


def test_threads_carousel_of_twenty_mixed_media() -> None:
    twenty = [image(f"p{n}.jpg") for n in range(19)] + [video()]
    assert check_media(Platform.THREADS, twenty) == []
    assert codes(check_media(Platform.THREADS, [*twenty, image()])) == ["too_many_media"]


def test_linkedin_and_facebook_media() -> None:
    assert check_media(Platform.LINKEDIN, [image(f"p{n}.jpg") for n in range(20)]) == []
    assert codes(check_media(Platform.LINKEDIN, [video("a.mov", kind="video/quicktime")])) == [
        "media_type"
    ]
    assert codes(check_media(Platform.FACEBOOK, [video(), image()])) == ["media_mixed"]


def test_unknown_file_type_is_named_in_the_problem() -> None:
    unknown = MediaFile(Path("notes.bin"), "application/octet-stream", 10)
    problems = check_media(Platform.X, [unknown])
    assert codes(problems) == ["media_type"]
    assert "notes.bin is not a recognised image or video" in problems[0].message


def test_sandbox_is_generous_but_real() -> None:
    assert count(Platform.SANDBOX, "a" * 1000).over is False
    assert codes(check_text(Platform.SANDBOX, "a" * 1001)) == ["text_too_long"]
    mixed = PostContent(text="hi", media=(image(), video()), thread=("two",), first_comment="c")
    assert check(Platform.SANDBOX, mixed) == []
    five = tuple(image(f"p{n}.jpg") for n in range(5))
    assert codes(check(Platform.SANDBOX, PostContent(text="hi", media=five))) == ["too_many_media"]


@pytest.mark.parametrize("platform", list(Platform))
def test_every_message_names_its_network(platform: Platform) -> None:
    problems = check(platform, PostContent(text="a" * 70_000, media=(image(size=10**10),)))
    assert problems
    for problem in problems:
        assert NETWORK_NAMES[platform] in problem.message
