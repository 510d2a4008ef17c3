"""The Sandbox network: a pretend network inside SocialMuse, so anyone can try the whole flow.

It is clearly labelled as such everywhere. Posts "published" to it land in a SQLite file of
its own (``DATA_DIR/sandbox.db``), never in the application database: like a real network it
is outside our transactions, so the publisher treats it exactly like one. It honours the
idempotency key (a second publish with the same key returns the first post), which is what
every real adapter strives for, and it can be told to fail for demos and tests by putting
``#fail-rejected`` or ``#fail-transient`` in the text.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from socialmuse.emulators import metrics_model
from socialmuse.models.enums import Platform
from socialmuse.platforms import text_rules
from socialmuse.platforms.base import (
    AccountContext,
    AccountMetrics,
    Comment,
    ConnectedAccount,
    PostContent,
    PostMetrics,
    Problem,
    Published,
    Rejected,
    Transient,
)
from socialmuse.settings import get_settings

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sandbox_post (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    in_reply_to TEXT,
    created_at TEXT NOT NULL
)
"""


class SandboxAdapter:
    """Adapter for the built-in Sandbox network."""

    platform = Platform.SANDBOX

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._lock = threading.Lock()
        # What "now" is when metrics are read (tests move it to age posts).
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def _connect(self) -> sqlite3.Connection:
        path = self._path or get_settings().data_dir / "sandbox.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=15, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(_SCHEMA)
        return conn

    def connect(self, *, handle: str) -> ConnectedAccount:
        handle = handle.strip().lstrip("@")
        if not handle:
            raise Rejected("Give the Sandbox account a handle.", code="handle_required")
        return ConnectedAccount(
            external_id=f"sandbox:{handle.lower()}",
            handle=handle,
            display_name=f"{handle} (Sandbox)",
            credentials={"kind": "sandbox"},
        )

    def validate(self, content: PostContent) -> list[Problem]:
        return text_rules.check(Platform.SANDBOX, content)

    def _insert(self, account: AccountContext, key: str, text: str, reply_to: str | None) -> str:
        with self._lock, self._connect() as conn:
            row = conn.execute(
                "SELECT id FROM sandbox_post WHERE idempotency_key = ?", (key,)
            ).fetchone()
            if row:
                return str(row[0])
            post_id = uuid.uuid4().hex[:16]
            conn.execute(
                "INSERT INTO sandbox_post VALUES (?, ?, ?, ?, ?, ?)",
                (post_id, account.external_id, key, text, reply_to, datetime.now(UTC).isoformat()),
            )
            return post_id

    def _permalink(self, post_id: str) -> str:
        return f"{get_settings().base_url}/sandbox/{post_id}"

    def publish(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published:
        if "#fail-rejected" in content.text:
            raise Rejected(
                "Sandbox refused the post (#fail-rejected in the text).",
                code="sandbox_rejected",
                http_status=422,
                platform_message="Rejected on request",
            )
        if "#fail-transient" in content.text:
            raise Transient(
                "Sandbox is pretending to be down (#fail-transient in the text).",
                code="sandbox_down",
                http_status=503,
            )
        first = self._insert(account, idempotency_key, content.text, None)
        parts, parent = [], first
        for n, part in enumerate(content.thread, start=1):
            parent = self._insert(account, f"{idempotency_key}:part{n}", part, parent)
            parts.append(parent)
        if content.first_comment:
            parts.append(
                self._insert(account, f"{idempotency_key}:comment", content.first_comment, first)
            )
        return Published(external_id=first, permalink=self._permalink(first), part_ids=tuple(parts))

    def find_published(
        self, account: AccountContext, content: PostContent, *, idempotency_key: str
    ) -> Published | None:
        with self._connect() as conn:
            row = conn.execute(
                "SELECT id FROM sandbox_post WHERE idempotency_key = ?", (idempotency_key,)
            ).fetchone()
        return Published(external_id=row[0], permalink=self._permalink(row[0])) if row else None

    def count_posts(self, account_external_id: str) -> int:
        """How many posts the account has (tests and the demo count them)."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM sandbox_post WHERE account = ?", (account_external_id,)
            ).fetchone()
        return int(row[0])

    def delete(self, account: AccountContext, external_id: str) -> None:
        with self._lock, self._connect() as conn:
            conn.execute(
                "DELETE FROM sandbox_post WHERE id = ? AND account = ?",
                (external_id, account.external_id),
            )

    def refresh(self, account: AccountContext) -> ConnectedAccount:
        return self.connect(handle=account.handle)

    def fetch_post_metrics(self, account: AccountContext, external_id: str) -> PostMetrics:
        """Counters grown by the shared metrics model from the post's age, plus real replies."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT created_at FROM sandbox_post WHERE id = ? AND account = ?",
                (external_id, account.external_id),
            ).fetchone()
            replies = conn.execute(
                "SELECT COUNT(*) FROM sandbox_post WHERE in_reply_to = ?", (external_id,)
            ).fetchone()[0]
        if row is None:
            raise Rejected(
                "Sandbox has no such post (it was deleted).", code="not_found", http_status=404
            )
        now = self.clock()
        counts = metrics_model.post_counts(
            external_id,
            Platform.SANDBOX.value,
            metrics_model.followers(account.external_id, now),
            now - datetime.fromisoformat(row[0]),
        )
        return PostMetrics(
            impressions=counts.impressions,
            likes=counts.likes,
            comments=counts.comments + int(replies),
            shares=counts.shares,
            clicks=counts.clicks,
            saves=counts.saves,
        )

    def fetch_account_metrics(self, account: AccountContext) -> AccountMetrics:
        return AccountMetrics(
            followers=metrics_model.followers(account.external_id, self.clock()),
            following=metrics_model.following(account.external_id),
            posts=self.count_posts(account.external_id),
        )

    def fetch_comments(
        self, account: AccountContext, external_id: str, *, since: datetime | None = None
    ) -> list[Comment]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT id, account, text, created_at FROM sandbox_post WHERE in_reply_to = ?",
                (external_id,),
            ).fetchall()
        comments = [
            Comment(
                external_id=r[0],
                author_handle=r[1],
                text=r[2],
                created_at=datetime.fromisoformat(r[3]),
                in_reply_to=external_id,
            )
            for r in rows
        ]
        return [c for c in comments if since is None or c.created_at > since]

    def reply(
        self, account: AccountContext, in_reply_to: str, text: str, *, idempotency_key: str
    ) -> Published:
        post_id = self._insert(account, idempotency_key, text, in_reply_to)
        return Published(external_id=post_id, permalink=self._permalink(post_id))
