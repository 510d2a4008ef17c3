"""Posts and reads: create, delete, lookup with metrics, a user's posts, conversation search.

What a new post must satisfy is in ``posting``. A post that does not exist is looked up as
``200`` with only ``errors[]`` (X's partial-error shape), not a 404; deleting one is a 404
``resource-not-found`` problem. Lists are newest first with ``meta.next_token``; search
understands ``conversation_id:`` and ``from:`` over the last 7 days.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from socialmuse.emulators.x.posting import create_tweet
from socialmuse.emulators.x.state import PROBLEMS, Tweet, User, invalid_request, problem, user_json

if TYPE_CHECKING:
    from socialmuse.emulators.x.emulator import XEmulator

SEARCH_WINDOW = timedelta(days=7)


def _fields(request: Request, name: str = "tweet.fields") -> set[str]:
    return set(filter(None, request.query_params.get(name, "").split(",")))


def not_found(tweet_id: str) -> dict[str, Any]:
    return {
        "value": tweet_id,
        "detail": f"Could not find tweet with id: [{tweet_id}].",
        "title": "Not Found Error",
        "resource_type": "tweet",
        "parameter": "id",
        "resource_id": tweet_id,
        "type": f"{PROBLEMS}/resource-not-found",
    }


def tweet_routes(emulator: XEmulator) -> list[BaseRoute]:
    def page(request: Request, tweets: list[Tweet], default: int, low: int) -> Response:
        """Newest first, ``max_results`` per page, ``meta.next_token`` for the next one."""
        raw = request.query_params.get("max_results", str(default))
        size = int(raw) if raw.isdigit() else -1
        if not low <= size <= 100:
            return invalid_request(
                f"The `max_results` query parameter value [{raw}] is not between {low} and 100",
                {"max_results": [raw]},
            )
        tweets.sort(key=lambda t: int(t.id), reverse=True)
        q = request.query_params
        token = q.get("pagination_token") or q.get("next_token")
        if token:
            tweets = [t for t in tweets if int(t.id) < int(token)]
        chunk = tweets[:size]
        fields = _fields(request)
        body: dict[str, Any] = {"meta": {"result_count": len(chunk)}}
        if chunk:
            body["data"] = [emulator.tweet_dict(t, fields) for t in chunk]
            body["meta"] |= {"newest_id": chunk[0].id, "oldest_id": chunk[-1].id}
            if len(tweets) > size:
                body["meta"]["next_token"] = chunk[-1].id
        if "author_id" in request.query_params.get("expansions", ""):
            authors = {t.author_id for t in chunk}
            body["includes"] = {
                "users": [user_json(emulator.users[a], set(), 0) for a in sorted(authors)]
            }
        return JSONResponse(body)

    def since(request: Request, name: str) -> datetime | None:
        value = request.query_params.get(name)
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None

    async def create(request: Request, user: User) -> Response:
        try:
            body = await request.json()
        except ValueError:
            return invalid_request("Request body is not valid JSON", {"body": ["<invalid>"]})
        with emulator.lock:
            tweet = create_tweet(emulator, user, body)
            data = emulator.tweet_dict(tweet, set())
        return JSONResponse({"data": data}, status_code=201)

    async def lookup(request: Request, user: User) -> Response:
        tweet_id = request.path_params["id"]
        with emulator.lock:
            tweet = emulator.tweets.get(tweet_id)
            if tweet is None or tweet.deleted:
                return JSONResponse({"errors": [not_found(tweet_id)]})
            return JSONResponse({"data": emulator.tweet_dict(tweet, _fields(request))})

    async def delete(request: Request, user: User) -> Response:
        tweet_id = request.path_params["id"]
        with emulator.lock:
            tweet = emulator.tweets.get(tweet_id)
            if tweet is None or tweet.deleted:
                return problem(
                    404,
                    "Not Found Error",
                    f"Could not find tweet with id: [{tweet_id}].",
                    kind=f"{PROBLEMS}/resource-not-found",
                )
            if tweet.author_id != user.id:
                return problem(403, "Forbidden", "You are not authorized to delete this Tweet.")
            tweet.deleted = True
        return JSONResponse({"data": {"deleted": True}})

    def profile(user: User, fields: set[str]) -> dict[str, Any]:
        data = user_json(user, fields, emulator.tweet_count(user.id))
        if "public_metrics" in data:
            data["public_metrics"]["followers_count"] = emulator.follower_count(user)
        return data

    async def me(request: Request, user: User) -> Response:
        with emulator.lock:
            return JSONResponse({"data": profile(user, _fields(request, "user.fields"))})

    async def by_username(request: Request, user: User) -> Response:
        """GET /2/users/by/username/:username: a public profile; 200 with errors if absent."""
        name = request.path_params["username"]
        with emulator.lock:
            found = emulator.user_by_username(name)
            if found is None:
                return JSONResponse(
                    {
                        "errors": [
                            {
                                "value": name,
                                "detail": f"Could not find user with username: [{name}].",
                                "title": "Not Found Error",
                                "resource_type": "user",
                                "parameter": "username",
                                "resource_id": name,
                                "type": "https://api.twitter.com/2/problems/resource-not-found",
                            }
                        ]
                    }
                )
            return JSONResponse({"data": profile(found, _fields(request, "user.fields"))})

    async def user_tweets(request: Request, user: User) -> Response:
        owner = request.path_params["id"]
        start = since(request, "start_time")
        exclude = set(request.query_params.get("exclude", "").split(","))
        with emulator.lock:
            tweets = [
                t
                for t in emulator.tweets.values()
                if t.author_id == owner
                and not t.deleted
                and (start is None or t.created_at >= start)
                and not ("replies" in exclude and t.in_reply_to_tweet_id)
            ]
            return page(request, tweets, 10, 5)

    async def search(request: Request, user: User) -> Response:
        terms = request.query_params.get("query", "").split()
        conversation = next((t[16:] for t in terms if t.startswith("conversation_id:")), None)
        author = next((t[5:] for t in terms if t.startswith("from:")), None)
        if conversation is None and author is None:
            return invalid_request(
                "This emulator searches by conversation_id: and from: only",
                {"query": [request.query_params.get("query", "")]},
            )
        start = since(request, "start_time")
        with emulator.lock:
            oldest = emulator.now() - SEARCH_WINDOW
            tweets = [
                t
                for t in emulator.tweets.values()
                if not t.deleted
                and t.created_at >= max(oldest, start or oldest)
                and (conversation is None or t.conversation_id == conversation)
                and (author is None or emulator.users[t.author_id].username == author)
            ]
            return page(request, tweets, 10, 10)

    read = ("tweet.read", "users.read")
    write = ("tweet.read", "tweet.write", "users.read")

    def route(path: str, handler: Any, method: str, scopes: tuple[str, ...]) -> Route:
        key = f"{method} {path.replace('{id}', ':id')}"
        return Route(path, emulator.endpoint(handler, key=key, scopes=scopes), methods=[method])

    return [
        route("/2/tweets", create, "POST", write),
        route("/2/tweets/search/recent", search, "GET", read),
        route("/2/tweets/{id}", lookup, "GET", read),
        route("/2/tweets/{id}", delete, "DELETE", write),
        route("/2/users/me", me, "GET", read),
        route("/2/users/by/username/{username}", by_username, "GET", read),
        route("/2/users/{id}/tweets", user_tweets, "GET", read),
    ]
