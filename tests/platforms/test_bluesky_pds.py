"""The Bluesky adapter against the real reference PDS (``@atproto/dev-env``, see .ci/pds).

The emulator in test_bluesky.py covers faults and the AppView; these check that what the
adapter writes is what the real PDS accepts and stores: byte offsets of facets after emoji,
accents and CJK, an uploaded image, threads, retries at the same record key, and the PDS's
own refusal. A missing harness fails the run (``make pds`` installs it), it is never skipped.

They run once, in the SQLite + embedded Valkey pass (the default, which ``make test`` always
runs): the PDS and the adapter use neither database nor Redis, so the PostgreSQL + Redis pass
would repeat them for nothing. The class is not collected there, so nothing shows as skipped.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from socialmuse.emulators.base import free_port
from socialmuse.models.enums import Platform
from socialmuse.platforms.base import (
    AccountContext,
    AuthExpired,
    MediaFile,
    PostContent,
    Published,
    Rejected,
)
from socialmuse.platforms.bluesky import BlueskyAdapter
from socialmuse.platforms.bluesky_records import record_key
from tests.conftest import BACKEND
from tests.platforms.bluesky_pds import PdsAccount, ReferencePds, missing_harness

pytestmark = pytest.mark.slow

FACET = "app.bsky.richtext.facet"


@pytest.fixture(scope="session")
def pds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferencePds]:
    if problem := missing_harness():
        pytest.fail(problem, pytrace=False)
    server = ReferencePds(free_port(), tmp_path_factory.mktemp("pds"))
    server.start()
    try:
        yield server
    finally:
        code = server.stop()
        assert code == 0, (
            f"the reference PDS did not stop cleanly ({code}):\n{server.stderr_tail()}"
        )


@pytest.fixture(scope="session")
def bob(pds: ReferencePds) -> PdsAccount:
    """The account the facet test mentions (a fixed handle keeps the byte offsets fixed)."""
    return pds.create_account("bob")


@dataclass
class Alice:
    """A fresh account on the PDS, connected through the adapter with an app password."""

    pds: ReferencePds
    adapter: BlueskyAdapter
    account: AccountContext
    pds_account: PdsAccount

    @property
    def did(self) -> str:
        return self.pds_account.did

    def posts(self) -> list[dict[str, Any]]:
        return self.pds.posts(self.did)


@pytest.fixture()
def alice(pds: ReferencePds) -> Iterator[Alice]:
    created = pds.create_account()
    with httpx.Client() as client:
        adapter = BlueskyAdapter(client)
        connected = adapter.connect_with_password(
            service_url=pds.url, identifier=created.handle, password=created.app_password
        )
        account = AccountContext(
            Platform.BLUESKY,
            connected.external_id,
            connected.handle,
            connected.credentials["service_url"],
            dict(connected.credentials),
        )
        yield Alice(pds, adapter, account, created)


def png(width: int, height: int) -> bytes:
    """A real RGB PNG (a colour gradient), built by hand: no imaging library needed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 255 // width, y * 255 // height, 128)) for x in range(width))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def spans(record: dict[str, Any]) -> list[tuple[int, int]]:
    return [(f["index"]["byteStart"], f["index"]["byteEnd"]) for f in record["facets"]]


class TestOnTheReferencePds:
    __test__ = BACKEND == "embedded"  # collected once: see the module docstring

    def test_an_app_password_connects_and_the_did_document_names_the_pds(
        self, alice: Alice
    ) -> None:
        creds = alice.account.credentials
        assert set(creds) == {"access_jwt", "refresh_jwt", "did", "service_url"}
        assert creds["did"] == alice.did and alice.did.startswith("did:plc:")
        assert creds["service_url"] == alice.pds.url
        assert alice.account.handle == alice.pds_account.handle

    def test_a_wrong_app_password_is_refused_in_the_pds_words(self, alice: Alice) -> None:
        with pytest.raises(AuthExpired) as refused:
            alice.adapter.connect_with_password(
                service_url=alice.pds.url, identifier=alice.account.handle, password="wrong"
            )
        assert refused.value.platform_message == "Invalid identifier or password"

    def test_facets_after_emoji_accents_and_cjk_have_the_exact_byte_offsets(
        self, alice: Alice, bob: PdsAccount
    ) -> None:
        text = (
            "Héllo @bob.test 👋 voir https://example.com/a?x=1 #café 東京 #日本語タグ "
            "@nobody.test 👩‍👩‍👧🇫🇷 https://exämple.org/ü?q=✓ #タグ😀"
        )
        published = alice.adapter.publish(
            alice.account, PostContent(text), idempotency_key="facets"
        )
        stored = alice.pds.post(published.external_id)
        record = stored["value"]
        assert stored["uri"] == published.external_id
        assert record["text"] == text
        encoded = text.encode()
        assert spans(record) == [(7, 16), (27, 52), (53, 59), (67, 83), (124, 153), (154, 165)]
        assert [encoded[a:b].decode() for a, b in spans(record)] == [
            "@bob.test",
            "https://example.com/a?x=1",
            "#café",
            "#日本語タグ",
            "https://exämple.org/ü?q=✓",
            "#タグ😀",
        ]
        assert [f["features"] for f in record["facets"]] == [
            [{"$type": f"{FACET}#mention", "did": bob.did}],
            [{"$type": f"{FACET}#link", "uri": "https://example.com/a?x=1"}],
            [{"$type": f"{FACET}#tag", "tag": "café"}],
            [{"$type": f"{FACET}#tag", "tag": "日本語タグ"}],
            [{"$type": f"{FACET}#link", "uri": "https://exämple.org/ü?q=✓"}],
            [{"$type": f"{FACET}#tag", "tag": "タグ😀"}],
        ]

    def test_an_image_is_stored_as_a_blob_with_its_alt_text_and_aspect_ratio(
        self, alice: Alice, tmp_path: Path
    ) -> None:
        data = png(24, 16)
        path = tmp_path / "gradient.png"
        path.write_bytes(data)
        photo = MediaFile(
            path, "image/png", len(data), alt_text="A gradient, 日本 🌅", width=24, height=16
        )
        published = alice.adapter.publish(
            alice.account, PostContent("A picture 📷", media=(photo,)), idempotency_key="img"
        )
        record = alice.pds.post(published.external_id)["value"]
        assert record["embed"]["$type"] == "app.bsky.embed.images"
        [image] = record["embed"]["images"]
        assert image["alt"] == "A gradient, 日本 🌅"
        assert image["aspectRatio"] == {"width": 24, "height": 16}
        blob = image["image"]
        assert blob["$type"] == "blob" and blob["mimeType"] == "image/png"
        assert blob["size"] == len(data) and blob["ref"]["$link"].startswith("bafkrei")
        assert alice.pds.blob(alice.did, blob["ref"]["$link"]) == data

    def test_a_thread_and_first_comment_are_replies_in_order(self, alice: Alice) -> None:
        content = PostContent(
            "1/3 Un fil 🧵", thread=("2/3 続き", "3/3 fin ✅"), first_comment="Links → here"
        )
        published = alice.adapter.publish(alice.account, content, idempotency_key="thread")
        root, second, third, comment = (
            alice.pds.post(uri) for uri in (published.external_id, *published.part_ids)
        )
        assert [p["value"]["text"] for p in (root, second, third, comment)] == [
            "1/3 Un fil 🧵",
            "2/3 続き",
            "3/3 fin ✅",
            "Links → here",
        ]
        root_ref = {"uri": root["uri"], "cid": root["cid"]}
        assert "reply" not in root["value"]
        assert second["value"]["reply"] == {"root": root_ref, "parent": root_ref}
        assert third["value"]["reply"] == {
            "root": root_ref,
            "parent": {"uri": second["uri"], "cid": second["cid"]},
        }
        assert comment["value"]["reply"] == {"root": root_ref, "parent": root_ref}

    def test_publishing_again_with_the_same_key_adds_nothing(self, alice: Alice) -> None:
        content = PostContent("Exactly once ☝️", thread=("and its part",), first_comment="note")
        first = alice.adapter.publish(alice.account, content, idempotency_key="once")
        records = alice.posts()
        again = alice.adapter.publish(alice.account, content, idempotency_key="once")
        assert again == first
        assert alice.posts() == records and len(records) == 3
        rkey = record_key("once")
        assert first.external_id == f"at://{alice.did}/app.bsky.feed.post/{rkey}"

    def test_301_graphemes_are_rejected_with_the_pds_message(self, alice: Alice) -> None:
        with pytest.raises(Rejected) as rejected:
            alice.adapter.publish(alice.account, PostContent("é" * 301), idempotency_key="long")
        message = (
            "Invalid app.bsky.feed.post record: grapheme too big (maximum 300, got 301) "
            "at $.record.text"
        )
        assert rejected.value.platform_message == message
        assert rejected.value.code == "InvalidRequest" and rejected.value.http_status == 400
        assert alice.posts() == []

    def test_the_limits_are_300_graphemes_and_3000_bytes_as_validate_says(
        self, alice: Alice
    ) -> None:
        fits = PostContent("👋" * 300)  # 300 graphemes, 1,200 bytes
        published = alice.adapter.publish(alice.account, fits, idempotency_key="fits")
        assert alice.pds.post(published.external_id)["value"]["text"] == fits.text
        assert alice.adapter.validate(fits) == []

        family = PostContent("👩‍👩‍👧" * 300)  # 300 graphemes, 1,500 code points, 5,400 bytes
        with pytest.raises(Rejected) as rejected:
            alice.adapter.publish(alice.account, family, idempotency_key="family")
        assert rejected.value.platform_message == (
            "Invalid app.bsky.feed.post record: string too big (maximum 3000, got 5400) "
            "at $.record.text"
        )
        assert [p.code for p in alice.adapter.validate(family)] == ["text_too_long"]
        assert len(alice.posts()) == 1

    def test_find_published_then_delete(self, alice: Alice) -> None:
        content = PostContent("Find me, then delete me 🗑️", first_comment="me too")
        assert alice.adapter.find_published(alice.account, content, idempotency_key="fd") is None
        published = alice.adapter.publish(alice.account, content, idempotency_key="fd")
        found = alice.adapter.find_published(alice.account, content, idempotency_key="fd")
        assert found == published
        assert isinstance(found, Published) and len(found.part_ids) == 1

        alice.adapter.delete(alice.account, published.external_id)

        gone = alice.pds.get_record(published.external_id)
        assert gone.status_code == 400 and gone.json()["error"] == "RecordNotFound"
        assert alice.adapter.find_published(alice.account, content, idempotency_key="fd") is None
        assert [r["uri"] for r in alice.posts()] == list(published.part_ids)
