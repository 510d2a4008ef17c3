"""What ``POST /2/tweets`` accepts: the spec's schema and X's observed refusals.

``additionalProperties: false`` (unknown fields are invalid requests naming the field);
text required unless media; media, poll, quote and card are mutually exclusive; 1-4 media
ids that exist, are the caller's, finished processing (4 photos or 1 GIF or 1 video); polls
of 2-4 options up to 25 characters for 5-10080 minutes; 280 weighted characters; replies to
a live post; no identical text from the same author within the duplicate window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from socialmuse.emulators.x.emulator import Refusal
from socialmuse.emulators.x.state import Tweet, User, invalid_request, problem
from socialmuse.emulators.x.text import LIMIT, render, same_content, weighted_length

if TYPE_CHECKING:
    from socialmuse.emulators.x.emulator import XEmulator

TOP_LEVEL = {
    "text", "media", "poll", "reply", "quote_tweet_id", "reply_settings", "card_uri",
    "for_super_followers_only", "nullcast", "geo", "community_id", "share_with_followers",
    "direct_message_deep_link", "edit_options", "made_with_ai", "paid_partnership",
}  # fmt: skip
EXCLUSIVE = ("media", "poll", "quote_tweet_id", "card_uri")
TOO_LONG = (
    "Your Tweet text is too long. For more information on how Twitter determines text "
    "length see https://github.com/twitter/twitter-text."
)
DUPLICATE = "You are not allowed to create a Tweet with duplicate content."
REPLY_MISSING = "You attempted to reply to a Tweet that is deleted or not visible to you."


def _undefined(name: str, value: Any) -> Refusal:
    return Refusal(
        invalid_request(
            f"$.{name}: is not defined in the schema and the schema does not allow "
            "additional properties",
            {name: [value]},
        )
    )


def create_tweet(emulator: XEmulator, user: User, body: Any) -> Tweet:
    """Validate a ``POST /2/tweets`` body for ``user`` and save it (lock held by caller)."""
    if not isinstance(body, dict):
        raise Refusal(invalid_request("Request body must be a JSON object", {"body": [body]}))
    for name in body:
        if name not in TOP_LEVEL:
            raise _undefined(name, body[name])
    present = [name for name in EXCLUSIVE if body.get(name) is not None]
    if len(present) > 1:
        raise Refusal(
            invalid_request(
                f"{', '.join(present)} are mutually exclusive", {p: [str(body[p])] for p in present}
            )
        )
    text = body.get("text")
    media = body.get("media")
    media_keys = _attach(emulator, user, media) if media is not None else []
    if not isinstance(text, str) and not media_keys:
        raise Refusal(invalid_request("$.text: is missing but it is required", {"text": [text]}))
    text = text if isinstance(text, str) else ""
    if weighted_length(text) > LIMIT:
        raise Refusal(problem(400, "Bad Request", TOO_LONG))
    if body.get("poll") is not None:
        _check_poll(body["poll"])
    now = emulator.now()
    parent = _reply_parent(emulator, body.get("reply"))
    if text and any(
        t.author_id == user.id
        and not t.deleted
        and now - t.created_at < emulator.duplicate_window
        and same_content(t.text, text)
        for t in emulator.tweets.values()
    ):
        raise Refusal(problem(403, "Forbidden", DUPLICATE))
    tweet_id = emulator.new_id()
    shown, wrapped = render(text)
    tweet = Tweet(
        id=tweet_id,
        author_id=user.id,
        text=text,
        shown=shown,
        urls=[
            {
                "start": w.start,
                "end": w.end,
                "url": w.url,
                "expanded_url": w.expanded_url,
                "display_url": w.display_url,
            }
            for w in wrapped
        ],
        created_at=now,
        conversation_id=parent.conversation_id if parent else tweet_id,
        in_reply_to_tweet_id=parent.id if parent else None,
        in_reply_to_user_id=parent.author_id if parent else None,
        media_keys=media_keys,
    )
    emulator.tweets[tweet.id] = tweet
    return tweet


def _attach(emulator: XEmulator, user: User, media: Any) -> list[str]:
    if not isinstance(media, dict):
        raise Refusal(invalid_request("$.media: must be an object", {"media": [str(media)]}))
    for name in media:
        if name not in ("media_ids", "tagged_user_ids"):
            raise _undefined(f"media.{name}", media[name])
    ids = media.get("media_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 4:
        raise Refusal(
            invalid_request(
                "$.media.media_ids: must have between 1 and 4 items", {"media.media_ids": [ids]}
            )
        )
    found = [emulator.media.get(str(i)) for i in ids]
    kinds = {m.kind for m in found if m is not None}
    usable = all(
        m is not None
        and m.owner_id == user.id
        and m.state == "succeeded"
        and m.expires_at > emulator.now()
        for m in found
    )
    if not usable or (len(found) > 1 and kinds != {"photo"}):
        raise Refusal(
            invalid_request(
                "Your media IDs are invalid.", {"media.media_ids": [str(i) for i in ids]}
            )
        )
    return [m.key for m in found if m is not None]


def _check_poll(poll: Any) -> None:
    options = poll.get("options") if isinstance(poll, dict) else None
    minutes = poll.get("duration_minutes") if isinstance(poll, dict) else None
    if not isinstance(options, list) or not 2 <= len(options) <= 4:
        raise Refusal(
            invalid_request(
                "poll.options must have between 2 and 4 items", {"poll.options": [options]}
            )
        )
    if any(not isinstance(o, str) or not 1 <= len(o) <= 25 for o in options):
        raise Refusal(
            invalid_request("poll.options must be 1 to 25 characters", {"poll.options": options})
        )
    if not isinstance(minutes, int) or not 5 <= minutes <= 10080:
        raise Refusal(
            invalid_request(
                "poll.duration_minutes must be >= 5 and <= 10080",
                {"poll.duration_minutes": [str(minutes)]},
            )
        )


def _reply_parent(emulator: XEmulator, reply: Any) -> Tweet | None:
    if reply is None:
        return None
    target = reply.get("in_reply_to_tweet_id") if isinstance(reply, dict) else None
    if not target:
        raise Refusal(
            invalid_request(
                "$.reply.in_reply_to_tweet_id: is missing but it is required",
                {"reply.in_reply_to_tweet_id": [target]},
            )
        )
    parent = emulator.tweets.get(str(target))
    if parent is None or parent.deleted:
        raise Refusal(problem(403, "Forbidden", REPLY_MISSING))
    return parent
