"""Graph HTTP: ``/{version}/{node}`` and ``/{version}/{node}/{edge}`` for the three networks.

Every call authenticates its ``access_token`` (query, form or ``Authorization: Bearer``),
counts against the usage of the object it touches (usage headers on every answer, the
throttling error at 100 %), then dispatches on what the node is. Lists page newest first
with ``limit`` and an ``after`` cursor, in Graph's ``{"data", "paging"}`` shape.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from socialmuse.emulators.graph import rules
from socialmuse.emulators.graph.emulator import unsupported
from socialmuse.emulators.graph.state import (
    Comment,
    GraphFailure,
    Item,
    Profile,
    Token,
    graph_time,
    invalid,
    pick,
)

if TYPE_CHECKING:
    from socialmuse.emulators.graph.emulator import GraphEmulator

FACEBOOK_METRICS = {
    "post_total_media_view_unique",
    "post_media_view",
    "post_clicks",
    "post_reactions_by_type_total",
}
INSTAGRAM_METRICS = {"views", "reach", "likes", "comments", "saved", "shares", "total_interactions"}
THREADS_METRICS = {"views", "likes", "replies", "reposts", "quotes", "shares"}
THREADS_USER_METRICS = {
    "views",
    "likes",
    "replies",
    "reposts",
    "quotes",
    "clicks",
    "followers_count",
}


async def read_params(request: Request) -> tuple[dict[str, Any], bool]:
    """Query, form (urlencoded or multipart) and JSON parameters; whether a file came along."""
    params: dict[str, Any] = dict(request.query_params)
    has_file = False
    kind = request.headers.get("content-type", "")
    if request.method in ("POST", "DELETE"):
        if kind.startswith("application/json"):
            body = await request.json()
            params.update(body if isinstance(body, dict) else {})
        elif kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    has_file = True
                else:
                    params[key] = value
    auth = request.headers.get("authorization", "")
    if not params.get("access_token") and auth.lower().startswith(("bearer ", "oauth ")):
        params["access_token"] = auth.split(" ", 1)[1].strip()
    return params, has_file


def failure_response(failure: GraphFailure) -> JSONResponse:
    trace = secrets.token_urlsafe(8)
    return JSONResponse(failure.body(trace), status_code=failure.status, headers=failure.headers)


def graph_routes(emu: GraphEmulator) -> list[BaseRoute]:
    def endpoint(
        handler: Callable[[Token, dict[str, Any], bool, Request], dict[str, Any]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            params, has_file = await read_params(request)
            headers: dict[str, str] = {}
            try:
                with emu.lock:
                    token = emu.authenticate(str(params.get("access_token") or ""))
                    node = request.path_params["node"]
                    subject = token.subject if node == "me" else emu.node_owner(node)
                    headers = emu.count_call(subject or token.subject)
                    body = handler(token, params, has_file, request)
            except GraphFailure as failure:
                failure.headers = {**headers, **failure.headers}
                return failure_response(failure)
            return JSONResponse(body, headers=headers)

        return run

    def node_route(token: Token, params: dict[str, Any], has_file: bool, request: Request) -> Any:
        node = resolve(emu, token, request.path_params["node"])
        if request.method == "DELETE":
            return delete_node(emu, token, node)
        if request.method == "POST":
            raise unsupported(node)
        return read_node(emu, token, node, params.get("fields"))

    def edge_route(token: Token, params: dict[str, Any], has_file: bool, request: Request) -> Any:
        node = resolve(emu, token, request.path_params["node"])
        edge = request.path_params["edge"]
        if request.method == "POST":
            return write_edge(emu, token, node, edge, params, has_file)
        return read_edge(emu, token, node, edge, params, str(request.url).split("?")[0])

    return [
        Route("/{version}/{node}", endpoint(node_route), methods=["GET", "POST", "DELETE"]),
        Route("/{version}/{node}/{edge}", endpoint(edge_route), methods=["GET", "POST"]),
    ]


def resolve(emu: GraphEmulator, token: Token, node: str) -> str:
    return token.subject if node == "me" else node


# Reading nodes


def read_node(emu: GraphEmulator, token: Token, node: str, fields: str | None) -> dict[str, Any]:
    if node in emu.people:
        person = emu.people[node]
        return pick({"id": person.id, "name": person.name}, fields, ("name",))
    if node in emu.profiles:
        return profile_json(emu, token, emu.profiles[node], fields)
    if node in emu.containers:
        return rules.read_container(emu, emu.containers[node])
    if node in emu.items:
        return item_json(emu, emu.items[node], fields)
    if node in emu.comments:
        return comment_json(emu.comments[node], fields)
    raise unsupported(node)


def profile_json(
    emu: GraphEmulator, token: Token, profile: Profile, fields: str | None
) -> dict[str, Any]:
    owned = [i for i in emu.items.values() if i.owner == profile.id and i.reply_to_id is None]
    record: dict[str, Any] = {"id": profile.id, "name": profile.name, "username": profile.username}
    if profile.network == "facebook":
        record |= {
            "followers_count": emu.follower_count(profile),
            "fan_count": emu.follower_count(profile),
            "link": f"https://www.facebook.com/{profile.id}",
        }
        manager = emu.people.get(token.subject)
        if manager is not None and profile.id in manager.pages:
            record["access_token"] = profile.page_token
        return pick(record, fields, ("name",))
    if profile.network == "instagram":
        record |= {
            "user_id": profile.id,
            "followers_count": emu.follower_count(profile),
            "follows_count": profile.follows,
            "media_count": len(owned),
            "account_type": "BUSINESS",
        }
        return pick(record, fields, ("username",))
    record["threads_profile_picture_url"] = f"https://threads.example/{profile.username}.jpg"
    return pick(record, fields, ("username",))


def item_json(emu: GraphEmulator, item: Item, fields: str | None) -> dict[str, Any]:
    profile = emu.profiles.get(item.owner)
    username = profile.username if profile else item.owner.removeprefix("visitor:")
    comments = [c for c in emu.comments.values() if c.on == item.id]
    counters, _insights = emu.grown(item)
    base: dict[str, Any] = {"id": item.id}
    if item.network == "facebook":
        page, post = item.id.split("_", 1)
        record: dict[str, Any] = {
            **base,
            "message": item.text,
            "created_time": graph_time(item.created_at),
            "permalink_url": f"https://www.facebook.com/{page}/posts/{post}",
            "from": {"id": page, "name": profile.name if profile else page},
            "shares": {"count": counters.get("shares", 0)},
            "reactions": summary(counters.get("reactions", counters.get("likes", 0))),
            "comments": summary(counters.get("comments", len(comments))),
        }
        if item.link:
            record["link"] = item.link
        if not item.text:
            record.pop("message")
        return pick(record, fields, ("message", "created_time"))
    if item.network == "instagram":
        record = {
            **base,
            "caption": item.text,
            "media_type": item.media_type,
            "media_product_type": "FEED",
            "permalink": f"https://www.instagram.com/p/{item.shortcode}/",
            "shortcode": item.shortcode,
            "timestamp": graph_time(item.created_at),
            "username": username,
            "owner": {"id": item.owner},
            "like_count": counters.get("likes", 0),
            "comments_count": counters.get("comments", len(comments)),
        }
        return pick(record, fields, ())
    media_type = "TEXT_POST" if item.media_type == "TEXT" else item.media_type
    record = {
        **base,
        "text": item.text,
        "media_type": media_type,
        "media_product_type": "THREADS",
        "permalink": f"https://www.threads.net/@{username}/post/{item.shortcode or item.id}",
        "shortcode": item.shortcode,
        "timestamp": graph_time(item.created_at).replace("+0000", "+0000"),
        "username": username,
        "owner": {"id": item.owner},
        "is_reply": item.reply_to_id is not None,
    }
    if item.reply_to_id:
        record["replied_to"] = {"id": item.reply_to_id}
        record["root_post"] = {"id": item.root_id}
    return pick(record, fields, ())


def summary(count: int) -> dict[str, Any]:
    return {"data": [], "summary": {"total_count": count}}


def comment_json(comment: Comment, fields: str | None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": comment.id,
        "message": comment.text,
        "text": comment.text,
        "created_time": graph_time(comment.created_at),
        "timestamp": graph_time(comment.created_at),
        "from": {
            "id": comment.author_id,
            "name": comment.author_name,
            "username": comment.author_name,
        },
        "username": comment.author_name,
        "parent": {"id": comment.on},
    }
    return pick(
        record,
        fields,
        ("message", "created_time") if comment.network == "facebook" else ("text", "timestamp"),
    )


# Reading edges


def read_edge(
    emu: GraphEmulator, token: Token, node: str, edge: str, params: dict[str, Any], url: str
) -> dict[str, Any]:
    fields = params.get("fields")
    profile = emu.profiles.get(node)
    if edge == "accounts" and node in emu.people:
        pages = [emu.profiles[p] for p in emu.people[node].pages]
        return paged(
            [profile_json(emu, token, p, fields or "name,access_token") for p in pages], params, url
        )
    if profile is not None and edge in ("feed", "published_posts", "posts", "media", "threads"):
        items = sorted(
            (i for i in emu.items.values() if i.owner == node and i.reply_to_id is None),
            key=lambda i: (i.created_at, i.id),
            reverse=True,
        )
        return paged([item_json(emu, i, fields) for i in items], params, url)
    if profile is not None and edge in ("content_publishing_limit", "threads_publishing_limit"):
        return rules.publishing_limit(emu, node, profile.network)
    if profile is not None and edge == "threads_insights":
        return insights(
            emu,
            node,
            params.get("metric"),
            THREADS_USER_METRICS,
            {"followers_count": emu.follower_count(profile)},
            total=True,
        )
    item = emu.items.get(node)
    if item is not None and edge == "insights":
        allowed = {
            "facebook": FACEBOOK_METRICS,
            "instagram": INSTAGRAM_METRICS,
            "threads": THREADS_METRICS,
        }[item.network]
        return insights(emu, node, params.get("metric"), allowed, emu.grown(item)[1])
    if item is not None and edge in ("replies", "conversation") and item.network == "threads":
        replies = sorted(
            (
                r
                for r in emu.items.values()
                if (r.reply_to_id == node if edge == "replies" else r.root_id == node)
            ),
            key=lambda r: (r.created_at, r.id),
        )
        return paged([item_json(emu, r, fields) for r in replies], params, url)
    if edge in ("comments", "replies") and (item is not None or node in emu.comments):
        found = sorted(rules.comments_on(emu, node), key=lambda c: (c.created_at, c.id))
        return paged([comment_json(c, fields) for c in found], params, url)
    if item is not None and edge == "children":
        return {"data": [{"id": c} for c in item.children]}
    raise unsupported(node)


def insights(
    emu: GraphEmulator,
    node: str,
    metric: Any,
    allowed: set[str],
    values: dict[str, int],
    *,
    total: bool = False,
) -> dict[str, Any]:
    names = [m for m in str(metric or "").split(",") if m]
    if not names:
        raise GraphFailure(
            "(#3001) Invalid query",
            3001,
            subcode=1504028,
            user_message="The metric parameter is required.",
        )
    unknown = [m for m in names if m not in allowed]
    if unknown:
        raise GraphFailure(f"(#100) The value must be a valid insights metric: {unknown[0]}", 100)
    data = []
    for name in names:
        entry: dict[str, Any] = {
            "name": name,
            "period": "lifetime",
            "title": name,
            "description": "",
            "id": f"{node}/insights/{name}/lifetime",
        }
        value = values.get(name, 0)
        if total:
            entry["total_value"] = {"value": value}
        else:
            entry["values"] = [{"value": value}]
        data.append(entry)
    return {"data": data}


def paged(records: list[dict[str, Any]], params: dict[str, Any], url: str) -> dict[str, Any]:
    limit = max(1, min(100, int(params.get("limit") or 25)))
    start = cursor_offset(params.get("after"))
    page = records[start : start + limit]
    body: dict[str, Any] = {"data": page}
    if page:
        after = cursor(start + len(page))
        body["paging"] = {"cursors": {"before": cursor(start), "after": after}}
        if start + len(page) < len(records):
            query = {k: v for k, v in params.items() if k != "after"}
            body["paging"]["next"] = f"{url}?{urlencode({**query, 'after': after})}"
    return body


def cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def cursor_offset(value: Any) -> int:
    if not value:
        return 0
    try:
        return int(base64.urlsafe_b64decode(str(value)).decode().split(":")[1])
    except (ValueError, IndexError) as exc:
        raise invalid("The after cursor is not valid.") from exc


# Writing


def write_edge(
    emu: GraphEmulator,
    token: Token,
    node: str,
    edge: str,
    params: dict[str, Any],
    has_file: bool,
) -> dict[str, Any]:
    profile = emu.profiles.get(node)
    network = profile.network if profile else None
    if network == "facebook" and edge == "feed":
        return {"id": rules.post_to_feed(emu, token, node, params).id}
    if network == "facebook" and edge == "photos":
        return rules.post_photo(emu, token, node, params, has_file)
    if network == "facebook" and edge == "videos":
        return rules.post_video(emu, token, node, params, has_file)
    if (network, edge) in (("instagram", "media"), ("threads", "threads")):
        assert network is not None
        return {"id": rules.create_container(emu, token, node, network, params).id}
    if (network, edge) in (("instagram", "media_publish"), ("threads", "threads_publish")):
        assert network is not None
        creation_id = str(params.get("creation_id") or "")
        return {"id": rules.publish_container(emu, token, node, network, creation_id).id}
    target_network = (
        emu.items[node].network
        if node in emu.items
        else (emu.comments[node].network if node in emu.comments else None)
    )
    if target_network in ("facebook", "instagram") and edge in ("comments", "replies"):
        message = str(params.get("message") or "")
        comment = rules.add_comment(emu, token, node, message, target_network)
        return {"id": comment.id}
    raise unsupported(node)


def delete_node(emu: GraphEmulator, token: Token, node: str) -> dict[str, Any]:
    item = emu.items.get(node)
    if item is None or item.network == "instagram":
        raise GraphFailure(
            "Unsupported delete request.", 100, subcode=33, type="GraphMethodException"
        )
    rules.speaks_for(token, item.owner, "delete")
    del emu.items[node]
    return {"success": True}
