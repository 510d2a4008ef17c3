"""Short links served by SocialMuse (``/l/<code>``), their UTM parameters, and their clicks.

The composer shortens a link while the post is being written (before the post exists), so a
link starts without a post and is tied to it when the post is saved (``attach_to_post``).
Every real click becomes a ``LinkClick`` row and one atomic ``click_count + 1``; link
previews fetched by networks and chat apps (HEAD requests, known crawler user agents) are not
clicks and are not counted. The referrer says which network the click came from.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import regex
from pydantic import BaseModel
from sqlmodel import Session, col, func, select, update

from socialmuse.models import LinkClick, Post, ShortLink, SocialAccount
from socialmuse.models.enums import Platform
from socialmuse.services import audit
from socialmuse.services.accounts import PLATFORM_LABELS
from socialmuse.services.brands import load_brand
from socialmuse.services.errors import NotFound, ValidationError
from socialmuse.services.permissions import Action, Actor
from socialmuse.settings import get_settings

PATH_PREFIX = "/l/"
CODE_LENGTH = 8
# No look-alikes (0/O, 1/l/I): codes get read aloud and typed from screenshots.
_ALPHABET = "23456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
_CODE_RE = regex.compile(rf"^[{_ALPHABET}]{{4,32}}$")
MAX_URL = 2_000

UTM_KEYS = ("source", "medium", "campaign", "term", "content")
"""The five standard UTM parameters, typed without their ``utm_`` prefix in the builder."""

# Link-preview fetchers: networks and chat apps that unfurl links the moment a post appears.
_BOT_MARKERS = (
    "bot",
    "crawler",
    "spider",
    "preview",
    "facebookexternalhit",
    "facebookcatalog",
    "meta-externalagent",
    "linkedinbot",
    "twitterbot",
    "slackbot",
    "discordbot",
    "telegrambot",
    "whatsapp",
    "skypeuripreview",
    "embedly",
    "iframely",
    "mastodon/",
    "pleroma",
    "akkoma",
    "misskey",
    "bluesky cardyb",
    "cardyb",
    "headlesschrome",
    "google-pagerenderer",
    "vkshare",
    "redditbot",
    "applebot",
)

# Referrer hosts (and their subdomains) of each network.
_REFERRER_HOSTS: dict[str, Platform] = {
    "t.co": Platform.X,
    "x.com": Platform.X,
    "twitter.com": Platform.X,
    "linkedin.com": Platform.LINKEDIN,
    "lnkd.in": Platform.LINKEDIN,
    "facebook.com": Platform.FACEBOOK,
    "fb.com": Platform.FACEBOOK,
    "fb.me": Platform.FACEBOOK,
    "instagram.com": Platform.INSTAGRAM,
    "threads.net": Platform.THREADS,
    "threads.com": Platform.THREADS,
    "bsky.app": Platform.BLUESKY,
    "bsky.social": Platform.BLUESKY,
}


class ShortLinkPublic(BaseModel):
    code: str
    short_url: str
    destination_url: str


class LinkStats(BaseModel):
    code: str
    short_url: str
    destination_url: str
    clicks: int


class NetworkClicks(BaseModel):
    platform: str
    label: str
    clicks: int


class PostClicks(BaseModel):
    """Clicks on a post's short links, per link and per network the click came from."""

    total: int
    links: list[LinkStats]
    networks: list[NetworkClicks]


def short_url(code: str) -> str:
    return f"{get_settings().base_url.rstrip('/')}{PATH_PREFIX}{code}"


def build_url(url: str, utm: dict[str, str] | None = None) -> str:
    """``url`` with ``utm_*`` parameters added (or replacing the same ones); the rest kept.

    Keys may be given as ``source`` or ``utm_source``; empty values change nothing.
    """
    raw = url.strip()
    if len(raw) > MAX_URL:
        raise ValidationError(f"Links are limited to {MAX_URL:,} characters.", field="url")
    parts = urlsplit(raw)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in raw:
        raise ValidationError(
            f"{raw or 'That'} is not a web address; write it in full, "
            "e.g. https://example.com/page.",
            field="url",
        )
    given: dict[str, str] = {}
    for key, value in (utm or {}).items():
        name = key.strip().lower().removeprefix("utm_")
        if name not in UTM_KEYS:
            raise ValidationError(
                f"utm_{name} is not a UTM parameter; use source, medium, campaign, term "
                "or content.",
                field="utm",
            )
        if value.strip():
            given[f"utm_{name}"] = value.strip()
    if not given:
        return raw
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in given]
    query = urlencode([*kept, *given.items()])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _new_code(session: Session) -> str:
    for _ in range(10):
        code = "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))
        if session.exec(select(ShortLink.id).where(ShortLink.code == code)).first() is None:
            return code
    raise RuntimeError("could not find a free short-link code in 10 tries")  # 57^8 codes


def _check_post(session: Session, actor: Actor, brand_id: int, post_id: int | None) -> None:
    if post_id is None:
        return
    post = session.get(Post, post_id)
    if post is None or post.organization_id != actor.organization_id or post.brand_id != brand_id:
        raise NotFound(f"There is no post with id {post_id}.")


def shorten(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    url: str,
    utm: dict[str, str],
    post_id: int | None = None,
) -> ShortLinkPublic:
    """A new short link to ``url`` with the UTM parameters applied."""
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.POST_CREATE)
    _check_post(session, actor, brand_id, post_id)
    destination = build_url(url, utm)
    link = ShortLink(
        organization_id=actor.organization_id,
        brand_id=brand_id,
        post_id=post_id,
        code=_new_code(session),
        destination_url=destination,
        utm={k: v for k, v in (utm or {}).items() if v.strip()},
        created_by_user_id=actor.user_id or None,
    )
    session.add(link)
    session.flush()
    audit.record_for(
        session,
        actor,
        "link.shortened",
        target_type="short_link",
        target_id=link.id,
        details={"code": link.code, "post_id": post_id},
    )
    return ShortLinkPublic(
        code=link.code, short_url=short_url(link.code), destination_url=destination
    )


def codes_in(texts: Iterable[str]) -> list[str]:
    """Codes of this server's short links that appear in ``texts``."""
    prefix = regex.escape(short_url(""))
    pattern = regex.compile(prefix + rf"([{_ALPHABET}]{{4,32}})")
    found: list[str] = []
    for text in texts:
        found += pattern.findall(text or "")
    return list(dict.fromkeys(found))


def attach_to_post(
    session: Session, *, actor: Actor, post_id: int, texts: Iterable[str]
) -> list[str]:
    """Tie the brand's not-yet-attached short links used in ``texts`` to the post.

    Returns the codes attached. A link already tied to another post keeps its post (its
    clicks stay where they were counted).
    """
    post = session.get(Post, post_id)
    if post is None or post.organization_id != actor.organization_id:
        raise NotFound(f"There is no post with id {post_id}.")
    load_brand(session, actor=actor, brand_id=post.brand_id, action=Action.POST_CREATE)
    codes = codes_in(texts)
    if not codes:
        return []
    links = session.exec(
        select(ShortLink).where(
            col(ShortLink.code).in_(codes),
            ShortLink.organization_id == actor.organization_id,
            ShortLink.brand_id == post.brand_id,
            col(ShortLink.post_id).is_(None),
        )
    ).all()
    for link in links:
        link.post_id = post_id
        session.add(link)
    session.flush()
    return [link.code for link in links]


def is_bot(method: str, user_agent: str) -> bool:
    """HEAD requests and link-preview fetchers are not people clicking."""
    if method.upper() != "GET":
        return True
    agent = user_agent.lower()
    return not agent.strip() or any(marker in agent for marker in _BOT_MARKERS)


def network_of(session: Session, link: ShortLink, referrer: str) -> tuple[str | None, str | None]:
    """(referrer host, network) of a click; Mastodon is known by the brand's instances."""
    host = (urlsplit(referrer).hostname or "").lower() if referrer else ""
    if not host:
        return None, None
    for known, platform in _REFERRER_HOSTS.items():
        if host == known or host.endswith("." + known):
            return host, platform.value
    if link.brand_id is not None:
        instances = session.exec(
            select(SocialAccount.instance_url).where(
                SocialAccount.brand_id == link.brand_id,
                col(SocialAccount.platform).in_([Platform.MASTODON.value]),
            )
        ).all()
        if any(host == (urlsplit(i or "").hostname or "").lower() for i in instances):
            return host, Platform.MASTODON.value
    return host[:255], None


def follow(
    session: Session, *, code: str, method: str = "GET", user_agent: str = "", referrer: str = ""
) -> str:
    """The destination of ``code``; a person's click is counted on the way (public door)."""
    link = (
        session.exec(select(ShortLink).where(ShortLink.code == code)).first()
        if _CODE_RE.match(code)
        else None
    )
    if link is None:
        raise NotFound("This short link does not exist. Check that it was copied in full.")
    if not is_bot(method, user_agent):
        host, platform = network_of(session, link, referrer)
        session.add(LinkClick(short_link_id=link.id or 0, referrer_host=host, platform=platform))
        session.exec(
            update(ShortLink)
            .where(col(ShortLink.id) == link.id)
            .values(click_count=col(ShortLink.click_count) + 1)
        )
        session.flush()
    return link.destination_url


def post_clicks(session: Session, *, actor: Actor, post_id: int) -> PostClicks:
    """Clicks on the post's short links, per link and per network."""
    post = session.get(Post, post_id)
    if post is None or post.organization_id != actor.organization_id:
        raise NotFound(f"There is no post with id {post_id}.")
    load_brand(session, actor=actor, brand_id=post.brand_id, action=Action.BRAND_VIEW)
    session.expire_all()
    links = session.exec(
        select(ShortLink)
        .where(ShortLink.post_id == post_id, ShortLink.organization_id == actor.organization_id)
        .order_by(col(ShortLink.id))
    ).all()
    ids = [link.id for link in links]
    rows = (
        session.exec(
            select(LinkClick.platform, func.count())
            .where(col(LinkClick.short_link_id).in_(ids))
            .group_by(col(LinkClick.platform))
        ).all()
        if ids
        else []
    )
    networks = [
        NetworkClicks(
            platform=platform or "",
            label=PLATFORM_LABELS[Platform(platform)] if platform else "Elsewhere or direct",
            clicks=int(n),
        )
        for platform, n in sorted(rows, key=lambda r: (-int(r[1]), r[0] or "~"))
    ]
    stats = [
        LinkStats(
            code=link.code,
            short_url=short_url(link.code),
            destination_url=link.destination_url,
            clicks=link.click_count,
        )
        for link in links
    ]
    return PostClicks(total=sum(s.clicks for s in stats), links=stats, networks=networks)
