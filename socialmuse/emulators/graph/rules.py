"""What the emulated Graph checks and does on each write (platform-contracts §4, §5, §6).

Each function runs under the emulator's lock with an authenticated token, and raises
``GraphFailure`` with Meta's codes: (#200) a token that does not speak for the Page or
account, (#100) invalid parameters, (#506) duplicate Page posts, 9007/2207027 publishing a
container that is not ready, code 4 a publishing quota.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import regex

from socialmuse.emulators.graph.emulator import minutes_until, unsupported
from socialmuse.emulators.graph.state import (
    Comment,
    Container,
    GraphFailure,
    Item,
    Token,
    invalid,
    shortcode,
    threads_length,
)

if TYPE_CHECKING:
    from socialmuse.emulators.graph.emulator import GraphEmulator

DAY = timedelta(hours=24)
CAPTION_LIMIT, HASHTAG_LIMIT, MENTION_LIMIT = 2200, 30, 20
THREADS_LIMIT = 500
INSTAGRAM_CHILDREN = (2, 10)
THREADS_CHILDREN = (2, 20)


def speaks_for(token: Token, subject: str, permission: str) -> None:
    """A write on a Page needs its Page token; on an IG/Threads account, that account's token."""
    if token.subject != subject:
        raise GraphFailure(
            f"(#200) This token cannot act for {subject}; it needs the {permission} permission "
            "as an admin of this object.",
            200,
        )


def truthy(value: Any) -> bool:
    return str(value).lower() in ("true", "1")


# Facebook Pages


def post_to_feed(emu: GraphEmulator, token: Token, page_id: str, params: dict[str, Any]) -> Item:
    emu.profile(page_id, "facebook")
    speaks_for(token, page_id, "pages_manage_posts")
    message = str(params.get("message") or "")
    link = params.get("link")
    photos = _attached(emu, page_id, params.get("attached_media"))
    if not message.strip() and not link and not photos:
        raise invalid("A post needs a message, a link or attached media.")
    return _new_page_post(emu, page_id, message, link=link, photos=photos, kind="status")


def _attached(emu: GraphEmulator, page_id: str, raw: Any) -> list[str]:
    if not raw:
        return []
    try:
        entries = json.loads(raw) if isinstance(raw, str) else raw
        ids = [str(entry["media_fbid"]) for entry in entries]
    except (ValueError, TypeError, KeyError) as exc:
        raise invalid('attached_media must be a list of {"media_fbid": id}.') from exc
    for photo_id in ids:
        if emu.photos.get(photo_id) != page_id:
            raise invalid(f"Photo {photo_id} is not an unpublished photo of this Page.")
    return ids


def _new_page_post(
    emu: GraphEmulator,
    page_id: str,
    message: str,
    *,
    link: Any = None,
    photos: list[str] | None = None,
    kind: str,
) -> Item:
    now = emu.now()
    for item in emu.items.values():
        if (
            item.owner == page_id
            and message.strip()
            and item.text == message
            and now - item.created_at < emu.duplicate_window
        ):
            raise GraphFailure("(#506) Duplicate status message", 506)
    post = Item(
        f"{page_id}_{emu.ids.next()}",
        "facebook",
        page_id,
        message,
        now,
        media_type=kind,
        link=str(link) if link else None,
        photo_ids=photos or [],
    )
    for photo_id in post.photo_ids:
        emu.photos.pop(photo_id, None)
    emu.items[post.id] = post
    return post


def post_photo(
    emu: GraphEmulator, token: Token, page_id: str, params: dict[str, Any], has_file: bool
) -> dict[str, str]:
    emu.profile(page_id, "facebook")
    speaks_for(token, page_id, "pages_manage_posts")
    if not has_file and not params.get("url"):
        raise invalid("A photo needs a url or an uploaded source file.")
    photo_id = emu.ids.next()
    if params.get("published") is not None and not truthy(params["published"]):
        emu.photos[photo_id] = page_id
        return {"id": photo_id}
    message = str(params.get("caption") or params.get("message") or "")
    emu.photos[photo_id] = page_id
    post = _new_page_post(emu, page_id, message, photos=[photo_id], kind="photo")
    return {"id": photo_id, "post_id": post.id}


def post_video(
    emu: GraphEmulator, token: Token, page_id: str, params: dict[str, Any], has_file: bool
) -> dict[str, str]:
    emu.profile(page_id, "facebook")
    speaks_for(token, page_id, "pages_manage_posts")
    if not has_file and not params.get("file_url"):
        raise invalid("A video needs a file_url or an uploaded source file.")
    post = _new_page_post(emu, page_id, str(params.get("description") or ""), kind="video")
    return {"id": post.id.split("_", 1)[1]}


# Instagram and Threads containers


def create_container(
    emu: GraphEmulator, token: Token, owner: str, network: str, params: dict[str, Any]
) -> Container:
    emu.profile(owner, network)
    speaks_for(token, owner, f"{network}_content_publish")
    text_key = "caption" if network == "instagram" else "text"
    text = str(params.get(text_key) or "")
    media_type = str(params.get("media_type") or "").upper()
    image_url, video_url = params.get("image_url"), params.get("video_url")
    children = [c for c in str(params.get("children") or "").split(",") if c]
    if network == "instagram":
        _check_caption(text)
        if media_type == "VIDEO" and not truthy(params.get("is_carousel_item")):
            raise invalid(
                "The media type VIDEO is no longer supported. Use REELS.", subcode=2207067
            )
        media_type = media_type or ("IMAGE" if image_url else "")
        if media_type not in ("IMAGE", "VIDEO", "REELS", "STORIES", "CAROUSEL"):
            raise invalid("An image_url, a video_url or children are required.")
    else:
        if threads_length(text) > THREADS_LIMIT:
            raise invalid(f"Param text must be at most {THREADS_LIMIT} characters long.")
        if media_type not in ("TEXT", "IMAGE", "VIDEO", "CAROUSEL"):
            raise invalid("Param media_type must be one of TEXT, IMAGE, VIDEO, CAROUSEL.")
        if media_type == "TEXT" and not text.strip():
            raise invalid("Param text is required for a TEXT post.")
    if media_type == "IMAGE" and not image_url:
        raise invalid("Param image_url is required for an IMAGE.")
    if media_type in ("VIDEO", "REELS") and not video_url:
        raise invalid("Param video_url is required for a video.")
    if media_type == "CAROUSEL":
        _check_children(emu, owner, network, children)
    reply_to = params.get("reply_to_id")
    if reply_to and (str(reply_to) not in emu.items or network != "threads"):
        raise invalid("Param reply_to_id is not a post you can reply to.")
    container = Container(
        emu.ids.next(),
        network,
        owner,
        media_type,
        emu.now(),
        text=text,
        image_url=str(image_url) if image_url else None,
        video_url=str(video_url) if video_url else None,
        alt_text=params.get("alt_text"),
        is_carousel_item=truthy(params.get("is_carousel_item")),
        children=children,
        reply_to_id=str(reply_to) if reply_to else None,
        polls_left=0 if media_type == "TEXT" else emu.processing_polls,
    )
    if container.image_url in emu.unfetchable or container.video_url in emu.unfetchable:
        container.failed = "Media download has failed. The media URI doesn't meet our requirements."
    emu.containers[container.id] = container
    return container


def _check_caption(caption: str) -> None:
    if len(caption) > CAPTION_LIMIT:
        raise invalid(f"The caption is longer than {CAPTION_LIMIT} characters.", subcode=2207008)
    if len(regex.findall(r"(?<!\w)#\w+", caption)) > HASHTAG_LIMIT:
        raise invalid(f"The caption has more than {HASHTAG_LIMIT} hashtags.", subcode=2207010)
    if len(regex.findall(r"(?<!\w)@[\w.]+", caption)) > MENTION_LIMIT:
        raise invalid(f"The caption mentions more than {MENTION_LIMIT} accounts.")


def _check_children(emu: GraphEmulator, owner: str, network: str, children: list[str]) -> None:
    low, high = INSTAGRAM_CHILDREN if network == "instagram" else THREADS_CHILDREN
    if not low <= len(children) <= high:
        raise invalid(
            f"A carousel needs between {low} and {high} children; got {len(children)}.",
            subcode=2207022,
        )
    for child_id in children:
        child = emu.containers.get(child_id)
        if child is None or child.owner != owner or not child.is_carousel_item:
            raise invalid(f"Child {child_id} is not a carousel item container of this account.")


def container_status(emu: GraphEmulator, container: Container) -> tuple[str, str | None]:
    """IN_PROGRESS for ``processing_polls`` reads, then FINISHED or ERROR; EXPIRED at 24 h."""
    if container.published_id:
        return "PUBLISHED", None
    if emu.now() - container.created_at >= DAY:
        return "EXPIRED", None
    if container.polls_left > 0:
        return "IN_PROGRESS", None
    if container.failed:
        return "ERROR", container.failed
    return "FINISHED", None


def read_container(emu: GraphEmulator, container: Container) -> dict[str, Any]:
    """A status read; each one moves processing along by one step."""
    status, failure = container_status(emu, container)
    if status == "IN_PROGRESS":
        container.polls_left -= 1
    body: dict[str, Any] = {"id": container.id}
    if container.network == "instagram":
        body["status_code"] = status
        body["status"] = f"Error: {failure} (2207052)" if failure else status.title()
    else:
        body["status"] = status
        if failure:
            body["error_message"] = "FAILED_DOWNLOADING_VIDEO" if container.video_url else "UNKNOWN"
    return body


def publish_container(
    emu: GraphEmulator, token: Token, owner: str, network: str, creation_id: str
) -> Item:
    emu.profile(owner, network)
    speaks_for(token, owner, f"{network}_content_publish")
    container = emu.containers.get(creation_id)
    if container is None or container.owner != owner or container.is_carousel_item:
        raise invalid(f"Param creation_id {creation_id!r} is not a container of this account.")
    status, _ = container_status(emu, container)
    children = [emu.containers[c] for c in container.children]
    not_ready = [status, *(container_status(emu, c)[0] for c in children)]
    if "ERROR" in not_ready:
        raise invalid("The media could not be published: it failed processing.", subcode=2207001)
    if status == "EXPIRED":
        raise invalid("The container has expired; create a new one.", subcode=2207006)
    if status == "PUBLISHED":
        raise invalid("This container has already been published.", subcode=2207003)
    if "IN_PROGRESS" in not_ready:
        raise GraphFailure(
            "Media ID is not available",
            9007,
            subcode=2207027,
            user_title="Media ID is not available",
            user_message="The media is not ready for publishing, please wait.",
        )
    _check_quota(emu, container)
    now = emu.now()
    parent = emu.items.get(container.reply_to_id or "")
    item = Item(
        emu.ids.next(),
        network,
        owner,
        container.text,
        now,
        media_type="CAROUSEL_ALBUM" if container.media_type == "CAROUSEL" else container.media_type,
        children=container.children,
        reply_to_id=container.reply_to_id,
        root_id=(parent.root_id or parent.id) if parent else None,
        container_id=container.id,
    )
    item.shortcode = shortcode(item.id)
    container.published_id = item.id
    emu.items[item.id] = item
    return item


def _check_quota(emu: GraphEmulator, container: Container) -> None:
    now = emu.now()
    reply = container.reply_to_id is not None
    recent = sorted(
        i.created_at
        for i in emu.items.values()
        if i.owner == container.owner
        and i.network == container.network
        and (i.reply_to_id is not None) == reply
        and now - i.created_at < DAY
    )
    if container.network == "instagram":
        limit, what = emu.instagram_publish_limit, "posts"
    elif reply:
        limit, what = emu.threads_reply_limit, "replies"
    else:
        limit, what = emu.threads_post_limit, "posts"
    if len(recent) < limit:
        return
    regain = minutes_until(recent[0] + DAY, now)
    entry = {
        "type": f"{container.network}_content_publish",
        "call_count": 100,
        "total_cputime": 0,
        "total_time": 0,
        "estimated_time_to_regain_access": regain,
    }
    raise GraphFailure(
        "Application request limit reached",
        4,
        subcode=2207042,
        user_title="Max posts reached",
        user_message=f"The maximum number of {what} ({limit}) that can be published within "
        "24 hours has been reached.",
        headers={"X-Business-Use-Case-Usage": json.dumps({container.owner: [entry]})},
    )


def publishing_limit(emu: GraphEmulator, owner: str, network: str) -> dict[str, Any]:
    now = emu.now()

    def used(replies: bool) -> int:
        return sum(
            1
            for i in emu.items.values()
            if i.owner == owner
            and (i.reply_to_id is not None) == replies
            and now - i.created_at < DAY
        )

    day = int(DAY.total_seconds())
    if network == "instagram":
        return {
            "data": [
                {
                    "quota_usage": used(False),
                    "config": {"quota_total": emu.instagram_publish_limit, "quota_duration": day},
                }
            ]
        }
    return {
        "data": [
            {
                "quota_usage": used(False),
                "config": {"quota_total": emu.threads_post_limit, "quota_duration": day},
                "reply_quota_usage": used(True),
                "reply_config": {"quota_total": emu.threads_reply_limit, "quota_duration": day},
            }
        ]
    }


# Comments


def add_comment(emu: GraphEmulator, token: Token, on: str, message: str, network: str) -> Comment:
    owner = emu.node_owner(on)
    if owner is None or (on not in emu.items and on not in emu.comments):
        raise unsupported(on)
    speaks_for(token, owner, "pages_manage_engagement")
    if not message.strip():
        raise invalid("Param message is required.")
    profile = emu.profiles[owner]
    comment = Comment(emu.ids.next(), network, on, owner, profile.username, message, emu.now())
    emu.comments[comment.id] = comment
    return comment


def comments_on(emu: GraphEmulator, node_id: str, since: datetime | None = None) -> list[Comment]:
    return [c for c in emu.comments.values() if c.on == node_id]
