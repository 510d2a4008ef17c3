"""Mastodon: one adapter for every instance (``AccountContext.base_url`` is the instance URL).

Publishing sends ``Idempotency-Key`` (Mastodon returns the same status for the same key
within an hour); thread parts and the first comment are replies with derived keys
(``<key>:part<n>``, ``<key>:comment``). Other Mastodon-API servers ignore the key
(platform-contracts §14), so an unknown outcome is reconciled by reading the account's recent
statuses (``find_published``), never by posting again blindly. Tokens never expire and
cannot be refreshed: a 401 means "reconnect". Connecting registers an app per instance
(``register_app``), then runs OAuth with PKCE S256, or takes a pasted access token
(``connect_with_token``).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from socialmuse.models.enums import Platform
from socialmuse.platforms import text_rules
from socialmuse.platforms.base import (
    RECENT_DAYS,
    AccountContext,
    AccountMetrics,
    Comment,
    MediaFile,
    OutcomeUnknown,
    PlatformError,
    PostContent,
    PostMetrics,
    Problem,
    PublicProfile,
    Published,
    Rejected,
    Transient,
)
from socialmuse.platforms.mastodon_api import (
    NAME,
    access_token,
    instance_base,
    parse_time,
    same_text,
    status_text,
)
from socialmuse.platforms.mastodon_connect import MastodonConnect
from socialmuse.platforms.thread_parts import find_thread_parts


class MastodonAdapter(MastodonConnect):
    """Adapter and OAuth connector for Mastodon instances."""

    platform = Platform.MASTODON

    # Validation

    def validate(
        self, content: PostContent, *, instance_url: str | None = None, limit: int | None = None
    ) -> list[Problem]:
        """The composer's rules; the instance's own limit when given or already seen."""
        if limit is None and instance_url:
            limit = self._limits.get(instance_base(instance_url))
        return text_rules.check(Platform.MASTODON, content, limit=limit)

    # Publishing

    def publish(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published:
        base, token = instance_base(account.base_url), access_token(account)
        media_ids = [self._upload(base, token, media) for media in content.media]
        body: dict[str, Any] = {"status": content.text, "visibility": "public"}
        if media_ids:
            body["media_ids"] = media_ids
        first = self._create(base, token, body, idempotency_key)
        permalink = first.get("url") or first["uri"]
        try:
            parts = self._post_rest(base, token, first["id"], content, idempotency_key, {})
        except PlatformError as exc:
            raise OutcomeUnknown(
                f"{NAME} published the first post ({permalink}) but not the rest of it: "
                f"{exc.message}",
                code="partly_published",
                http_status=exc.http_status,
                platform_message=exc.platform_message,
            ) from exc
        return Published(first["id"], permalink, parts)

    def _create(self, base: str, token: str, body: dict[str, Any], key: str) -> dict[str, Any]:
        response = self._send(
            "POST",
            f"{base}/api/v1/statuses",
            token,
            "post",
            json=body,
            headers={"Idempotency-Key": key},
        )
        status: dict[str, Any] = response.json()
        return status

    def _post_rest(
        self,
        base: str,
        token: str,
        root: str,
        content: PostContent,
        key: str,
        existing: dict[str, str],
    ) -> tuple[str, ...]:
        """Thread parts chained as replies, then the first comment under the first post."""

        def chained(part_key: str, text: str, reply_to: str) -> str:
            if part_key in existing:
                return existing[part_key]
            body = {"status": text, "in_reply_to_id": reply_to}
            return str(self._create(base, token, body, part_key)["id"])

        parts: list[str] = []
        parent = root
        for n, text in enumerate(content.thread, start=1):
            parent = chained(f"{key}:part{n}", text, parent)
            parts.append(parent)
        if content.first_comment:
            parts.append(chained(f"{key}:comment", content.first_comment, root))
        return tuple(parts)

    def _upload(self, base: str, token: str, media: MediaFile) -> str:
        """Upload one file; video and GIF come back 202 and are polled until processed."""
        data = {"description": media.alt_text} if media.alt_text else {}
        with media.path.open("rb") as handle:
            response = self._send(
                "POST",
                f"{base}/api/v2/media",
                token,
                "media",
                data=data,
                files={"file": (media.path.name, handle, media.content_type)},
                timeout=self._upload_timeout,
            )
        attachment: dict[str, Any] = response.json()
        if response.status_code == 202 or not attachment.get("url"):
            self._wait_processed(base, token, str(attachment["id"]), media.path.name)
        return str(attachment["id"])

    def _wait_processed(self, base: str, token: str, media_id: str, name: str) -> None:
        deadline = time.monotonic() + self.media_processing_timeout
        while True:
            response = self._send("GET", f"{base}/api/v1/media/{media_id}", token, "read")
            if response.status_code == 200:
                return
            if time.monotonic() >= deadline:
                raise Transient(
                    f"{NAME} is still processing {name}; publishing again later will retry.",
                    code="media_processing",
                    http_status=response.status_code,
                )
            self._sleep(self.media_poll_interval)

    def find_published(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published | None:
        """The status with this exact text (and media count) posted within the window.

        A thread found with parts missing is completed with the same derived keys: its first
        post is already public, so the rest is owed, and posting the first again would
        duplicate it.
        """
        base, token = instance_base(account.base_url), access_token(account)
        since = datetime.now(UTC) - self.reconcile_window
        matches = [
            status
            for status in self._recent(base, token, account.external_id, since)
            if not status.get("in_reply_to_id")
            and not status.get("reblog")
            and len(status.get("media_attachments") or []) == len(content.media)
            and same_text(status, content.text)
        ]
        if not matches:
            return None
        first = min(matches, key=lambda status: int(status["id"]))
        existing = self._existing_parts(base, token, account, first["id"], content, idempotency_key)
        parts = self._post_rest(base, token, first["id"], content, idempotency_key, existing)
        return Published(first["id"], first.get("url") or first["uri"], parts)

    def _recent(
        self, base: str, token: str, account_id: str, since: datetime
    ) -> list[dict[str, Any]]:
        """The account's statuses newest first, page by page, back to ``since``."""
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": 40}
        for _ in range(self.reconcile_pages):
            page = self._send(
                "GET",
                f"{base}/api/v1/accounts/{account_id}/statuses",
                token,
                "read",
                params=params,
            ).json()
            found += [s for s in page if parse_time(s["created_at"]) >= since]
            if len(page) < params["limit"] or parse_time(page[-1]["created_at"]) < since:
                break
            params["max_id"] = page[-1]["id"]
        return found

    def _existing_parts(
        self,
        base: str,
        token: str,
        account: AccountContext,
        root: str,
        content: PostContent,
        key: str,
    ) -> dict[str, str]:
        if not content.thread and not content.first_comment:
            return {}
        descendants = self._context(base, token, root)
        mine = [s for s in descendants if s["account"]["id"] == account.external_id]

        def child(parent: str, text: str) -> str | None:
            return next(
                (s["id"] for s in mine if s.get("in_reply_to_id") == parent and same_text(s, text)),
                None,
            )

        return find_thread_parts(root, content, child, prefix=f"{key}:")

    def _context(self, base: str, token: str, status_id: str) -> list[dict[str, Any]]:
        body = self._send("GET", f"{base}/api/v1/statuses/{status_id}/context", token, "read")
        descendants: list[dict[str, Any]] = body.json().get("descendants") or []
        return descendants

    def reply(
        self, account: AccountContext, in_reply_to: str, text: str, *, idempotency_key: str
    ) -> Published:
        base, token = instance_base(account.base_url), access_token(account)
        status = self._create(
            base, token, {"status": text, "in_reply_to_id": in_reply_to}, idempotency_key
        )
        return Published(status["id"], status.get("url") or status["uri"])

    def delete(self, account: AccountContext, external_id: str) -> None:
        """Delete a status; one that is already gone counts as deleted."""
        base, token = instance_base(account.base_url), access_token(account)
        try:
            self._send("DELETE", f"{base}/api/v1/statuses/{external_id}", token, "delete")
        except Rejected as exc:
            if exc.http_status != 404:
                raise

    # Metrics and engagement

    def fetch_post_metrics(self, account: AccountContext, external_id: str) -> PostMetrics:
        base, token = instance_base(account.base_url), access_token(account)
        status = self._send("GET", f"{base}/api/v1/statuses/{external_id}", token, "read").json()
        return PostMetrics(
            likes=int(status.get("favourites_count") or 0),
            comments=int(status.get("replies_count") or 0),
            shares=int(status.get("reblogs_count") or 0),
        )

    def fetch_account_metrics(self, account: AccountContext) -> AccountMetrics:
        base, token = instance_base(account.base_url), access_token(account)
        url = f"{base}/api/v1/accounts/{account.external_id}"
        body = self._send("GET", url, token, "read").json()
        return AccountMetrics(
            followers=int(body.get("followers_count") or 0),
            following=int(body.get("following_count") or 0),
            posts=int(body.get("statuses_count") or 0),
        )

    def fetch_public_profile(self, account: AccountContext, handle: str) -> PublicProfile:
        """Anyone's public numbers: ``/api/v1/accounts/lookup`` and their newest statuses."""
        base, token = instance_base(account.base_url), access_token(account)
        acct = handle.strip().lstrip("@")
        try:
            found = self._send(
                "GET", f"{base}/api/v1/accounts/lookup", token, "read", params={"acct": acct}
            ).json()
        except Rejected as exc:
            if exc.http_status == 404:
                raise Rejected(
                    f"{NAME} has no account @{acct}.", code="not_found", http_status=404
                ) from None
            raise
        statuses = self._send(
            "GET",
            f"{base}/api/v1/accounts/{found['id']}/statuses",
            token,
            "read",
            params={"limit": "40", "exclude_replies": "true"},
        ).json()
        since = datetime.now(UTC) - timedelta(days=RECENT_DAYS)
        recent = [s for s in statuses if parse_time(s["created_at"]) >= since]
        return PublicProfile(
            external_id=str(found["id"]),
            handle=found.get("acct") or acct,
            display_name=found.get("display_name") or found.get("username") or acct,
            followers=int(found.get("followers_count") or 0),
            following=int(found.get("following_count") or 0),
            posts=int(found.get("statuses_count") or 0),
            recent_posts=len(recent),
            recent_engagements=sum(
                int(s.get(k) or 0)
                for s in recent
                for k in ("favourites_count", "reblogs_count", "replies_count")
            ),
        )

    def fetch_comments(
        self, account: AccountContext, external_id: str, *, since: datetime | None = None
    ) -> list[Comment]:
        """Other people's replies anywhere under the post (our own thread parts excluded)."""
        base, token = instance_base(account.base_url), access_token(account)
        comments = [
            Comment(
                external_id=s["id"],
                author_handle=s["account"]["acct"],
                text=status_text(s),
                created_at=parse_time(s["created_at"]),
                in_reply_to=s.get("in_reply_to_id"),
            )
            for s in self._context(base, token, external_id)
            if s["account"]["id"] != account.external_id
        ]
        return [c for c in comments if since is None or c.created_at > since]
