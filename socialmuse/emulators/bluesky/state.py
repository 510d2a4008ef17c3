"""The emulator's world: accounts with app passwords, repos of records, blobs, sessions.

Sessions follow the PDS (contracts §8.1): a short access JWT and a long refresh JWT; a
refresh rotates the pair and leaves the old refresh token usable for a grace window.
Repo writes are charged in points per DID (create 3, update 2, delete 1) against a budget
per window, as the PDS's ``repo-write-hour`` limiter does.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from socialmuse.emulators.bluesky.ids import at_uri, canonical, record_cid


@dataclass
class Account:
    did: str
    handle: str
    email: str
    app_passwords: set[str]
    display_name: str = ""
    followers: int = 0
    follows: int = 0


@dataclass
class StoredRecord:
    did: str
    collection: str
    rkey: str
    value: dict[str, Any]
    cid: str
    indexed_at: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def uri(self) -> str:
        return at_uri(self.did, self.collection, self.rkey)

    @staticmethod
    def make(did: str, collection: str, rkey: str, value: dict[str, Any], now: str) -> StoredRecord:
        return StoredRecord(did, collection, rkey, value, record_cid(value), now)

    def same_bytes(self, value: dict[str, Any]) -> bool:
        return canonical(self.value) == canonical(value)


@dataclass
class RefreshGrant:
    """One refresh token's life: valid until ``expires``; after rotation, until ``grace_end``."""

    did: str
    expires: int
    rotated_to: str | None = None
    grace_end: int | None = None


@dataclass
class WriteBudget:
    window_start: int
    used: int = 0


class Store:
    """Everything the emulator holds; callers take ``Emulator.lock`` around use."""

    def __init__(self) -> None:
        self.accounts: dict[str, Account] = {}
        self.records: dict[tuple[str, str, str], StoredRecord] = {}
        self.blobs: dict[str, tuple[str, bytes]] = {}
        self.grants: dict[str, RefreshGrant] = {}
        self.budgets: dict[str, WriteBudget] = {}

    def add_account(
        self, handle: str, app_password: str, *, email: str | None = None, display_name: str = ""
    ) -> Account:
        did = "did:plc:" + secrets.token_hex(12)[:24]
        account = Account(
            did,
            handle,
            email or f"{handle.split('.')[0]}@example.test",
            {app_password},
            display_name,
        )
        self.accounts[did] = account
        return account

    def find_account(self, identifier: str) -> Account | None:
        ident = identifier.lower().removeprefix("@")
        for account in self.accounts.values():
            if ident in (account.did, account.handle.lower(), account.email.lower()):
                return account
        return None

    def record(self, did: str, collection: str, rkey: str) -> StoredRecord | None:
        return self.records.get((did, collection, rkey))

    def record_by_uri(self, uri: str) -> StoredRecord | None:
        for stored in self.records.values():
            if stored.uri == uri:
                return stored
        return None

    def posts_of(self, did: str) -> list[StoredRecord]:
        return [
            r
            for r in self.records.values()
            if r.did == did and r.collection == "app.bsky.feed.post"
        ]

    def replies_to(self, uri: str) -> list[StoredRecord]:
        replies = [
            r
            for r in self.records.values()
            if r.collection == "app.bsky.feed.post"
            and r.value.get("reply", {}).get("parent", {}).get("uri") == uri
        ]
        return sorted(replies, key=lambda r: r.value.get("createdAt", ""))

    def new_grant(self, did: str, expires: int) -> str:
        jti = secrets.token_urlsafe(16)
        self.grants[jti] = RefreshGrant(did, expires)
        return jti

    def revoke_sessions(self, did: str) -> None:
        for jti in [j for j, g in self.grants.items() if g.did == did]:
            del self.grants[jti]
