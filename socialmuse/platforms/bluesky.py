"""Bluesky (AT Protocol) adapter: app-password sessions, posts as repo records, AppView reads.

How a retry stays a single post is in ``bluesky_records``; how sessions refresh and how
answers become typed outcomes is in ``bluesky_xrpc``; facets are in ``bluesky_facets``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from socialmuse.models.enums import Platform
from socialmuse.platforms import text_rules
from socialmuse.platforms.base import (
    RECENT_DAYS,
    AccountContext,
    AccountMetrics,
    AuthExpired,
    Comment,
    ConnectedAccount,
    PlatformError,
    PostContent,
    PostMetrics,
    Problem,
    PublicProfile,
    Published,
    Rejected,
)
from socialmuse.platforms.bluesky_records import (
    comment_key,
    get_post,
    part_key,
    record_key,
    split_at_uri,
    write_post,
)
from socialmuse.platforms.bluesky_xrpc import (
    NETWORK,
    TIMEOUT,
    Xrpc,
    error_of,
    jwt_expiry,
    raise_for,
)


def permalink(handle: str, uri: str) -> str:
    """``https://bsky.app/profile/<handle>/post/<rkey>`` (the DID when the handle is unknown)."""
    did, _, rkey = split_at_uri(uri)
    return f"https://bsky.app/profile/{handle or did}/post/{rkey}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class BlueskyAdapter:
    """One instance per process; ``client`` replaces the shared httpx client (tests)."""

    platform = Platform.BLUESKY

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        timeout: httpx.Timeout = TIMEOUT,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.xrpc = Xrpc(client, timeout)
        self.clock = clock

    # Connecting --------------------------------------------------------------------------

    def connect_with_password(
        self, *, service_url: str, identifier: str, password: str
    ) -> ConnectedAccount:
        """Sign in with an app password; later calls go to the PDS named in the DID document."""
        response = self.xrpc.send(
            service_url,
            "POST",
            "com.atproto.server.createSession",
            json={"identifier": identifier.strip().removeprefix("@"), "password": password},
        )
        if response.status_code == 401:
            error, message = error_of(response)
            raise AuthExpired(
                f"{NETWORK} did not accept that handle and app password. Check both, or make a "
                f"new app password in {NETWORK}'s settings. {NETWORK} said: {message}",
                code=error or "AuthenticationRequired",
                http_status=401,
                platform_message=message,
            )
        raise_for(response, write=False)
        session = response.json()
        services = session.get("didDoc", {}).get("service", [])
        endpoints = [
            s.get("serviceEndpoint")
            for s in services
            if str(s.get("id", "")).endswith("#atproto_pds")
        ]
        pds = str(endpoints[0] if endpoints and endpoints[0] else service_url).rstrip("/")
        credentials = {
            "access_jwt": session["accessJwt"],
            "refresh_jwt": session["refreshJwt"],
            "did": session["did"],
            "service_url": pds,
        }
        account = AccountContext(self.platform, session["did"], session["handle"], pds, credentials)
        try:
            profile = self.xrpc.json(
                account, "GET", "app.bsky.actor.getProfile", params={"actor": session["did"]}
            )
        except PlatformError:
            profile = {}
        return ConnectedAccount(
            external_id=session["did"],
            handle=session["handle"],
            display_name=profile.get("displayName") or session["handle"],
            credentials=account.credentials,
            token_expires_at=jwt_expiry(account.credentials["refresh_jwt"]),
            avatar_url=profile.get("avatar"),
        )

    def refresh(self, account: AccountContext) -> ConnectedAccount:
        """A new token pair (also written into ``account``); expiry is the refresh token's."""
        session = self.xrpc.refresh_session(account)
        return ConnectedAccount(
            external_id=str(session.get("did") or account.external_id),
            handle=str(session.get("handle") or account.handle),
            display_name=account.handle,
            credentials=dict(account.credentials),
            token_expires_at=jwt_expiry(session["refreshJwt"]),
        )

    # Publishing --------------------------------------------------------------------------

    def validate(self, content: PostContent) -> list[Problem]:
        return text_rules.check(Platform.BLUESKY, content)

    @staticmethod
    def _keys(content: PostContent, idempotency_key: str) -> list[str]:
        parts = range(1, len(content.thread) + 1)
        return [idempotency_key, *(part_key(idempotency_key, i) for i in parts)]

    def publish(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published:
        """The post, its thread parts as replies in order, then the first comment under it."""
        now = _iso(self.clock())
        keys = self._keys(content, idempotency_key)
        root = parent = write_post(
            self.xrpc, account, keys[0], content.text, created_at=now, media=content.media
        )
        part_uris: list[str] = []
        for key, text in zip(keys[1:], content.thread, strict=True):
            parent = write_post(self.xrpc, account, key, text, created_at=now, reply=(root, parent))
            part_uris.append(parent["uri"])
        if content.first_comment:
            comment = write_post(
                self.xrpc,
                account,
                comment_key(idempotency_key),
                content.first_comment,
                created_at=now,
                reply=(root, root),
            )
            part_uris.append(comment["uri"])
        return Published(root["uri"], permalink(account.handle, root["uri"]), tuple(part_uris))

    def find_published(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published | None:
        """The post this key wrote, complete with thread and first comment, or None.

        A partly written thread counts as not published: ``publish`` with the same key then
        finishes it without repeating the parts that exist.
        """
        keys = self._keys(content, idempotency_key)
        if content.first_comment:
            keys.append(comment_key(idempotency_key))
        uris = []
        for key in keys:
            found = get_post(self.xrpc, account, account.credentials["did"], record_key(key))
            if found is None:
                return None
            uris.append(str(found["uri"]))
        return Published(uris[0], permalink(account.handle, uris[0]), tuple(uris[1:]))

    def reply(
        self, account: AccountContext, in_reply_to: str, text: str, *, idempotency_key: str
    ) -> Published:
        did, _, rkey = split_at_uri(in_reply_to)
        parent = get_post(self.xrpc, account, did, rkey)
        if parent is None:
            raise Rejected(f"The {NETWORK} post to reply to no longer exists", code="not_found")
        root = parent["value"].get("reply", {}).get("root") or parent
        ref = write_post(
            self.xrpc,
            account,
            idempotency_key,
            text,
            created_at=_iso(self.clock()),
            reply=(root, parent),
        )
        return Published(ref["uri"], permalink(account.handle, ref["uri"]))

    def delete(self, account: AccountContext, external_id: str) -> None:
        did, collection, rkey = split_at_uri(external_id)
        self.xrpc.json(
            account,
            "POST",
            "com.atproto.repo.deleteRecord",
            write=True,
            json={"repo": did, "collection": collection, "rkey": rkey},
        )

    # Reading -----------------------------------------------------------------------------

    def fetch_post_metrics(self, account: AccountContext, external_id: str) -> PostMetrics:
        """AppView counts; Bluesky publishes no impressions, so those stay None."""
        body = self.xrpc.json(
            account, "GET", "app.bsky.feed.getPosts", params={"uris": [external_id]}
        )
        if not body.get("posts"):
            raise Rejected(f"The {NETWORK} post is gone (deleted?)", code="not_found")
        post: dict[str, Any] = body["posts"][0]
        return PostMetrics(
            likes=int(post.get("likeCount", 0)),
            comments=int(post.get("replyCount", 0)),
            shares=int(post.get("repostCount", 0)) + int(post.get("quoteCount", 0)),
            saves=post.get("bookmarkCount"),
        )

    def fetch_account_metrics(self, account: AccountContext) -> AccountMetrics:
        actor = account.credentials.get("did") or account.handle
        profile = self.xrpc.json(
            account, "GET", "app.bsky.actor.getProfile", params={"actor": actor}
        )
        return AccountMetrics(
            followers=int(profile.get("followersCount", 0)),
            following=profile.get("followsCount"),
            posts=profile.get("postsCount"),
        )

    def fetch_public_profile(self, account: AccountContext, handle: str) -> PublicProfile:
        """Anyone's public numbers: ``app.bsky.actor.getProfile`` and their author feed."""
        actor = handle.strip().lstrip("@")
        try:
            profile = self.xrpc.json(
                account, "GET", "app.bsky.actor.getProfile", params={"actor": actor}
            )
        except Rejected as exc:
            raise Rejected(
                f"{NETWORK} has no account @{actor}.",
                code="not_found",
                http_status=exc.http_status,
                platform_message=exc.platform_message,
            ) from None
        feed = self.xrpc.json(
            account,
            "GET",
            "app.bsky.feed.getAuthorFeed",
            params={"actor": profile["did"], "limit": "100", "filter": "posts_no_replies"},
        )
        since = datetime.now(UTC) - timedelta(days=RECENT_DAYS)
        recent = [
            item["post"]
            for item in feed.get("feed") or []
            if _indexed(item["post"]) >= since and item["post"]["author"]["did"] == profile["did"]
        ]
        return PublicProfile(
            external_id=profile["did"],
            handle=profile.get("handle") or actor,
            display_name=profile.get("displayName") or profile.get("handle") or actor,
            followers=int(profile.get("followersCount", 0)),
            following=profile.get("followsCount"),
            posts=profile.get("postsCount"),
            recent_posts=len(recent),
            recent_engagements=sum(
                int(p.get(k, 0))
                for p in recent
                for k in ("likeCount", "repostCount", "replyCount", "quoteCount")
            ),
        )

    def fetch_comments(
        self, account: AccountContext, external_id: str, *, since: datetime | None = None
    ) -> list[Comment]:
        """Every reply in the thread under the post (nested ones too), oldest level first."""
        body = self.xrpc.json(
            account,
            "GET",
            "app.bsky.feed.getPostThread",
            params={"uri": external_id, "depth": 10, "parentHeight": 0},
        )
        comments: list[Comment] = []
        pending = list(body.get("thread", {}).get("replies", []))
        while pending:
            view = pending.pop(0)
            pending.extend(view.get("replies", []))
            if "post" not in view:  # notFoundPost / blockedPost
                continue
            post, record = view["post"], view["post"].get("record", {})
            created = datetime.fromisoformat(str(record.get("createdAt")).replace("Z", "+00:00"))
            if since is not None and created <= since:
                continue
            comments.append(
                Comment(
                    external_id=post["uri"],
                    author_handle=post.get("author", {}).get("handle", ""),
                    text=record.get("text", ""),
                    created_at=created,
                    in_reply_to=record.get("reply", {}).get("parent", {}).get("uri"),
                )
            )
        return comments


def _indexed(post: dict[str, Any]) -> datetime:
    """When the AppView indexed a post (``indexedAt``, ISO 8601 with a Z)."""
    return datetime.fromisoformat(
        str(post.get("indexedAt", "1970-01-01T00:00:00Z")).replace("Z", "+00:00")
    )
