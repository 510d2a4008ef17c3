"""X (Twitter) API v2: posts, threads as reply chains, media upload v2, metrics, replies.

X has no idempotency key (platform-contracts §1.9). ``publish`` sends once; a 5xx or no
answer on the post is OutcomeUnknown, and ``find_published`` then reads the account's own
recent posts (``GET /2/users/:id/tweets``, the reconcile window back) for one with exactly
this text and media count; a thread found with parts missing is completed by matching the
parts already in the conversation, never by posting the first part again. The same text
posted twice by one account is refused by X (403 duplicate content): that is final here.
Connecting and token refresh live in ``x_connect``, X's answers in ``x_api``, uploads in
``x_media``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from socialmuse.models.enums import Platform
from socialmuse.platforms import text_rules
from socialmuse.platforms.base import (
    RECENT_DAYS,
    AccountContext,
    AccountMetrics,
    Comment,
    OutcomeUnknown,
    PlatformError,
    PostContent,
    PostMetrics,
    Problem,
    PublicProfile,
    Published,
    Rejected,
)
from socialmuse.platforms.thread_parts import find_thread_parts
from socialmuse.platforms.x_api import NAME, parse_time, permalink, same_text, tweet_text
from socialmuse.platforms.x_connect import XConnect
from socialmuse.platforms.x_media import upload

TIMELINE_FIELDS = "created_at,conversation_id,attachments,entities"
_ENGAGEMENT_COUNTS = ("like_count", "reply_count", "retweet_count", "quote_count")
THREAD_FIELDS = "created_at,author_id,conversation_id,referenced_tweets,entities"


def _replied_to(tweet: dict[str, Any]) -> str | None:
    return next(
        (
            str(r["id"])
            for r in tweet.get("referenced_tweets") or []
            if r.get("type") == "replied_to"
        ),
        None,
    )


class XAdapter(XConnect):
    """Adapter and OAuth connector for X; one instance per process."""

    platform = Platform.X

    def validate(self, content: PostContent) -> list[Problem]:
        return text_rules.check(Platform.X, content)

    # Publishing

    def publish(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published:
        """The post with its media, then thread parts as a reply chain, then the comment."""
        media_ids = [upload(self, account, media) for media in content.media]
        body: dict[str, Any] = {"text": content.text} if content.text.strip() else {}
        if media_ids:
            body["media"] = {"media_ids": media_ids}
        first = self._create(account, body)
        try:
            parts = self._post_rest(account, first, content, {})
        except PlatformError as exc:
            raise OutcomeUnknown(
                f"{NAME} published the first post ({permalink(account.handle, first)}) but not "
                f"the rest of it: {exc.message}",
                code="partly_published",
                http_status=exc.http_status,
                platform_message=exc.platform_message,
            ) from exc
        return Published(first, permalink(account.handle, first), parts)

    def _create(self, account: AccountContext, body: dict[str, Any]) -> str:
        response = self._call(account, "POST", "/2/tweets", "post", json=body)
        return str(response.json()["data"]["id"])

    def _reply(self, account: AccountContext, parent: str, text: str) -> str:
        body = {"text": text, "reply": {"in_reply_to_tweet_id": parent}}
        return self._create(account, body)

    def _post_rest(
        self,
        account: AccountContext,
        root: str,
        content: PostContent,
        existing: dict[str, str],
    ) -> tuple[str, ...]:
        """Thread parts chained as replies, then the first comment under the first post."""
        parts: list[str] = []
        parent = root
        for n, text in enumerate(content.thread, start=1):
            parent = existing.get(f"part{n}") or self._reply(account, parent, text)
            parts.append(parent)
        if content.first_comment:
            comment = existing.get("comment") or self._reply(account, root, content.first_comment)
            parts.append(comment)
        return tuple(parts)

    def find_published(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published | None:
        """The earliest own post in the window with this exact text and media count."""
        since = self._clock() - self.reconcile_window
        matches = [
            tweet
            for tweet in self._recent(account, since)
            if len((tweet.get("attachments") or {}).get("media_keys") or []) == len(content.media)
            and same_text(tweet, content.text)
        ]
        if not matches:
            return None
        root = str(min(matches, key=lambda tweet: int(tweet["id"]))["id"])
        existing = self._existing_parts(account, root, content)
        parts = self._post_rest(account, root, content, existing)
        return Published(root, permalink(account.handle, root), parts)

    def _recent(self, account: AccountContext, since: datetime) -> list[dict[str, Any]]:
        """The account's own posts (not replies) since ``since``, newest first."""
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {
            "max_results": 100,
            "exclude": "replies,retweets",
            "start_time": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tweet.fields": TIMELINE_FIELDS,
        }
        path = f"/2/users/{account.external_id}/tweets"
        for _ in range(self.reconcile_pages):
            page = self._call(account, "GET", path, "read", params=params).json()
            found += page.get("data") or []
            next_token = (page.get("meta") or {}).get("next_token")
            if not next_token:
                break
            params["pagination_token"] = next_token
        return found

    def _conversation(self, account: AccountContext, root: str) -> list[dict[str, Any]]:
        """Every post in the conversation under ``root`` (the last 7 days), oldest first."""
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {
            "query": f"conversation_id:{root}",
            "max_results": 100,
            "tweet.fields": THREAD_FIELDS,
            "expansions": "author_id",
        }
        users: dict[str, str] = {}
        for _ in range(self.reconcile_pages):
            page = self._call(account, "GET", "/2/tweets/search/recent", "read", params=params)
            body = page.json()
            users |= {u["id"]: u["username"] for u in (body.get("includes") or {}).get("users", [])}
            for tweet in body.get("data") or []:
                tweet["username"] = users.get(str(tweet.get("author_id")), "")
                found.append(tweet)
            next_token = (body.get("meta") or {}).get("next_token")
            if not next_token:
                break
            params["next_token"] = next_token
        return sorted(found, key=lambda tweet: int(tweet["id"]))

    def _existing_parts(
        self, account: AccountContext, root: str, content: PostContent
    ) -> dict[str, str]:
        if not content.thread and not content.first_comment:
            return {}
        mine = [
            t
            for t in self._conversation(account, root)
            if str(t.get("author_id")) == account.external_id
        ]

        def child(parent: str, text: str) -> str | None:
            return next(
                (str(t["id"]) for t in mine if _replied_to(t) == parent and same_text(t, text)),
                None,
            )

        return find_thread_parts(root, content, child)

    def reply(
        self, account: AccountContext, in_reply_to: str, text: str, *, idempotency_key: str
    ) -> Published:
        tweet_id = self._reply(account, in_reply_to, text)
        return Published(tweet_id, permalink(account.handle, tweet_id))

    def delete(self, account: AccountContext, external_id: str) -> None:
        """Delete a post; one that is already gone counts as deleted."""
        try:
            self._call(account, "DELETE", f"/2/tweets/{external_id}", "delete")
        except Rejected as exc:
            if exc.http_status != 404:
                raise

    # Metrics and engagement

    def fetch_post_metrics(self, account: AccountContext, external_id: str) -> PostMetrics:
        params = {"tweet.fields": "public_metrics"}
        body = self._call(account, "GET", f"/2/tweets/{external_id}", "read", params=params).json()
        if "data" not in body:
            said = " ".join(str(e.get("detail")) for e in body.get("errors") or [])
            raise Rejected(
                f"{NAME} could not find the post: {said}",
                code="not_found",
                http_status=200,
                platform_message=said,
            )
        counts = body["data"].get("public_metrics") or {}
        return PostMetrics(
            impressions=counts.get("impression_count"),
            likes=int(counts.get("like_count") or 0),
            comments=int(counts.get("reply_count") or 0),
            shares=int(counts.get("retweet_count") or 0) + int(counts.get("quote_count") or 0),
            saves=counts.get("bookmark_count"),
        )

    def fetch_account_metrics(self, account: AccountContext) -> AccountMetrics:
        params = {"user.fields": "public_metrics"}
        me = self._call(account, "GET", "/2/users/me", "read", params=params).json()["data"]
        counts = me.get("public_metrics") or {}
        return AccountMetrics(
            followers=int(counts.get("followers_count") or 0),
            following=int(counts.get("following_count") or 0),
            posts=int(counts.get("tweet_count") or 0),
        )

    def fetch_public_profile(self, account: AccountContext, handle: str) -> PublicProfile:
        """Anyone's public numbers: ``/2/users/by/username`` and their newest posts."""
        name = handle.strip().lstrip("@")
        params = {"user.fields": "public_metrics"}
        body = self._call(
            account, "GET", f"/2/users/by/username/{name}", "read", params=params
        ).json()
        if "data" not in body:
            said = " ".join(str(e.get("detail")) for e in body.get("errors") or [])
            raise Rejected(
                f"{NAME} has no account @{name}.", code="not_found", platform_message=said
            )
        user, counts = body["data"], body["data"].get("public_metrics") or {}
        since = datetime.now(UTC) - timedelta(days=RECENT_DAYS)
        timeline = self._call(
            account,
            "GET",
            f"/2/users/{user['id']}/tweets",
            "read",
            params={
                "max_results": "100",
                "exclude": "replies,retweets",
                "tweet.fields": "public_metrics,created_at",
                "start_time": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
            },
        ).json()
        recent = timeline.get("data") or []
        engagements = sum(
            sum(int(t.get("public_metrics", {}).get(k) or 0) for k in _ENGAGEMENT_COUNTS)
            for t in recent
        )
        return PublicProfile(
            external_id=str(user["id"]),
            handle=user["username"],
            display_name=user.get("name") or user["username"],
            followers=int(counts.get("followers_count") or 0),
            following=int(counts.get("following_count") or 0),
            posts=int(counts.get("tweet_count") or 0),
            recent_posts=len(recent),
            recent_engagements=engagements,
        )

    def fetch_comments(
        self, account: AccountContext, external_id: str, *, since: datetime | None = None
    ) -> list[Comment]:
        """Other people's replies anywhere in the conversation (our own parts excluded)."""
        comments = [
            Comment(
                external_id=str(t["id"]),
                author_handle=t["username"],
                text=tweet_text(t),
                created_at=parse_time(t["created_at"]),
                in_reply_to=_replied_to(t),
            )
            for t in self._conversation(account, external_id)
            if str(t.get("author_id")) != account.external_id
        ]
        return [c for c in comments if since is None or c.created_at > since]
