"""Threads (``graph.threads.net/v1.0``): containers, then publish; threads as reply chains (§6).

Text posts need no media host; images and videos are fetched by Threads from ``media_url``.
Thread parts are replies chained under the first post, the first comment a reply to it.
Publishing persists nothing: a lost ``threads_publish`` answer is OutcomeUnknown, and
``find_published`` finds the post by its text among the profile's recent threads, then
completes any parts still owed (found by text among our own replies). Tokens last 60 days
and refresh (``th_refresh_token``) only while valid and at least 24 h old.
"""

from __future__ import annotations

from datetime import datetime

from socialmuse.models.enums import Platform
from socialmuse.platforms import text_rules
from socialmuse.platforms.base import (
    AccountContext,
    AccountMetrics,
    Comment,
    OutcomeUnknown,
    PlatformError,
    PostContent,
    PostMetrics,
    Problem,
    Published,
    Rejected,
)
from socialmuse.platforms.graph import (
    THREADS_GRAPH,
    THREADS_VERSION,
    parse_time,
    same_text,
    token_of,
)
from socialmuse.platforms.graph_containers import THREADS, media_params
from socialmuse.platforms.graph_login import GraphLoginAdapter
from socialmuse.platforms.thread_parts import find_thread_parts

NAME = "Threads"
LOGIN_URL = "https://threads.net"
SCOPES = (
    "threads_basic,threads_content_publish,threads_manage_replies,threads_read_replies,"
    "threads_manage_insights"
)


class ThreadsAdapter(GraphLoginAdapter):
    """Adapter and Threads login connector."""

    platform = Platform.THREADS
    name = NAME
    graph_host = THREADS_GRAPH
    graph_version = THREADS_VERSION
    flavor = THREADS
    default_login_url = LOGIN_URL
    scopes = SCOPES
    grant = "th"
    avatar_field = "threads_profile_picture_url"
    app_needed = "Threads needs the Threads app id and secret (not the Meta app's)"

    def validate(self, content: PostContent) -> list[Problem]:
        return text_rules.check(Platform.THREADS, content)

    # Publishing

    def publish(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published:
        token = token_of(account, NAME)
        container_id = self._container(account, token, content)
        root = self.containers.publish(account, token, container_id)
        permalink = self._permalink(account, token, root)
        try:
            parts = self._rest(account, token, root, content, {})
        except PlatformError as exc:
            raise OutcomeUnknown(
                f"{NAME} published the first post ({permalink}) but not the rest of it: "
                f"{exc.message}",
                code="partly_published",
                http_status=exc.http_status,
                platform_message=exc.platform_message,
            ) from exc
        return Published(root, permalink, parts)

    def _container(self, account: AccountContext, token: str, content: PostContent) -> str:
        text = {"text": content.text}
        if not content.media:
            return self.containers.create_and_wait(account, token, {"media_type": "TEXT", **text})
        if len(content.media) == 1:
            params = media_params(content.media[0], self.media_url, NAME, video_type="VIDEO")
            return self.containers.create_and_wait(account, token, {**params, **text})
        children = [
            self.containers.create(
                account,
                token,
                {
                    **media_params(m, self.media_url, NAME, video_type="VIDEO"),
                    "is_carousel_item": "true",
                },
            )
            for m in content.media
        ]
        for child_id in children:
            self.containers.wait(account, token, child_id)
        params = {"media_type": "CAROUSEL", "children": ",".join(children), **text}
        return self.containers.create_and_wait(account, token, params)

    def _reply(self, account: AccountContext, token: str, reply_to: str, text: str) -> str:
        params = {"media_type": "TEXT", "text": text, "reply_to_id": reply_to}
        container_id = self.containers.create_and_wait(account, token, params)
        return self.containers.publish(account, token, container_id)

    def _rest(
        self,
        account: AccountContext,
        token: str,
        root: str,
        content: PostContent,
        existing: dict[str, str],
    ) -> tuple[str, ...]:
        """Thread parts chained under the root, then the first comment; found ones kept."""
        parts: list[str] = []
        parent = root
        for n, text in enumerate(content.thread, start=1):
            parent = existing.get(f"part{n}") or self._reply(account, token, parent, text)
            parts.append(parent)
        if content.first_comment:
            comment = existing.get("comment")
            parts.append(comment or self._reply(account, token, root, content.first_comment))
        return tuple(parts)

    def _permalink(self, account: AccountContext, token: str, media_id: str) -> str:
        try:
            return str(self.api.get(account, media_id, token, fields="permalink")["permalink"])
        except (PlatformError, KeyError):
            return f"https://www.threads.net/@{account.handle}"

    def find_published(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published | None:
        token = token_of(account, NAME)
        since = self.clock() - self.reconcile_window
        matches = []
        for post in self.api.pages(
            account,
            f"{account.external_id}/threads",
            token,
            max_pages=self.reconcile_pages,
            fields="id,text,permalink,timestamp,is_reply",
            limit=25,
        ):
            created = parse_time(str(post["timestamp"]))
            if created < since:
                break
            if not post.get("is_reply") and same_text(post.get("text"), content.text):
                matches.append((created, post))
        if not matches:
            return None
        _, post = min(matches, key=lambda pair: pair[0])
        root = str(post["id"])
        existing = self._existing(account, token, root, content)
        parts = self._rest(account, token, root, content, existing)
        return Published(root, str(post.get("permalink") or ""), parts)

    def _existing(
        self, account: AccountContext, token: str, root: str, content: PostContent
    ) -> dict[str, str]:
        """Our own replies already in the conversation, keyed as ``_rest`` names them."""
        if not content.thread and not content.first_comment:
            return {}
        mine = [
            r
            for r in self.api.pages(
                account,
                f"{root}/conversation",
                token,
                max_pages=self.reconcile_pages,
                fields="id,text,username,replied_to",
                limit=50,
            )
            if r.get("username") == account.handle
        ]

        def child(parent: str, text: str) -> str | None:
            return next(
                (
                    str(r["id"])
                    for r in mine
                    if (r.get("replied_to") or {}).get("id") == parent
                    and same_text(r.get("text"), text)
                ),
                None,
            )

        return find_thread_parts(root, content, child)

    def reply(
        self, account: AccountContext, in_reply_to: str, text: str, *, idempotency_key: str
    ) -> Published:
        token = token_of(account, NAME)
        reply_id = self._reply(account, token, in_reply_to, text)
        return Published(reply_id, self._permalink(account, token, reply_id))

    def delete(self, account: AccountContext, external_id: str) -> None:
        token = token_of(account, NAME)
        url = self.api.url(self.api.host(account), external_id)
        try:
            self.api.request("DELETE", url, call="delete", token=token)
        except Rejected as exc:
            if exc.code != "graph_100":
                raise

    # Metrics and engagement

    def fetch_post_metrics(self, account: AccountContext, external_id: str) -> PostMetrics:
        token = token_of(account, NAME)
        body = self.api.get(
            account,
            f"{external_id}/insights",
            token,
            metric="views,likes,replies,reposts,quotes,shares",
        )
        found = {m["name"]: int(m["values"][0]["value"]) for m in body.get("data") or []}
        return PostMetrics(
            impressions=found.get("views"),
            likes=found.get("likes", 0),
            comments=found.get("replies", 0),
            shares=found.get("reposts", 0) + found.get("quotes", 0) + found.get("shares", 0),
        )

    def fetch_account_metrics(self, account: AccountContext) -> AccountMetrics:
        token = token_of(account, NAME)
        body = self.api.get(
            account, f"{account.external_id}/threads_insights", token, metric="followers_count"
        )
        followers = next(
            (
                int((m.get("total_value") or {}).get("value") or 0)
                for m in body.get("data") or []
                if m.get("name") == "followers_count"
            ),
            0,
        )
        return AccountMetrics(followers=followers)

    def fetch_comments(
        self, account: AccountContext, external_id: str, *, since: datetime | None = None
    ) -> list[Comment]:
        """Other people's replies anywhere in the conversation."""
        token = token_of(account, NAME)
        found = [
            Comment(
                external_id=str(r["id"]),
                author_handle=str(r.get("username") or ""),
                text=str(r.get("text") or ""),
                created_at=parse_time(str(r["timestamp"])),
                in_reply_to=(r.get("replied_to") or {}).get("id"),
            )
            for r in self.api.pages(
                account,
                f"{external_id}/conversation",
                token,
                max_pages=self.reconcile_pages,
                fields="id,text,username,timestamp,replied_to",
                limit=50,
            )
            if r.get("username") != account.handle
        ]
        return [c for c in found if since is None or c.created_at > since]
