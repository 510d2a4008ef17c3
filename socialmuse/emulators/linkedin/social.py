"""Engagement routes: comments (socialActions), socialMetadata, share statistics, followers.

Comments live under the post's URN; a reply to a comment is posted under the comment's URN
(``urn:li:comment:(urn:li:activity:<id>,<comment id>)``) with ``parentComment`` set. The
``socialMetadata`` field names and the networkSizes shape are UNVERIFIED (§2.7).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from socialmuse.emulators.linkedin.gate import ApiError, Caller, denied
from socialmuse.emulators.linkedin.state import CommentRecord, Post, comment_json

if TYPE_CHECKING:
    from socialmuse.emulators.linkedin.emulator import LinkedInEmulator

COMMENT_LIMIT = 1250
COMMENT_URN_RE = re.compile(r"^urn:li:comment:\(urn:li:activity:(\d+),(\d+)\)$")


def activity_of(post_urn: str) -> str:
    return f"urn:li:activity:{post_urn.rsplit(':', 1)[1]}"


def social_routes(emulator: LinkedInEmulator) -> list[BaseRoute]:
    def target(urn: str) -> tuple[Post, CommentRecord | None]:
        """The post a socialActions URN is about, and the comment when it names one."""
        parent: CommentRecord | None = None
        match = COMMENT_URN_RE.match(urn)
        if match:
            urn = f"urn:li:share:{match[1]}"
            parent = next((c for c in emulator.comments.get(urn, []) if c.id == match[2]), None)
            if parent is None:
                raise ApiError(404, f"Comment {match[0]} does not exist", code="NOT_FOUND")
        post = emulator.posts.get(urn)
        if post is None or post.deleted_at is not None:
            raise ApiError(404, f"Post {urn} does not exist", code="NOT_FOUND")
        return post, parent

    async def list_comments(request: Request, caller: Caller) -> Response:
        with emulator.lock:
            post, parent = target(request.path_params["urn"])
            emulator.require_reader(caller, post.author, "socialActions.comments.GET_ALL")
            activity = activity_of(post.urn)
            wanted = parent.urn(activity) if parent else None
            rows = [
                comment_json(c, activity)
                for c in emulator.comments.get(post.urn, [])
                if c.parent == wanted
            ]
        start = int(request.query_params.get("start", 0))
        count = int(request.query_params.get("count", 50))
        return JSONResponse(
            {
                "elements": rows[start : start + count],
                "paging": {"start": start, "count": count, "links": [], "total": len(rows)},
            }
        )

    async def create_comment(request: Request, caller: Caller) -> Response:
        try:
            body: Any = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("message"), dict):
            raise ApiError(400, "ERROR :: /message :: field is required", code="MISSING_FIELD")
        text = str(body["message"].get("text") or "")
        actor = str(body.get("actor") or "")
        with emulator.lock:
            post, parent = target(request.path_params["urn"])
            emulator.require_author(caller, actor, "socialActions.comments.CREATE")
            if body.get("object") not in (post.urn, activity_of(post.urn)):
                raise ApiError(
                    400, "ERROR :: /object :: must be the post's URN", code="INVALID_VALUE"
                )
            if not text.strip() or len(text) > COMMENT_LIMIT:
                raise ApiError(
                    422,
                    f"ERROR :: /message/text :: length must be between 1 and {COMMENT_LIMIT}",
                    code="FIELD_LENGTH_TOO_LONG" if text.strip() else "MISSING_FIELD",
                )
            activity = activity_of(post.urn)
            comment = emulator.add_comment(
                post.urn, actor, text, parent=parent.urn(activity) if parent else None
            )
            answer = comment_json(comment, activity)
        return JSONResponse(answer, status_code=201, headers={"x-restli-id": comment.id})

    async def social_metadata(request: Request, caller: Caller) -> Response:
        with emulator.lock:
            post, _ = target(request.path_params["urn"])
            emulator.require_reader(caller, post.author, "socialMetadata.GET")
            comments = emulator.comments.get(post.urn, [])
            grown = emulator.grown_counts(post)
            reactions = post.reactions or ({"LIKE": grown.likes} if grown else {})
            return JSONResponse(
                {
                    "entity": post.urn,
                    "reactionSummaries": {
                        kind: {"reactionType": kind, "count": n} for kind, n in reactions.items()
                    },
                    "commentSummary": {
                        "count": len(comments) + (grown.comments if grown else 0),
                        "topLevelCount": sum(1 for c in comments if c.parent is None),
                    },
                    "commentsState": "OPEN",
                }
            )

    async def share_statistics(request: Request, caller: Caller) -> Response:
        q = request.query_params
        org_urn = q.get("organizationalEntity", "")
        if q.get("q") != "organizationalEntity" or not org_urn:
            raise ApiError(400, "The finder needs q=organizationalEntity", code="INVALID_PARAM")
        if "rw_organization_admin" not in caller.token.scopes:
            raise denied("organizationalEntityShareStatistics.FINDER-organizationalEntity")
        with emulator.lock:
            emulator.require_reader(caller, org_urn, "organizationalEntityShareStatistics")
            listed = q.get("shares", "")
            urns = listed.removeprefix("List(").removesuffix(")").split(",") if listed else []
            rows = []
            for urn in urns:
                post = emulator.posts.get(urn)
                if post is None or post.author != org_urn:
                    continue
                grown = emulator.grown_counts(post)
                model = (
                    {
                        "impressionCount": grown.impressions,
                        "uniqueImpressionsCount": grown.impressions * 4 // 5,
                        "clickCount": grown.clicks,
                        "likeCount": sum(post.reactions.values()) or grown.likes,
                        "commentCount": len(emulator.comments.get(urn, [])) + grown.comments,
                        "shareCount": grown.shares,
                        "engagement": round(grown.engagements / max(grown.impressions, 1), 4),
                    }
                    if grown
                    else {}
                )
                stats = {
                    "impressionCount": 0,
                    "uniqueImpressionsCount": 0,
                    "clickCount": 0,
                    "likeCount": sum(post.reactions.values()),
                    "commentCount": len(emulator.comments.get(urn, [])),
                    "shareCount": 0,
                    "engagement": 0.0,
                    **model,
                    **post.statistics,
                }
                rows.append(
                    {"organizationalEntity": org_urn, "share": urn, "totalShareStatistics": stats}
                )
        return JSONResponse({"elements": rows, "paging": {"start": 0, "count": len(rows)}})

    async def network_size(request: Request, caller: Caller) -> Response:
        urn = request.path_params["urn"]
        org = emulator.organizations.get(urn.removeprefix("urn:li:organization:"))
        if org is None or request.query_params.get("edgeType") != "COMPANY_FOLLOWED_BY_MEMBER":
            raise ApiError(404, f"Network size of {urn} does not exist", code="NOT_FOUND")
        return JSONResponse({"firstDegreeSize": emulator.follower_count(org.id, org.followers)})

    e = emulator.endpoint
    comments = "/rest/socialActions/{urn}/comments"
    return [
        Route(comments, e(list_comments, "comments.get"), methods=["GET"]),
        Route(comments, e(create_comment, "comments.create"), methods=["POST"]),
        Route(
            "/rest/socialMetadata/{urn}", e(social_metadata, "socialMetadata.get"), methods=["GET"]
        ),
        Route(
            "/rest/organizationalEntityShareStatistics",
            e(share_statistics, "statistics.finder"),
            methods=["GET"],
        ),
        Route("/rest/networkSizes/{urn}", e(network_size, "networkSizes.get"), methods=["GET"]),
    ]
