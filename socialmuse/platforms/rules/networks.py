"""The one table of per-network limits, from shared/reference/platform-contracts.md.

Each entry cites the section it follows. Where the reference marks a number UNVERIFIED the
entry says so; those are the first to revisit when a live API disagrees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from socialmuse.models.enums import Platform
from socialmuse.platforms.rules import counting

MB = 1024 * 1024
GB = 1024 * MB

JPEG, PNG, GIF, WEBP = "image/jpeg", "image/png", "image/gif", "image/webp"
MP4, MOV = "video/mp4", "video/quicktime"
TYPE_NAMES = {JPEG: "JPEG", PNG: "PNG", GIF: "GIF", WEBP: "WEBP", MP4: "MP4", MOV: "MOV"}


@dataclass(frozen=True)
class MediaRules:
    """What one post may attach.

    ``max_gif_bytes`` set means a GIF is its own kind that must be alone in the post (X);
    unset, a GIF is one more image. ``video_alone``: a video must be the only item.
    """

    max_items: int
    summary: str
    image_types: frozenset[str]
    video_types: frozenset[str]
    max_image_bytes: int
    max_video_bytes: int
    max_gif_bytes: int | None = None
    video_alone: bool = False
    required: bool = False
    alt_text_limit: int | None = None


@dataclass(frozen=True)
class NetworkRules:
    platform: Platform
    name: str
    limit: int
    unit: str
    counter: Callable[[str], int]
    media: MediaRules
    explain: str = ""
    byte_limit: int | None = None
    thread: bool = False
    first_comment: bool = True
    max_hashtags: int | None = None
    max_mentions: int | None = None
    max_links: int | None = None
    comment_limit: int | None = None  # when comments have their own, smaller limit


_COMMON_IMAGES = frozenset({JPEG, PNG, GIF, WEBP})
_VIDEOS = frozenset({MP4, MOV})

RULES: dict[Platform, NetworkRules] = {
    # §1.3 media, §1.4 text: twitter-text v3 weighting; a thread is a chain of replies.
    Platform.X: NetworkRules(
        platform=Platform.X,
        name="X",
        limit=280,
        unit="weighted characters",
        counter=counting.x_weighted,
        explain="links count as 23, emoji and CJK characters as 2",
        thread=True,
        media=MediaRules(
            max_items=4,
            summary="up to 4 images, or 1 video, or 1 GIF",
            image_types=_COMMON_IMAGES,
            video_types=_VIDEOS,
            max_image_bytes=5 * MB,
            max_gif_bytes=15 * MB,
            max_video_bytes=512 * MB,
            video_alone=True,
            alt_text_limit=1000,
        ),
    ),
    # §2.3, §2.4: 3,000 characters (unit UNVERIFIED: counted per code point, as written,
    # before escape_linkedin); comments ~1,250; multiImage 2-20 images; one MP4 video;
    # images ~5 MB.
    Platform.LINKEDIN: NetworkRules(
        platform=Platform.LINKEDIN,
        name="LinkedIn",
        limit=3000,
        unit="characters",
        counter=counting.code_points,
        comment_limit=1250,
        media=MediaRules(
            max_items=20,
            summary="up to 20 images, or 1 video",
            image_types=frozenset({JPEG, PNG, GIF}),
            video_types=frozenset({MP4}),
            max_image_bytes=5 * MB,
            max_video_bytes=500 * MB,
            video_alone=True,
        ),
    ),
    # §4: text cap 63,206 UNVERIFIED; multi-photo via attached_media (10 UNVERIFIED);
    # photo 4 MB and video 1 GB (non-resumable upload) UNVERIFIED.
    Platform.FACEBOOK: NetworkRules(
        platform=Platform.FACEBOOK,
        name="Facebook",
        limit=63206,
        unit="characters",
        counter=counting.code_points,
        media=MediaRules(
            max_items=10,
            summary="up to 10 photos, or 1 video",
            image_types=_COMMON_IMAGES,
            video_types=_VIDEOS,
            max_image_bytes=4 * MB,
            max_video_bytes=1 * GB,
            video_alone=True,
        ),
    ),
    # §5.2, §5.3: media required, carousel of up to 10; JPEG images <= 8 MB; reels <= 300 MB;
    # 2,200 characters, 30 hashtags (a 5-hashtag cap is reported, UNVERIFIED), 20 mentions.
    Platform.INSTAGRAM: NetworkRules(
        platform=Platform.INSTAGRAM,
        name="Instagram",
        limit=2200,
        unit="characters",
        counter=counting.code_points,
        max_hashtags=30,
        max_mentions=20,
        media=MediaRules(
            max_items=10,
            summary="1 to 10 images or videos",
            image_types=frozenset({JPEG}),
            video_types=_VIDEOS,
            max_image_bytes=8 * MB,
            max_video_bytes=300 * MB,
            required=True,
        ),
    ),
    # §6: 500 with emoji as UTF-8 bytes; a thread is a chain of replies; carousel <= 20,
    # <= 5 links, JPEG/PNG images <= 8 MB, video <= 1 GB.
    Platform.THREADS: NetworkRules(
        platform=Platform.THREADS,
        name="Threads",
        limit=500,
        unit="characters",
        counter=counting.threads,
        explain="each emoji counts as its size in bytes, usually 4",
        thread=True,
        max_links=5,
        media=MediaRules(
            max_items=20,
            summary="up to 20 images or videos",
            image_types=frozenset({JPEG, PNG}),
            video_types=_VIDEOS,
            max_image_bytes=8 * MB,
            max_video_bytes=1 * GB,
        ),
    ),
    # §7.3, §7.4: instance defaults (500, URL 23, 4 attachments, 16 MB / ~99 MB, 1,500-char
    # descriptions); a video cannot be mixed with other media. Pass ``limit`` for the
    # instance's own ``max_characters``.
    Platform.MASTODON: NetworkRules(
        platform=Platform.MASTODON,
        name="Mastodon",
        limit=500,
        unit="graphemes",
        counter=counting.mastodon,
        explain="links count as 23, @user@server as @user",
        thread=True,
        media=MediaRules(
            max_items=4,
            summary="up to 4 images, or 1 video",
            image_types=_COMMON_IMAGES,
            video_types=_VIDEOS,
            max_image_bytes=16 * MB,
            max_video_bytes=103_809_024,
            video_alone=True,
            alt_text_limit=1500,
        ),
    ),
    # §8.2, §8.4: 300 graphemes and 3,000 UTF-8 bytes; <= 4 images of <= 2,000,000 bytes
    # (alt is required by the lexicon but may be empty), or one MP4 <= 300,000,000 bytes.
    Platform.BLUESKY: NetworkRules(
        platform=Platform.BLUESKY,
        name="Bluesky",
        limit=300,
        unit="graphemes",
        counter=counting.grapheme_count,
        byte_limit=3000,
        thread=True,
        media=MediaRules(
            max_items=4,
            summary="up to 4 images, or 1 video",
            image_types=_COMMON_IMAGES,
            video_types=frozenset({MP4}),
            max_image_bytes=2_000_000,
            max_video_bytes=300_000_000,
            video_alone=True,
        ),
    ),
    # The built-in network: deliberately generous so the whole flow can be tried, yet with
    # real limits so validation can be seen working (1,000 graphemes, 4 media of any kind).
    Platform.SANDBOX: NetworkRules(
        platform=Platform.SANDBOX,
        name="Sandbox",
        limit=1000,
        unit="graphemes",
        counter=counting.grapheme_count,
        thread=True,
        media=MediaRules(
            max_items=4,
            summary="up to 4 images or videos",
            image_types=_COMMON_IMAGES,
            video_types=_VIDEOS,
            max_image_bytes=20 * MB,
            max_video_bytes=200 * MB,
        ),
    ),
}

NETWORK_NAMES: dict[Platform, str] = {platform: rules.name for platform, rules in RULES.items()}
