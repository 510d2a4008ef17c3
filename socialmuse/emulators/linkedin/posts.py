"""The rules of ``POST /rest/posts`` (§2.2): schema, author rights, little text, duplicates.

Schema errors are 400 and semantic ones 422, both in LinkedIn's ``errorDetails.inputErrors``
shape; a duplicate is the verbatim 422 ``DUPLICATE_POST`` body naming the earlier post.
Commentary is kept as LinkedIn keeps it: an unescaped reserved character that starts no
mention or hashtag cuts the text there, silently (the answer is still 201).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from socialmuse.emulators.linkedin.gate import ApiError, Caller
from socialmuse.emulators.linkedin.state import Post, read_little_text

if TYPE_CHECKING:
    from socialmuse.emulators.linkedin.emulator import LinkedInEmulator

COMMENTARY_LIMIT = 3000
VISIBILITIES = ("PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER")
LIFECYCLE_STATES = ("PUBLISHED", "DRAFT")
FEED_DISTRIBUTIONS = ("MAIN_FEED", "NONE")
AUTHOR_RE = re.compile(r"^urn:li:(person|organization):[A-Za-z0-9_-]+$")


def input_error(status: int, path: str, description: str, code: str) -> ApiError:
    """LinkedIn's validation envelope, one ``inputErrors`` entry pointing at the field."""
    kind = "BadRequest" if status == 400 else "UnprocessableEntity"
    return ApiError(
        status,
        f"ERROR :: {path} :: {description}",
        extra={
            "errorDetailType": f"com.linkedin.common.error.{kind}",
            "errorDetails": {
                "inputErrors": [
                    {
                        "description": description,
                        "input": {"inputPath": {"fieldPath": path}},
                        "code": code,
                    }
                ]
            },
        },
    )


def duplicate_of(prior: str) -> ApiError:
    return ApiError(
        422,
        "com.linkedin.content.common.exception.BadRequestResponseException: "
        f"Content is a duplicate of {prior}",
        extra={
            "errorDetailType": "com.linkedin.common.error.BadRequest",
            "errorDetails": {
                "inputErrors": [
                    {
                        "description": "Duplicate post is detected",
                        "input": {},
                        "code": "DUPLICATE_POST",
                    }
                ]
            },
        },
    )


def _schema(body: Any) -> tuple[str, str, str, str, dict[str, Any]]:
    if not isinstance(body, dict):
        raise input_error(400, "/", "The request body must be a JSON object", "INVALID_VALUE")
    author = body.get("author")
    if not isinstance(author, str) or not AUTHOR_RE.match(author):
        raise input_error(
            400, "/author", "author must be a person or organization URN", "INVALID_URN"
        )
    commentary = body.get("commentary", "")
    if not isinstance(commentary, str):
        raise input_error(400, "/commentary", "commentary must be a string", "INVALID_VALUE_TYPE")
    visibility = body.get("visibility")
    if visibility not in VISIBILITIES:
        raise input_error(
            400,
            "/visibility",
            f"visibility must be one of {', '.join(VISIBILITIES)}",
            "INVALID_ENUM_VALUE",
        )
    state = body.get("lifecycleState")
    if state not in LIFECYCLE_STATES:
        raise input_error(
            400,
            "/lifecycleState",
            "lifecycleState must be PUBLISHED or DRAFT",
            "INVALID_ENUM_VALUE",
        )
    distribution = body.get("distribution")
    if not isinstance(distribution, dict):
        raise input_error(400, "/distribution", "distribution is required", "MISSING_FIELD")
    if distribution.get("feedDistribution") not in FEED_DISTRIBUTIONS:
        raise input_error(
            400,
            "/distribution/feedDistribution",
            "feedDistribution must be MAIN_FEED or NONE",
            "INVALID_ENUM_VALUE",
        )
    return author, commentary, str(visibility), str(state), distribution


def _check_image(emulator: LinkedInEmulator, urn: Any, author: str, path: str) -> None:
    image = emulator.images.get(urn) if isinstance(urn, str) else None
    if image is None or image.owner != author:
        raise input_error(
            422, path, f"Image {urn} does not exist or belongs to someone else", "INVALID_URN"
        )
    if image.status != "AVAILABLE":
        raise input_error(
            422, path, f"Image {urn} is not AVAILABLE (status {image.status})", "MEDIA_NOT_READY"
        )


def _check_content(emulator: LinkedInEmulator, content: Any, author: str) -> dict[str, Any] | None:
    if content is None:
        return None
    if not isinstance(content, dict) or len(content) != 1:
        raise input_error(400, "/content", "content must hold exactly one variant", "INVALID_VALUE")
    if "media" in content:
        _check_image(emulator, (content["media"] or {}).get("id"), author, "/content/media/id")
    elif "multiImage" in content:
        images = (content["multiImage"] or {}).get("images") or []
        if not 2 <= len(images) <= 20:
            raise input_error(
                422,
                "/content/multiImage/images",
                "multiImage needs 2 to 20 images",
                "INVALID_VALUE",
            )
        for n, image in enumerate(images):
            _check_image(emulator, image.get("id"), author, f"/content/multiImage/images/{n}/id")
    elif "article" in content:
        if not (content["article"] or {}).get("source"):
            raise input_error(400, "/content/article/source", "source is required", "MISSING_FIELD")
    else:
        variant = next(iter(content))
        raise input_error(
            400, f"/content/{variant}", "This content type is not supported", "INVALID_VALUE"
        )
    return dict(content)


def create_post(emulator: LinkedInEmulator, caller: Caller, body: Any) -> Post:
    """Validate and save one post, under the emulator's lock; raises ApiError otherwise."""
    with emulator.lock:
        author, commentary, visibility, state, distribution = _schema(body)
        emulator.require_author(caller, author, "posts.CREATE")
        content = _check_content(emulator, body.get("content"), author)
        kept, end = read_little_text(commentary, truncate=emulator.truncate_unescaped)
        if len(kept) > COMMENTARY_LIMIT:
            raise input_error(
                422,
                "/commentary",
                f"length of commentary {len(kept)} exceeds the maximum of {COMMENTARY_LIMIT}",
                "FIELD_LENGTH_TOO_LONG",
            )
        if not kept.strip() and content is None:
            raise input_error(
                422, "/commentary", "A post needs commentary or content", "MISSING_FIELD"
            )
        if kept.strip() and state == "PUBLISHED":
            prior = _same_words(emulator, author, kept)
            if prior is not None:
                raise duplicate_of(prior)
        post = Post(
            urn=f"urn:li:share:{emulator.new_activity_id()}",
            author=author,
            commentary=commentary[:end],
            visibility=visibility,
            lifecycle_state=state,
            distribution=distribution,
            content=content,
            created_at=emulator.now(),
            reshare_disabled=bool(body.get("isReshareDisabledByAuthor")),
        )
        emulator.posts[post.urn] = post
        return post


def _same_words(emulator: LinkedInEmulator, author: str, kept: str) -> str | None:
    """An earlier post of ``author`` with these words: live, or deleted within the ghost time."""
    now = emulator.now()
    for post in emulator.posts.values():
        gone = post.deleted_at
        alive = gone is None or now < gone + emulator.ghost_after_delete
        if (
            alive
            and post.author == author
            and read_little_text(post.commentary, truncate=False)[0] == kept
        ):
            return post.urn
    return None
