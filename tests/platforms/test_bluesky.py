"""Bluesky adapter stories against the Bluesky emulator on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from socialmuse.emulators.base import EmulatorServer, Fault, free_port
from socialmuse.emulators.bluesky import BlueskyEmulator
from socialmuse.models.enums import Platform
from socialmuse.platforms.base import (
    AccountContext,
    AuthExpired,
    ConnectedAccount,
    MediaFile,
    OutcomeUnknown,
    PostContent,
    PostMetrics,
    RateLimited,
    Rejected,
    Transient,
)
from socialmuse.platforms.bluesky import BlueskyAdapter
from socialmuse.platforms.bluesky_records import record_key

ALICE_PASSWORD = "abcd-efgh-ijkl-mnop"


@dataclass
class Bluesky:
    """The running emulator, an adapter on its own client, and alice's connected account."""

    emulator: BlueskyEmulator
    server: EmulatorServer
    adapter: BlueskyAdapter
    connected: ConnectedAccount
    account: AccountContext

    @property
    def url(self) -> str:
        return self.server.url


def account_context(connected: ConnectedAccount) -> AccountContext:
    return AccountContext(
        platform=Platform.BLUESKY,
        external_id=connected.external_id,
        handle=connected.handle,
        base_url=connected.credentials["service_url"],
        credentials=dict(connected.credentials),
    )


@pytest.fixture(scope="module")
def bluesky_server() -> Iterator[EmulatorServer]:
    with EmulatorServer(BlueskyEmulator()) as server:
        yield server


@pytest.fixture()
def bsky(bluesky_server: EmulatorServer) -> Iterator[Bluesky]:
    emulator = bluesky_server.emulator
    assert isinstance(emulator, BlueskyEmulator)
    emulator.reset()
    emulator.access_ttl, emulator.write_points = 2 * 3600, 5000
    emulator.create_account(
        "alice.test", ALICE_PASSWORD, display_name="Alice", followers=120, follows=80
    )
    with httpx.Client() as client:
        adapter = BlueskyAdapter(client)
        connected = adapter.connect_with_password(
            service_url=bluesky_server.url, identifier="alice.test", password=ALICE_PASSWORD
        )
        yield Bluesky(emulator, bluesky_server, adapter, connected, account_context(connected))


PUT = "/xrpc/com.atproto.repo.putRecord"


def image_file(tmp_path: Path, size: int = 2048, name: str = "cat.png") -> MediaFile:
    path = tmp_path / name
    path.write_bytes(b"\x89PNG" + bytes(size - 4))
    return MediaFile(path, "image/png", size, alt_text="A cat on a chair", width=800, height=600)


def test_connecting_with_an_app_password_keeps_tokens_did_and_the_pds(bsky: Bluesky) -> None:
    creds = bsky.connected.credentials
    assert set(creds) == {"access_jwt", "refresh_jwt", "did", "service_url"}
    assert creds["did"].startswith("did:plc:") and creds["service_url"] == bsky.url
    assert bsky.connected.handle == "alice.test" and bsky.connected.display_name == "Alice"
    assert bsky.connected.token_expires_at is not None
    assert bsky.connected.token_expires_at > datetime.now(UTC) + timedelta(days=89)


def test_a_wrong_app_password_is_refused_in_bluesky_words(bsky: Bluesky) -> None:
    with pytest.raises(AuthExpired) as refused:
        bsky.adapter.connect_with_password(
            service_url=bsky.url, identifier="alice.test", password="wrong"
        )
    assert refused.value.platform_message == "Invalid identifier or password"


def test_a_post_is_written_at_the_record_key_of_its_idempotency_key(bsky: Bluesky) -> None:
    published = bsky.adapter.publish(
        bsky.account, PostContent("Hello Bluesky"), idempotency_key="k-1"
    )
    did = bsky.account.credentials["did"]
    rkey = record_key("k-1")
    assert published.external_id == f"at://{did}/app.bsky.feed.post/{rkey}"
    assert published.permalink == f"https://bsky.app/profile/alice.test/post/{rkey}"
    [post] = bsky.emulator.posts("alice.test")
    assert post["text"] == "Hello Bluesky" and post["createdAt"].endswith("Z")
    assert [r.json()["rkey"] for r in bsky.emulator.requests("POST", PUT)] == [rkey]


def test_record_keys_are_valid_stable_tids() -> None:
    keys = {record_key(f"key-{i}") for i in range(200)}
    assert len(keys) == 200 and record_key("key-1") == record_key("key-1")
    for key in keys:
        assert len(key) == 13 and key[0] in "234567abcdefghij"
        assert set(key) <= set("234567abcdefghijklmnopqrstuvwxyz")


def test_links_mentions_and_tags_get_utf8_byte_offsets(bsky: Bluesky) -> None:
    bsky.emulator.create_account("bob.test", "pw-bob")
    text = "Héllo @bob.test 👋 voir https://example.com/a?x=1 #café 東京 #日本語タグ @nobody.test"
    published = bsky.adapter.publish(bsky.account, PostContent(text), idempotency_key="facets")
    [post] = bsky.emulator.posts("alice.test")
    assert post["uri"] == published.external_id
    encoded = text.encode()
    spans = [(f["index"]["byteStart"], f["index"]["byteEnd"]) for f in post["facets"]]
    assert spans == [(7, 16), (27, 52), (53, 59), (67, 83)]
    assert [encoded[a:b].decode() for a, b in spans] == [
        "@bob.test",
        "https://example.com/a?x=1",
        "#café",
        "#日本語タグ",
    ]
    features = [f["features"][0] for f in post["facets"]]
    bob = bsky.emulator.store.find_account("bob.test")
    assert bob is not None
    assert features == [
        {"$type": "app.bsky.richtext.facet#mention", "did": bob.did},
        {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/a?x=1"},
        {"$type": "app.bsky.richtext.facet#tag", "tag": "café"},
        {"$type": "app.bsky.richtext.facet#tag", "tag": "日本語タグ"},
    ]


def test_an_image_is_uploaded_raw_and_embedded_with_alt_and_aspect_ratio(
    bsky: Bluesky, tmp_path: Path
) -> None:
    photo = image_file(tmp_path)
    bsky.adapter.publish(bsky.account, PostContent("A cat", media=(photo,)), idempotency_key="img")
    [upload] = bsky.emulator.requests("POST", "/xrpc/com.atproto.repo.uploadBlob")
    assert upload.headers["content-type"] == "image/png"
    assert upload.body == photo.path.read_bytes()
    [post] = bsky.emulator.posts("alice.test")
    [image] = post["embed"]["images"]
    assert post["embed"]["$type"] == "app.bsky.embed.images"
    assert image["alt"] == "A cat on a chair"
    assert image["aspectRatio"] == {"width": 800, "height": 600}
    assert image["image"]["ref"]["$link"].startswith("bafkrei")
    assert image["image"]["mimeType"] == "image/png" and image["image"]["size"] == 2048


def test_an_image_over_two_megabytes_is_rejected_with_the_pds_message(
    bsky: Bluesky, tmp_path: Path
) -> None:
    big = image_file(tmp_path, size=2_000_001, name="big.png")
    with pytest.raises(Rejected) as rejected:
        bsky.adapter.publish(bsky.account, PostContent("big", media=(big,)), idempotency_key="big")
    assert rejected.value.code == "BlobTooLarge"
    assert "This file is too large" in (rejected.value.platform_message or "")
    assert bsky.emulator.post_count("alice.test") == 0


def test_text_over_300_graphemes_is_rejected_with_the_server_message(bsky: Bluesky) -> None:
    with pytest.raises(Rejected) as rejected:
        bsky.adapter.publish(bsky.account, PostContent("é" * 301), idempotency_key="long")
    message = (
        "Invalid app.bsky.feed.post record: grapheme too big (maximum 300, got 301) "
        "at $.record.text"
    )
    assert rejected.value.platform_message == message
    assert rejected.value.code == "InvalidRequest" and rejected.value.http_status == 400
    assert message in str(rejected.value)
    assert bsky.emulator.post_count("alice.test") == 0


def test_an_expired_access_token_is_refreshed_once_and_the_post_goes_out(bsky: Bluesky) -> None:
    old_access = bsky.account.credentials["access_jwt"]
    bsky.emulator.advance(2 * 3600 + 1)
    bsky.adapter.publish(bsky.account, PostContent("after a nap"), idempotency_key="nap")
    assert bsky.emulator.post_count("alice.test") == 1
    assert len(bsky.emulator.requests("POST", "/xrpc/com.atproto.server.refreshSession")) == 1
    assert bsky.account.credentials_changed
    assert bsky.account.credentials["access_jwt"] != old_access


def test_a_refused_refresh_means_the_account_must_reconnect(bsky: Bluesky) -> None:
    bsky.emulator.advance(2 * 3600 + 1)
    bsky.emulator.revoke_sessions("alice.test")
    with pytest.raises(AuthExpired) as expired:
        bsky.adapter.publish(bsky.account, PostContent("nope"), idempotency_key="revoked")
    assert expired.value.platform_message == "Token has been revoked"
    assert "reconnect" in str(expired.value)
    assert bsky.emulator.post_count("alice.test") == 0


def test_refresh_gives_a_new_pair_and_the_refresh_token_expiry(bsky: Bluesky) -> None:
    renewed = bsky.adapter.refresh(bsky.account)
    assert renewed.credentials["refresh_jwt"] == bsky.account.credentials["refresh_jwt"]
    assert renewed.credentials["refresh_jwt"] != bsky.connected.credentials["refresh_jwt"]
    assert renewed.token_expires_at is not None


def test_out_of_write_points_is_rate_limited_until_the_reset_header(bsky: Bluesky) -> None:
    bsky.emulator.write_points = 2  # one putRecord (2 points) per window
    bsky.adapter.publish(bsky.account, PostContent("one"), idempotency_key="rl-1")
    with pytest.raises(RateLimited) as limited:
        bsky.adapter.publish(bsky.account, PostContent("two"), idempotency_key="rl-2")
    budget = bsky.emulator.store.budgets[bsky.account.credentials["did"]]
    reset = budget.window_start + bsky.emulator.write_window
    assert limited.value.retry_at == datetime.fromtimestamp(reset, UTC)
    assert limited.value.platform_message == "Rate Limit Exceeded"
    assert bsky.emulator.post_count("alice.test") == 1


@pytest.mark.parametrize("kind", ["error_after_save", "timeout_after_save"])
def test_a_post_saved_without_an_answer_is_found_and_never_duplicated(
    bsky: Bluesky, kind: str
) -> None:
    adapter = BlueskyAdapter(timeout=httpx.Timeout(5.0, read=0.5))
    bsky.emulator.inject(Fault("POST", PUT, kind, delay=1.0))  # type: ignore[arg-type]
    content = PostContent("Exactly once")
    with pytest.raises(OutcomeUnknown):
        adapter.publish(bsky.account, content, idempotency_key="once")
    assert bsky.emulator.post_count("alice.test") == 1

    found = adapter.find_published(bsky.account, content, idempotency_key="once")
    again = adapter.publish(bsky.account, content, idempotency_key="once")

    assert found is not None and again.external_id == found.external_id
    assert bsky.emulator.post_count("alice.test") == 1
    assert len(bsky.emulator.requests("POST", PUT)) == 1


def test_nothing_published_yet_is_not_found(bsky: Bluesky) -> None:
    assert bsky.adapter.find_published(bsky.account, PostContent("x"), idempotency_key="no") is None


def test_a_server_error_on_the_write_is_an_unknown_outcome(bsky: Bluesky) -> None:
    bsky.emulator.inject(
        Fault(
            "POST",
            PUT,
            "status",
            status=502,
            body={"error": "UpstreamFailure", "message": "Upstream Failure"},
        )
    )
    with pytest.raises(OutcomeUnknown) as unknown:
        bsky.adapter.publish(bsky.account, PostContent("x"), idempotency_key="502")
    assert unknown.value.platform_message == "Upstream Failure"


def test_a_refused_connection_is_transient(bsky: Bluesky) -> None:
    bsky.account.credentials["service_url"] = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(Transient):
        bsky.adapter.publish(bsky.account, PostContent("x"), idempotency_key="down")


def test_a_thread_and_first_comment_are_replies_in_order(bsky: Bluesky) -> None:
    content = PostContent(
        "1/3 A thread", thread=("2/3 more", "3/3 end"), first_comment="Links in here"
    )
    published = bsky.adapter.publish(bsky.account, content, idempotency_key="thread")
    posts = {p["text"]: p for p in bsky.emulator.posts("alice.test")}
    root, second, third, comment = (
        posts[t] for t in ("1/3 A thread", "2/3 more", "3/3 end", "Links in here")
    )
    assert published.external_id == root["uri"]
    assert published.part_ids == (second["uri"], third["uri"], comment["uri"])
    assert "reply" not in root
    assert second["reply"]["root"]["uri"] == root["uri"] == second["reply"]["parent"]["uri"]
    assert third["reply"]["root"]["uri"] == root["uri"]
    assert third["reply"]["parent"]["uri"] == second["uri"]
    assert comment["reply"]["parent"]["uri"] == root["uri"]
    assert bsky.adapter.find_published(bsky.account, content, idempotency_key="thread") == published


def test_a_half_written_thread_is_not_found_and_is_finished_without_repeats(
    bsky: Bluesky,
) -> None:
    first_only = bsky.adapter.publish(bsky.account, PostContent("1/2"), idempotency_key="half")
    content = PostContent("1/2", thread=("2/2",))
    assert bsky.adapter.find_published(bsky.account, content, idempotency_key="half") is None
    done = bsky.adapter.publish(bsky.account, content, idempotency_key="half")
    assert done.external_id == first_only.external_id and len(done.part_ids) == 1
    assert bsky.emulator.post_count("alice.test") == 2


def test_metrics_come_from_the_appview_counts(bsky: Bluesky) -> None:
    published = bsky.adapter.publish(bsky.account, PostContent("count me"), idempotency_key="m")
    bsky.emulator.set_counts(
        published.external_id, likes=5, reposts=2, quotes=1, replies=3, bookmarks=4
    )
    metrics = bsky.adapter.fetch_post_metrics(bsky.account, published.external_id)
    assert metrics == PostMetrics(likes=5, comments=3, shares=3, saves=4)
    account = bsky.adapter.fetch_account_metrics(bsky.account)
    assert (account.followers, account.following, account.posts) == (120, 80, 1)


def test_comments_replies_and_delete(bsky: Bluesky) -> None:
    published = bsky.adapter.publish(bsky.account, PostContent("talk to me"), idempotency_key="c")
    bsky.emulator.create_account("carol.test", "pw-carol")
    carol = bsky.emulator.add_post("carol.test", "Nice post!", reply_to=published.external_id)

    answer = bsky.adapter.reply(bsky.account, carol, "Thank you!", idempotency_key="answer")
    again = bsky.adapter.reply(bsky.account, carol, "Thank you!", idempotency_key="answer")

    assert again == answer
    comments = bsky.adapter.fetch_comments(bsky.account, published.external_id)
    assert [(c.author_handle, c.text, c.in_reply_to) for c in comments] == [
        ("carol.test", "Nice post!", published.external_id),
        ("alice.test", "Thank you!", carol),
    ]
    mine = next(p for p in bsky.emulator.posts("alice.test") if p["text"] == "Thank you!")
    assert mine["reply"]["root"]["uri"] == published.external_id
    later = bsky.adapter.fetch_comments(
        bsky.account, published.external_id, since=comments[1].created_at
    )
    assert later == []

    bsky.adapter.delete(bsky.account, published.external_id)
    assert published.external_id not in [p["uri"] for p in bsky.emulator.posts("alice.test")]
    with pytest.raises(Rejected):
        bsky.adapter.fetch_post_metrics(bsky.account, published.external_id)


def test_validate_applies_the_bluesky_text_rules(bsky: Bluesky) -> None:
    assert bsky.adapter.validate(PostContent("fine")) == []
    problems = bsky.adapter.validate(PostContent("x" * 301))
    assert problems and "Bluesky" in problems[0].message
