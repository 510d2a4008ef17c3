"""``app.bsky.*`` reads the PDS proxies to the AppView: posts with counts, threads, profiles.

Counts are what tests set (``BlueskyEmulator.set_counts``); ``replyCount`` defaults to the
replies actually stored. With ``evolve_metrics`` on, unset counts grow with the post's age
(``emulators.metrics_model``) and followers grow slowly. The PDS requires a session for
proxied reads; an expired token gets the usual 400 ExpiredToken.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from socialmuse.emulators import metrics_model
from socialmuse.emulators.bluesky.state import Account, StoredRecord

if TYPE_CHECKING:
    from socialmuse.emulators.bluesky.emulator import BlueskyEmulator


def routes(emu: BlueskyEmulator) -> list[BaseRoute]:
    from socialmuse.emulators.bluesky.emulator import xrpc_error

    def session_problem(request: Request) -> Response | None:
        account = emu.authenticate(request)
        if isinstance(account, Account):
            return None
        return account or xrpc_error(401, "AuthMissing", "Authentication Required")

    def author(did: str) -> dict[str, Any]:
        account = emu.store.accounts[did]
        return {
            "did": did,
            "handle": account.handle,
            "displayName": account.display_name or account.handle,
        }

    def grown(stored: StoredRecord) -> dict[str, int]:
        """Counts grown from the post's age by the shared model (set counts still win)."""
        if not emu.evolve_metrics:
            return stored.counts
        created = datetime.fromisoformat(stored.indexed_at.replace("Z", "+00:00"))
        now = datetime.fromtimestamp(emu.now(), UTC)
        model = metrics_model.post_counts(
            stored.uri, "bluesky", emu.follower_count(stored.did), now - created
        )
        replies = len(emu.store.replies_to(stored.uri))
        return {
            "likes": model.likes,
            "reposts": model.shares * 4 // 5,
            "quotes": model.shares - model.shares * 4 // 5,
            "bookmarks": model.saves,
            "replies": model.comments + replies,
        } | stored.counts

    def post_view(stored: StoredRecord) -> dict[str, Any]:
        counts = grown(stored)
        return {
            "$type": "app.bsky.feed.defs#postView",
            "uri": stored.uri,
            "cid": stored.cid,
            "author": author(stored.did),
            "record": stored.value,
            "replyCount": counts.get("replies", len(emu.store.replies_to(stored.uri))),
            "repostCount": counts.get("reposts", 0),
            "likeCount": counts.get("likes", 0),
            "quoteCount": counts.get("quotes", 0),
            "bookmarkCount": counts.get("bookmarks", 0),
            "indexedAt": stored.indexed_at,
            "labels": [],
        }

    def thread_view(stored: StoredRecord, depth: int) -> dict[str, Any]:
        view: dict[str, Any] = {
            "$type": "app.bsky.feed.defs#threadViewPost",
            "post": post_view(stored),
        }
        if depth > 0:
            view["replies"] = [thread_view(r, depth - 1) for r in emu.store.replies_to(stored.uri)]
        return view

    async def get_posts(request: Request) -> Response:
        if problem := session_problem(request):
            return problem
        uris = request.query_params.getlist("uris")
        if len(uris) > 25:
            return xrpc_error(
                400, "InvalidRequest", "Error: uris must not have more than 25 elements"
            )
        with emu.lock:
            found = [emu.store.record_by_uri(uri) for uri in uris]
            return JSONResponse({"posts": [post_view(s) for s in found if s is not None]})

    async def get_post_thread(request: Request) -> Response:
        if problem := session_problem(request):
            return problem
        uri = request.query_params.get("uri", "")
        depth = min(int(request.query_params.get("depth", "6")), 1000)
        with emu.lock:
            stored = emu.store.record_by_uri(uri)
            if stored is None:
                return xrpc_error(400, "NotFound", f"Post not found: {uri}")
            return JSONResponse({"thread": thread_view(stored, depth)})

    async def get_profile(request: Request) -> Response:
        if problem := session_problem(request):
            return problem
        actor = request.query_params.get("actor", "")
        with emu.lock:
            account = emu.store.find_account(actor)
            if account is None:
                return xrpc_error(400, "InvalidRequest", "Profile not found")
            return JSONResponse(
                {
                    **author(account.did),
                    "followersCount": emu.follower_count(account.did),
                    "followsCount": account.follows,
                    "postsCount": len(emu.store.posts_of(account.did)),
                    "indexedAt": emu.iso_now(),
                }
            )

    async def get_author_feed(request: Request) -> Response:
        """An actor's own posts, newest first (``filter=posts_no_replies`` honoured)."""
        if problem := session_problem(request):
            return problem
        q = request.query_params
        limit = max(1, min(int(q.get("limit", "50")), 100))
        with emu.lock:
            account = emu.store.find_account(q.get("actor", ""))
            if account is None:
                return xrpc_error(400, "InvalidRequest", "Profile not found")
            posts = sorted(
                emu.store.posts_of(account.did), key=lambda r: r.indexed_at, reverse=True
            )
            if q.get("filter") == "posts_no_replies":
                posts = [p for p in posts if "reply" not in p.value]
            return JSONResponse({"feed": [{"post": post_view(p)} for p in posts[:limit]]})

    prefix = "/xrpc/app.bsky."
    return [
        Route(prefix + "feed.getAuthorFeed", get_author_feed, methods=["GET"]),
        Route(prefix + "feed.getPosts", get_posts, methods=["GET"]),
        Route(prefix + "feed.getPostThread", get_post_thread, methods=["GET"]),
        Route(prefix + "actor.getProfile", get_profile, methods=["GET"]),
    ]
