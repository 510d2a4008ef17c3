"""Facebook Pages: posts, photos and videos on a Page, with its Page access token (§4).

The Page token (``credentials["page_access_token"]``) does not expire; it dies when the
person changes their password or loses the Page role, and there is no refresh grant, so
an expired or invalid token means "reconnect". Facebook has no idempotency: a code 2 or a
lost answer on the creating call is OutcomeUnknown, and ``find_published`` reads the Page's
recent posts for the same message before anything is sent again. A first comment that
fails after the post went up is owed, not a reason to post again: ``find_published``
completes it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from socialmuse.models.enums import Platform
from socialmuse.platforms import text_rules
from socialmuse.platforms.base import (
    AccountContext,
    AccountMetrics,
    AuthExpired,
    Comment,
    ConnectedAccount,
    MediaFile,
    OutcomeUnknown,
    PlatformError,
    PostContent,
    PostMetrics,
    Problem,
    Published,
    Rejected,
)
from socialmuse.platforms.facebook_connect import FacebookConnect
from socialmuse.platforms.graph import parse_time, same_text, token_of

NAME = "Facebook"
UPLOAD_TIMEOUT = httpx.Timeout(connect=5.0, read=120.0, write=300.0, pool=10.0)


def post_permalink(post_id: str) -> str:
    """The documented shape ``https://www.facebook.com/{page-id}/posts/{post-id}``."""
    page, _, post = post_id.partition("_")
    return (
        f"https://www.facebook.com/{page}/posts/{post}"
        if post
        else (f"https://www.facebook.com/{post_id}")
    )


class FacebookAdapter(FacebookConnect):
    """Adapter and Facebook Login connector for Pages."""

    platform = Platform.FACEBOOK

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        app_id: str | None = None,
        app_secret: str | None = None,
        graph_host: str | None = None,
        login_url: str | None = None,
        reconcile_window: timedelta = timedelta(hours=24),
        reconcile_pages: int = 3,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(
            client,
            app_id=app_id,
            app_secret=app_secret,
            graph_host=graph_host,
            login_url=login_url,
            clock=clock,
        )
        self._upload_timeout: Any = httpx.USE_CLIENT_DEFAULT if client else UPLOAD_TIMEOUT
        self.reconcile_window = reconcile_window
        self.reconcile_pages = reconcile_pages
        self._sleep = sleep

    def validate(self, content: PostContent) -> list[Problem]:
        return text_rules.check(Platform.FACEBOOK, content)

    # Publishing

    def publish(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published:
        token = page_token(account)
        post_id = self._create(account, token, content)
        permalink = post_permalink(post_id)
        try:
            parts = self._comment_if_owed(account, token, post_id, content, existing=None)
        except PlatformError as exc:
            raise OutcomeUnknown(
                f"{NAME} published the post ({permalink}) but not its first comment: {exc.message}",
                code="partly_published",
                http_status=exc.http_status,
                platform_message=exc.platform_message,
            ) from exc
        return Published(post_id, permalink, parts)

    def _create(self, account: AccountContext, token: str, content: PostContent) -> str:
        page = account.external_id
        media = content.media
        if not media:
            return self._post(account, token, "feed", {"message": content.text})["id"]
        if len(media) == 1 and media[0].content_type.startswith("video/"):
            body = self._post(account, token, "videos", {"description": content.text}, media[0])
            return f"{page}_{body['id']}"
        if len(media) == 1:
            return self._post(account, token, "photos", {"message": content.text}, media[0])[
                "post_id"
            ]
        photo_ids = [
            self._post(account, token, "photos", {"published": "false"}, item, call="read")["id"]
            for item in media
        ]
        attached = json.dumps([{"media_fbid": photo_id} for photo_id in photo_ids])
        data = {"message": content.text, "attached_media": attached}
        return self._post(account, token, "feed", data)["id"]

    def _post(
        self,
        account: AccountContext,
        token: str,
        edge: str,
        data: dict[str, str],
        media: MediaFile | None = None,
        *,
        call: Any = "publish",
    ) -> dict[str, str]:
        url = self.api.url(self.api.host(account), f"{account.external_id}/{edge}")
        if media is None:
            body = self.api.request("POST", url, call=call, token=token, data=data)
            return {k: str(v) for k, v in body.items()}
        with media.path.open("rb") as handle:
            body = self.api.request(
                "POST",
                url,
                call=call,
                token=token,
                data=data,
                files={"source": (media.path.name, handle, media.content_type)},
                timeout=self._upload_timeout,
            )
        return {k: str(v) for k, v in body.items()}

    def _comment_if_owed(
        self,
        account: AccountContext,
        token: str,
        post_id: str,
        content: PostContent,
        existing: str | None,
    ) -> tuple[str, ...]:
        if not content.first_comment:
            return ()
        if existing:
            return (existing,)
        url = self.api.url(self.api.host(account), f"{post_id}/comments")
        body = self.api.request(
            "POST", url, call="publish", token=token, data={"message": content.first_comment}
        )
        return (str(body["id"]),)

    def find_published(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published | None:
        """The Page's post with this exact message within the window (the oldest if several)."""
        token = page_token(account)
        since = self.clock() - self.reconcile_window
        matches = []
        for post in self.api.pages(
            account,
            f"{account.external_id}/published_posts",
            token,
            max_pages=self.reconcile_pages,
            fields="id,message,created_time,permalink_url",
            limit=25,
        ):
            created = parse_time(str(post["created_time"]))
            if created < since:
                break
            if same_text(post.get("message"), content.text):
                matches.append((created, post))
        if not matches:
            return None
        _, post = min(matches, key=lambda pair: pair[0])
        post_id = str(post["id"])
        existing = self._own_comment(account, token, post_id, content.first_comment)
        parts = self._comment_if_owed(account, token, post_id, content, existing)
        return Published(post_id, str(post.get("permalink_url") or post_permalink(post_id)), parts)

    def _own_comment(
        self, account: AccountContext, token: str, post_id: str, text: str | None
    ) -> str | None:
        if not text:
            return None
        for comment in self.api.pages(
            account,
            f"{post_id}/comments",
            token,
            max_pages=self.reconcile_pages,
            fields="id,message,from",
            limit=50,
        ):
            author = (comment.get("from") or {}).get("id")
            if author == account.external_id and same_text(comment.get("message"), text):
                return str(comment["id"])
        return None

    def reply(
        self, account: AccountContext, in_reply_to: str, text: str, *, idempotency_key: str
    ) -> Published:
        """A comment on a post, or a reply to a comment, as the Page."""
        token = page_token(account)
        url = self.api.url(self.api.host(account), f"{in_reply_to}/comments")
        body = self.api.request("POST", url, call="publish", token=token, data={"message": text})
        comment_id = str(body["id"])
        return Published(comment_id, f"https://www.facebook.com/{comment_id}")

    def delete(self, account: AccountContext, external_id: str) -> None:
        """Delete a Page post; one that is already gone counts as deleted."""
        token = page_token(account)
        url = self.api.url(self.api.host(account), external_id)
        try:
            self.api.request("DELETE", url, call="delete", token=token)
        except Rejected as exc:
            if exc.code != "graph_100":
                raise

    # Metrics and engagement

    def fetch_post_metrics(self, account: AccountContext, external_id: str) -> PostMetrics:
        token = page_token(account)
        post = self.api.get(
            account,
            external_id,
            token,
            fields="shares,reactions.summary(total_count),comments.summary(total_count)",
        )
        views: dict[str, int] = {}
        try:  # insights need 100 Page likes and lose metrics over time: counts still stand
            insights = self.api.get(
                account,
                f"{external_id}/insights",
                token,
                metric="post_total_media_view_unique,post_clicks",
            )
            views = {m["name"]: int(m["values"][0]["value"]) for m in insights.get("data") or []}
        except Rejected:
            pass
        return PostMetrics(
            impressions=views.get("post_total_media_view_unique"),
            likes=_total(post.get("reactions")),
            comments=_total(post.get("comments")),
            shares=int((post.get("shares") or {}).get("count") or 0),
            clicks=views.get("post_clicks"),
        )

    def fetch_account_metrics(self, account: AccountContext) -> AccountMetrics:
        token = page_token(account)
        page = self.api.get(account, account.external_id, token, fields="followers_count,fan_count")
        return AccountMetrics(followers=int(page.get("followers_count") or 0))

    def fetch_comments(
        self, account: AccountContext, external_id: str, *, since: datetime | None = None
    ) -> list[Comment]:
        """Other people's comments on the post (the Page's own left out)."""
        token = page_token(account)
        found = [
            Comment(
                external_id=str(c["id"]),
                author_handle=str((c.get("from") or {}).get("name") or ""),
                text=str(c.get("message") or ""),
                created_at=parse_time(str(c["created_time"])),
                in_reply_to=str((c.get("parent") or {}).get("id") or external_id),
            )
            for c in self.api.pages(
                account,
                f"{external_id}/comments",
                token,
                max_pages=self.reconcile_pages,
                fields="id,message,from,created_time,parent",
                filter="stream",
                limit=50,
            )
            if (c.get("from") or {}).get("id") != account.external_id
        ]
        return [c for c in found if since is None or c.created_at > since]

    def refresh(self, account: AccountContext) -> ConnectedAccount:
        """Page tokens do not expire and have no refresh grant: only reconnecting helps."""
        raise AuthExpired(
            f"{NAME} Page access cannot be refreshed; reconnect the Page in Settings.",
            code="no_refresh",
        )


def page_token(account: AccountContext) -> str:
    return token_of(account, NAME, "page_access_token")


def _total(edge: Any) -> int:
    return int(((edge or {}).get("summary") or {}).get("total_count") or 0)
