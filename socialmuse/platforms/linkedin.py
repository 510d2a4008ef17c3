"""LinkedIn: posts through the Posts API as a member or as an organization page they run.

LinkedIn has no idempotency key (platform-contracts §2.9). A post sent without a clear
answer (5xx, timeout) is OutcomeUnknown, and ``find_published`` reads the author's recent
posts for one with the same words before anything is sent again; if LinkedIn does not let
the app read them, the retry meets 422 ``DUPLICATE_POST``, which names the earlier post.
Commentary is escaped with ``text_rules.escape_linkedin`` (unescaped reserved characters
make LinkedIn cut the post short, silently). There are no threads; the first comment is a
comment on the post, completed by ``find_published`` when the post got out without it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

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
from socialmuse.platforms.linkedin_api import (
    NAME,
    author_of,
    permalink,
    quote_urn,
    same_commentary,
)
from socialmuse.platforms.linkedin_connect import LinkedInConnect
from socialmuse.platforms.linkedin_media import upload_image

MS_PER_SECOND = 1000


class LinkedInAdapter(LinkedInConnect):
    """Adapter and OAuth connector for LinkedIn members and organization pages."""

    platform = Platform.LINKEDIN

    def validate(self, content: PostContent) -> list[Problem]:
        problems = text_rules.check(Platform.LINKEDIN, content)
        if any(m.content_type.startswith("video/") for m in content.media):
            problems.append(
                Problem(
                    "video_unsupported",
                    f"SocialMuse cannot upload video to {NAME} yet; post the video on {NAME} "
                    "directly or attach images instead.",
                )
            )
        return problems

    # Publishing

    def publish(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published:
        """The post, then its first comment; ``idempotency_key`` is unused (LinkedIn has none)."""
        if problems := [p for p in self.validate(content) if p.code == "video_unsupported"]:
            raise Rejected(problems[0].message, code=problems[0].code)
        author = author_of(account)
        images = [upload_image(self, account, author, m, sleep=self._sleep) for m in content.media]
        body: dict[str, Any] = {
            "author": author,
            "commentary": text_rules.escape_linkedin(content.text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        alts = [m.alt_text for m in content.media]
        if len(images) == 1:
            body["content"] = {"media": {"id": images[0], "altText": alts[0]}}
        elif images:
            pairs = zip(images, alts, strict=True)
            body["content"] = {
                "multiImage": {"images": [{"id": i, "altText": a} for i, a in pairs]}
            }
        response = self._api(account, "POST", "/rest/posts", "post", json=body)
        urn = response.headers.get("x-restli-id")
        if not urn:
            raise OutcomeUnknown(
                f"{NAME} accepted the post but did not say where it is; checking before "
                "trying again.",
                code="no_id",
                http_status=response.status_code,
            )
        return Published(urn, permalink(urn), self._first_comment(account, urn, content, {}))

    def _first_comment(
        self, account: AccountContext, urn: str, content: PostContent, existing: dict[str, str]
    ) -> tuple[str, ...]:
        if not content.first_comment:
            return ()
        if found := existing.get(content.first_comment):
            return (found,)
        try:
            return (self._comment(account, urn, content.first_comment),)
        except PlatformError as exc:
            raise OutcomeUnknown(
                f"{NAME} published the post ({permalink(urn)}) but not its first comment: "
                f"{exc.message}",
                code="partly_published",
                http_status=exc.http_status,
                platform_message=exc.platform_message,
            ) from exc

    def _comment(self, account: AccountContext, on: str, text: str) -> str:
        """Comment on a post, or answer a comment (``on`` is then the comment's URN)."""
        body: dict[str, Any] = {"actor": author_of(account), "message": {"text": text}}
        if on.startswith("urn:li:comment:("):
            body["object"] = on.removeprefix("urn:li:comment:(").split(",", 1)[0]
            body["parentComment"] = on
        else:
            body["object"] = on
        path = f"/rest/socialActions/{quote_urn(on)}/comments"
        answer = self._api(account, "POST", path, "post", json=body)
        created: dict[str, Any] = answer.json() if answer.content else {}
        return str(created.get("commentUrn") or answer.headers.get("x-restli-id"))

    def find_published(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published | None:
        """The author's post with these words and as many images, published within the window.

        None also when LinkedIn will not let the app read the author's posts (403): the retry
        then meets ``DUPLICATE_POST`` naming the earlier post, and nothing is posted twice.
        """
        author = author_of(account)
        try:
            page = self._api(
                account,
                "GET",
                "/rest/posts",
                "read",
                params={"q": "author", "author": author, "count": 50, "sortBy": "LAST_MODIFIED"},
            ).json()
        except Rejected as exc:
            if exc.http_status == 403:
                return None
            raise
        since = (self.clock() - self.reconcile_window).timestamp() * MS_PER_SECOND
        matches = [
            post
            for post in page.get("elements") or []
            if int(post.get("createdAt") or 0) >= since
            and _image_count(post) == len(content.media)
            and same_commentary(str(post.get("commentary") or ""), content.text)
        ]
        if not matches:
            return None
        first = min(matches, key=lambda post: int(post.get("createdAt") or 0))
        urn = str(first["id"])
        existing: dict[str, str] = {}
        if content.first_comment:
            existing = {c.text: c.external_id for c in self._comments(account, urn, mine=True)}
        return Published(urn, permalink(urn), self._first_comment(account, urn, content, existing))

    def reply(
        self, account: AccountContext, in_reply_to: str, text: str, *, idempotency_key: str
    ) -> Published:
        """A comment on a post, or an answer to a comment (by its ``urn:li:comment:`` URN)."""
        comment = self._comment(account, in_reply_to, text)
        post = _post_of(comment) or in_reply_to
        return Published(comment, f"{permalink(post)}?commentUrn={quote_urn(comment)}")

    def delete(self, account: AccountContext, external_id: str) -> None:
        """Delete a post; one that is already gone counts as deleted."""
        try:
            self._api(account, "DELETE", f"/rest/posts/{quote_urn(external_id)}", "delete")
        except Rejected as exc:
            if exc.http_status != 404:
                raise

    # Metrics and engagement

    def fetch_post_metrics(self, account: AccountContext, external_id: str) -> PostMetrics:
        """Reactions and comments for any post; impressions and clicks for a page's posts."""
        path = f"/rest/socialMetadata/{quote_urn(external_id)}"
        meta = self._api(account, "GET", path, "read").json()
        likes = sum(
            int(r.get("count") or 0) for r in (meta.get("reactionSummaries") or {}).values()
        )
        comments = int((meta.get("commentSummary") or {}).get("count") or 0)
        author = author_of(account)
        if not author.startswith("urn:li:organization:"):
            return PostMetrics(likes=likes, comments=comments)
        query = (
            f"q=organizationalEntity&organizationalEntity={quote_urn(author)}"
            f"&shares=List({quote_urn(external_id)})"
        )
        stats = self._api(
            account, "GET", f"/rest/organizationalEntityShareStatistics?{query}", "read"
        ).json()
        rows: list[dict[str, Any]] = stats.get("elements") or [{}]
        totals = rows[0].get("totalShareStatistics") or {}
        return PostMetrics(
            impressions=int(totals.get("impressionCount") or 0),
            likes=max(likes, int(totals.get("likeCount") or 0)),
            comments=max(comments, int(totals.get("commentCount") or 0)),
            shares=int(totals.get("shareCount") or 0),
            clicks=int(totals.get("clickCount") or 0),
        )

    def fetch_account_metrics(self, account: AccountContext) -> AccountMetrics:
        """A page's follower count; LinkedIn gives apps no follower count for members."""
        author = author_of(account)
        if not author.startswith("urn:li:organization:"):
            raise Rejected(
                f"{NAME} does not share a member's follower count with apps; only pages have one.",
                code="unsupported",
            )
        path = f"/rest/networkSizes/{quote_urn(author)}"
        size = self._api(
            account, "GET", path, "read", params={"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"}
        )
        return AccountMetrics(followers=int(size.json().get("firstDegreeSize") or 0))

    def fetch_comments(
        self, account: AccountContext, external_id: str, *, since: datetime | None = None
    ) -> list[Comment]:
        """Other people's comments on the post (our own first comment excluded)."""
        comments = self._comments(account, external_id, mine=False)
        return [c for c in comments if since is None or c.created_at > since]

    def _comments(self, account: AccountContext, urn: str, *, mine: bool) -> list[Comment]:
        path = f"/rest/socialActions/{quote_urn(urn)}/comments"
        page = self._api(account, "GET", path, "read", params={"count": 100}).json()
        author = author_of(account)
        return [
            Comment(
                external_id=str(c.get("commentUrn") or c["id"]),
                author_handle=str(c.get("actor") or ""),
                text=str((c.get("message") or {}).get("text") or ""),
                created_at=datetime.fromtimestamp(
                    int(c["created"]["time"]) / MS_PER_SECOND, tz=UTC
                ),
                in_reply_to=c.get("parentComment"),
            )
            for c in page.get("elements") or []
            if (c.get("actor") == author) == mine
        ]


def _image_count(post: dict[str, Any]) -> int:
    content = post.get("content") or {}
    if "multiImage" in content:
        return len((content["multiImage"] or {}).get("images") or [])
    media_id = str((content.get("media") or {}).get("id") or "")
    return 1 if media_id.startswith("urn:li:image:") else 0


def _post_of(comment_urn: str) -> str | None:
    """``urn:li:comment:(urn:li:activity:N,M)`` → the activity it is on."""
    if not comment_urn.startswith("urn:li:comment:("):
        return None
    return comment_urn.removeprefix("urn:li:comment:(").split(",", 1)[0]
