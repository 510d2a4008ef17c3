"""Instagram (API with Instagram Login, ``graph.instagram.com``): containers, then publish (§5).

Instagram fetches media from public URLs, so the adapter needs ``media_url`` (a file →
the address where SocialMuse serves it). One image or video is one container; 2-10 make
a carousel of child containers. The container is the natural key, but publish persists
nothing: a lost ``media_publish`` answer is OutcomeUnknown and ``find_published`` looks
for the same caption among the account's recent media. Posts cannot be deleted through
the API. Long-lived tokens last 60 days and refresh (``ig_refresh_token``) only while
still valid, and at least 24 h old.
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
    GRAPH_VERSION,
    INSTAGRAM_GRAPH,
    parse_time,
    same_text,
    token_of,
)
from socialmuse.platforms.graph_containers import INSTAGRAM, media_params
from socialmuse.platforms.graph_login import GraphLoginAdapter

NAME = "Instagram"
LOGIN_URL = "https://www.instagram.com"
TOKEN_URL = "https://api.instagram.com"
SCOPES = (
    "instagram_business_basic,instagram_business_content_publish,"
    "instagram_business_manage_comments,instagram_business_manage_insights"
)


class InstagramAdapter(GraphLoginAdapter):
    """Adapter and Instagram Login connector for professional accounts."""

    platform = Platform.INSTAGRAM
    name = NAME
    graph_host = INSTAGRAM_GRAPH
    graph_version = GRAPH_VERSION
    flavor = INSTAGRAM
    default_login_url = LOGIN_URL
    default_token_url = TOKEN_URL
    scopes = SCOPES
    grant = "ig"
    avatar_field = "profile_picture_url"
    app_needed = "Instagram needs the Meta app's Instagram app id and secret"

    def validate(self, content: PostContent) -> list[Problem]:
        return text_rules.check(Platform.INSTAGRAM, content)

    # Publishing

    def publish(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published:
        token = token_of(account, NAME)
        container_id = self._container(account, token, content)
        media_id = self.containers.publish(account, token, container_id)
        permalink = self._permalink(account, token, media_id)
        try:
            parts = self._comment_if_owed(account, token, media_id, content, None)
        except PlatformError as exc:
            raise OutcomeUnknown(
                f"{NAME} published the post ({permalink}) but not its first comment: {exc.message}",
                code="partly_published",
                http_status=exc.http_status,
                platform_message=exc.platform_message,
            ) from exc
        return Published(media_id, permalink, parts)

    def _container(self, account: AccountContext, token: str, content: PostContent) -> str:
        """One container for one file, or a carousel of child containers; waited on."""
        caption = {"caption": content.text}
        if len(content.media) <= 1:
            params = {
                **(
                    media_params(content.media[0], self.media_url, NAME, video_type="REELS")
                    if content.media
                    else {}
                ),
                **caption,
            }
            return self.containers.create_and_wait(account, token, params)
        children = []
        for item in content.media:
            child = media_params(item, self.media_url, NAME, video_type="VIDEO")
            child_id = self.containers.create(account, token, {**child, "is_carousel_item": "true"})
            children.append(child_id)
        for child_id in children:
            self.containers.wait(account, token, child_id)
        params = {"media_type": "CAROUSEL", "children": ",".join(children), **caption}
        return self.containers.create_and_wait(account, token, params)

    def _permalink(self, account: AccountContext, token: str, media_id: str) -> str:
        """From the API; the profile if that read fails (the post is public either way)."""
        try:
            return str(self.api.get(account, media_id, token, fields="permalink")["permalink"])
        except (PlatformError, KeyError):
            return f"https://www.instagram.com/{account.handle}/"

    def _comment_if_owed(
        self,
        account: AccountContext,
        token: str,
        media_id: str,
        content: PostContent,
        existing: str | None,
    ) -> tuple[str, ...]:
        if not content.first_comment:
            return ()
        if existing:
            return (existing,)
        return (self._comment(account, token, f"{media_id}/comments", content.first_comment),)

    def _comment(self, account: AccountContext, token: str, path: str, text: str) -> str:
        url = self.api.url(self.api.host(account), path)
        body = self.api.request("POST", url, call="publish", token=token, data={"message": text})
        return str(body["id"])

    def find_published(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published | None:
        """Recent media with this caption and the same kind (carousel or single)."""
        token = token_of(account, NAME)
        since = self.clock() - self.reconcile_window
        carousel = len(content.media) > 1
        matches = []
        for media in self.api.pages(
            account,
            f"{account.external_id}/media",
            token,
            max_pages=self.reconcile_pages,
            fields="id,caption,media_type,permalink,timestamp",
            limit=25,
        ):
            created = parse_time(str(media["timestamp"]))
            if created < since:
                break
            if same_text(media.get("caption"), content.text) and carousel == (
                media.get("media_type") == "CAROUSEL_ALBUM"
            ):
                matches.append((created, media))
        if not matches:
            return None
        _, media = min(matches, key=lambda pair: pair[0])
        media_id = str(media["id"])
        existing = self._own_comment(account, token, media_id, content.first_comment)
        parts = self._comment_if_owed(account, token, media_id, content, existing)
        return Published(media_id, str(media.get("permalink") or ""), parts)

    def _own_comment(
        self, account: AccountContext, token: str, media_id: str, text: str | None
    ) -> str | None:
        if not text:
            return None
        for comment in self.api.pages(
            account,
            f"{media_id}/comments",
            token,
            max_pages=self.reconcile_pages,
            fields="id,text,username",
            limit=50,
        ):
            if comment.get("username") == account.handle and same_text(comment.get("text"), text):
                return str(comment["id"])
        return None

    def reply(
        self, account: AccountContext, in_reply_to: str, text: str, *, idempotency_key: str
    ) -> Published:
        """A reply to a comment (``/{comment}/replies``)."""
        token = token_of(account, NAME)
        comment_id = self._comment(account, token, f"{in_reply_to}/replies", text)
        return Published(comment_id, f"https://www.instagram.com/{account.handle}/")

    def delete(self, account: AccountContext, external_id: str) -> None:
        raise Rejected(
            f"{NAME} does not let apps delete posts. Delete it in the Instagram app.",
            code="delete_unsupported",
        )

    # Metrics and engagement

    def fetch_post_metrics(self, account: AccountContext, external_id: str) -> PostMetrics:
        token = token_of(account, NAME)
        media = self.api.get(account, external_id, token, fields="like_count,comments_count")
        found: dict[str, int] = {}
        try:
            insights = self.api.get(
                account, f"{external_id}/insights", token, metric="views,reach,saved,shares"
            )
            found = {m["name"]: int(m["values"][0]["value"]) for m in insights.get("data") or []}
        except Rejected:  # metrics change names between versions; counts still stand
            pass
        return PostMetrics(
            impressions=found.get("views"),
            likes=int(media.get("like_count") or 0),
            comments=int(media.get("comments_count") or 0),
            shares=found.get("shares", 0),
            saves=found.get("saved"),
        )

    def fetch_account_metrics(self, account: AccountContext) -> AccountMetrics:
        token = token_of(account, NAME)
        me = self.api.get(
            account, account.external_id, token, fields="followers_count,follows_count,media_count"
        )
        return AccountMetrics(
            followers=int(me.get("followers_count") or 0),
            following=int(me.get("follows_count") or 0),
            posts=int(me.get("media_count") or 0),
        )

    def fetch_comments(
        self, account: AccountContext, external_id: str, *, since: datetime | None = None
    ) -> list[Comment]:
        token = token_of(account, NAME)
        found = [
            Comment(
                external_id=str(c["id"]),
                author_handle=str(c.get("username") or ""),
                text=str(c.get("text") or ""),
                created_at=parse_time(str(c["timestamp"])),
                in_reply_to=external_id,
            )
            for c in self.api.pages(
                account,
                f"{external_id}/comments",
                token,
                max_pages=self.reconcile_pages,
                fields="id,text,username,timestamp",
                limit=50,
            )
            if c.get("username") != account.handle
        ]
        return [c for c in found if since is None or c.created_at > since]
