"""The Mastodon adapter against the Mastodon emulator, a real server on loopback."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from socialmuse.emulators.base import EmulatorServer, Fault, free_port
from socialmuse.emulators.mastodon import MastodonEmulator
from socialmuse.models.enums import Platform
from socialmuse.platforms.base import (
    AccountContext,
    AuthExpired,
    MediaFile,
    OutcomeUnknown,
    PostContent,
    RateLimited,
    Rejected,
    Transient,
)
from socialmuse.platforms.mastodon import MastodonAdapter
from socialmuse.platforms.mastodon_api import same_text

STATUSES = "/api/v1/statuses"


@pytest.fixture()
def mastodon() -> Iterator[MastodonEmulator]:
    emulator = MastodonEmulator(video_polls=2)
    with EmulatorServer(emulator):
        yield emulator


@pytest.fixture()
def adapter() -> Iterator[MastodonAdapter]:
    with httpx.Client(timeout=5.0) as client:
        yield MastodonAdapter(client, media_poll_interval=0.0)


def connect(mastodon: MastodonEmulator, username: str = "alice", **kwargs: int) -> AccountContext:
    account, token = mastodon.create_account(username, **kwargs)
    return AccountContext(
        platform=Platform.MASTODON,
        external_id=account.id,
        handle=f"{username}@{urlsplit(mastodon.base_url).netloc}",
        base_url=mastodon.base_url,
        credentials={"access_token": token},
    )


def challenge_for(verifier: str) -> str:
    """PKCE S256 as a client derives it (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def media_file(tmp_path: Path, name: str, content_type: str, alt: str = "") -> MediaFile:
    path = tmp_path / name
    path.write_bytes(b"\x00" * 2048)
    return MediaFile(path=path, content_type=content_type, size_bytes=2048, alt_text=alt)


# Publishing


def test_publish_returns_the_status_id_and_its_permalink(mastodon, adapter) -> None:
    alice = connect(mastodon)

    published = adapter.publish(alice, PostContent(text="Hello, fediverse!"), idempotency_key="k1")

    assert published.external_id.isdigit() and len(published.external_id) >= 17
    assert published.permalink == f"{mastodon.base_url}/@alice/{published.external_id}"
    [sent] = mastodon.requests("POST", STATUSES)
    assert sent.headers["idempotency-key"] == "k1" and sent.json()["status"] == "Hello, fediverse!"
    assert mastodon.statuses[published.external_id].text == "Hello, fediverse!"


def test_a_link_counts_as_23_characters_like_mastodon_counts_it(mastodon, adapter) -> None:
    alice = connect(mastodon)
    text = "a" * 470 + " https://example.com/" + "long-path/" * 20

    published = adapter.publish(alice, PostContent(text=text), idempotency_key="k-link")

    assert mastodon.status_count() == 1
    status = httpx.get(f"{mastodon.base_url}{STATUSES}/{published.external_id}").json()
    assert same_text(status, text)


def test_over_long_text_is_rejected_in_mastodons_own_words(mastodon, adapter) -> None:
    alice = connect(mastodon)

    with pytest.raises(Rejected) as refused:
        adapter.publish(alice, PostContent(text="x" * 501), idempotency_key="k-long")

    assert refused.value.http_status == 422
    assert refused.value.platform_message == (
        "Validation failed: Text character limit of 500 exceeded"
    )
    assert "Mastodon refused the post" in refused.value.message
    assert mastodon.status_count() == 0


def test_a_revoked_token_means_reconnect(mastodon, adapter) -> None:
    alice = connect(mastodon)
    mastodon.revoke_token(alice.credentials["access_token"])

    with pytest.raises(AuthExpired) as expired:
        adapter.publish(alice, PostContent(text="Still there?"), idempotency_key="k-auth")
    assert expired.value.platform_message == "The access token is invalid"
    assert "Reconnect" in expired.value.message

    with pytest.raises(AuthExpired):  # Mastodon tokens have no refresh grant
        adapter.refresh(alice)


def test_rate_limit_gives_the_reset_time_mastodon_sent(adapter) -> None:
    start = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
    mastodon = MastodonEmulator(status_limit=2, clock=lambda: start)
    with EmulatorServer(mastodon):
        alice = connect(mastodon)
        for n in range(2):
            adapter.publish(alice, PostContent(text=f"post {n}"), idempotency_key=f"k{n}")

        with pytest.raises(RateLimited) as limited:
            adapter.publish(alice, PostContent(text="one too many"), idempotency_key="k2")

        answer = httpx.post(
            f"{mastodon.base_url}{STATUSES}",
            data={"status": "by hand"},
            headers={"Authorization": f"Bearer {alice.credentials['access_token']}"},
        )
    assert answer.status_code == 429 and answer.json() == {"error": "Too many requests"}
    assert answer.headers["X-RateLimit-Reset"] == "2026-03-01T12:30:15.123456Z"
    assert answer.headers["X-RateLimit-Remaining"] == "0"
    assert limited.value.retry_at == start + timedelta(hours=3)
    assert limited.value.platform_message == "Too many requests"
    assert mastodon.status_count() == 2


# No duplicates, no losses


def test_retry_with_the_same_key_creates_no_duplicate(mastodon, adapter) -> None:
    alice = connect(mastodon)
    content = PostContent(text="Only once, please")

    first = adapter.publish(alice, content, idempotency_key="same-key")
    again = adapter.publish(alice, content, idempotency_key="same-key")

    assert again == first
    assert len(mastodon.requests("POST", STATUSES)) == 2
    assert mastodon.status_count() == 1


def test_error_after_save_is_unknown_and_reconcile_finds_the_post(mastodon, adapter) -> None:
    alice = connect(mastodon)
    content = PostContent(text="Saved, but the answer was lost")
    mastodon.inject(Fault("POST", STATUSES, "error_after_save"))

    with pytest.raises(OutcomeUnknown):
        adapter.publish(alice, content, idempotency_key="k-500")
    assert mastodon.status_count() == 1

    found = adapter.find_published(alice, content, idempotency_key="k-500")

    [saved] = mastodon.statuses.values()
    assert found is not None and found.external_id == saved.id
    assert found.permalink == f"{mastodon.base_url}/@alice/{saved.id}"
    assert mastodon.status_count() == 1


def test_timeout_after_save_is_unknown_and_reconcile_finds_the_post(mastodon) -> None:
    alice = connect(mastodon)
    content = PostContent(text="Slow instance today")
    mastodon.inject(Fault("POST", STATUSES, "timeout_after_save", delay=1.5))
    with httpx.Client(timeout=httpx.Timeout(5.0, read=0.3)) as impatient:
        adapter = MastodonAdapter(impatient)

        with pytest.raises(OutcomeUnknown) as unknown:
            adapter.publish(alice, content, idempotency_key="k-slow")
        assert unknown.value.code == "no_answer"

        found = adapter.find_published(alice, content, idempotency_key="k-slow")

    assert found is not None and mastodon.status_count() == 1


def test_a_5xx_before_saving_is_unknown_and_reconcile_finds_nothing(mastodon, adapter) -> None:
    alice = connect(mastodon)
    content = PostContent(text="Never arrived")
    mastodon.inject(Fault("POST", STATUSES, "status", status=503))

    with pytest.raises(OutcomeUnknown) as unknown:
        adapter.publish(alice, content, idempotency_key="k-503")
    assert unknown.value.http_status == 503

    assert adapter.find_published(alice, content, idempotency_key="k-503") is None


def test_an_older_post_with_the_same_words_is_not_taken_for_this_one(mastodon, adapter) -> None:
    alice = connect(mastodon)
    account = mastodon.accounts[alice.external_id]
    real_clock = mastodon.clock
    mastodon.clock = lambda: real_clock() - timedelta(days=3)
    mastodon.post_status(account, {"status": "Good morning!"})
    mastodon.clock = real_clock

    found = adapter.find_published(alice, PostContent(text="Good morning!"), idempotency_key="k")

    assert found is None


def test_connection_refused_is_transient(adapter) -> None:
    nowhere = AccountContext(
        platform=Platform.MASTODON,
        external_id="1",
        handle="alice@nowhere",
        base_url=f"http://127.0.0.1:{free_port()}",
        credentials={"access_token": "t"},
    )

    with pytest.raises(Transient):
        adapter.publish(nowhere, PostContent(text="Hello?"), idempotency_key="k")


# Media, threads, first comments


def test_images_upload_at_once_and_are_attached(mastodon, adapter, tmp_path) -> None:
    alice = connect(mastodon)
    photos = (
        media_file(tmp_path, "a.png", "image/png", alt="A sunrise"),
        media_file(tmp_path, "b.jpg", "image/jpeg"),
    )

    published = adapter.publish(
        alice, PostContent(text="Two photos", media=photos), idempotency_key="k-img"
    )

    status = mastodon.statuses[published.external_id]
    assert len(status.media_ids) == 2
    assert [mastodon.media[m].description for m in status.media_ids] == ["A sunrise", None]
    assert mastodon.requests("GET", "/api/v1/media/") == []


def test_a_video_is_polled_until_processed_then_attached(mastodon, adapter, tmp_path) -> None:
    alice = connect(mastodon)
    clip = media_file(tmp_path, "clip.mp4", "video/mp4")

    published = adapter.publish(
        alice, PostContent(text="A clip", media=(clip,)), idempotency_key="k-vid"
    )

    [upload] = mastodon.requests("POST", "/api/v2/media")
    polls = mastodon.requests("GET", "/api/v1/media/")
    assert upload.status == 202
    assert [p.status for p in polls] == [206, 206, 200]
    [media_id] = mastodon.statuses[published.external_id].media_ids
    assert mastodon.media[media_id].kind == "video"


def test_unprocessed_media_cannot_be_attached(mastodon) -> None:
    alice = connect(mastodon)
    auth = {"Authorization": f"Bearer {alice.credentials['access_token']}"}
    upload = httpx.post(
        f"{mastodon.base_url}/api/v2/media",
        files={"file": ("clip.mp4", b"\x00" * 64, "video/mp4")},
        headers=auth,
    )

    answer = httpx.post(
        f"{mastodon.base_url}{STATUSES}",
        json={"status": "too soon", "media_ids": [upload.json()["id"]]},
        headers=auth,
    )

    assert upload.status_code == 202 and upload.json()["url"] is None
    assert answer.status_code == 422
    assert answer.json()["error"].startswith("Cannot attach files that have not finished")


def test_thread_parts_and_first_comment_are_chained_replies(mastodon, adapter) -> None:
    alice = connect(mastodon)
    content = PostContent(
        text="1/3 A story",
        thread=("2/3 goes on", "3/3 ends"),
        first_comment="Link in the first comment",
    )

    published = adapter.publish(alice, content, idempotency_key="k-thread")

    second, third, comment = published.part_ids
    statuses = mastodon.statuses
    assert statuses[second].in_reply_to_id == published.external_id
    assert statuses[third].in_reply_to_id == second
    assert statuses[comment].in_reply_to_id == published.external_id
    keys = [r.headers["idempotency-key"] for r in mastodon.requests("POST", STATUSES)]
    assert keys == ["k-thread", "k-thread:part1", "k-thread:part2", "k-thread:comment"]


def test_a_refused_later_part_leaves_the_outcome_for_reconcile(mastodon, adapter) -> None:
    alice = connect(mastodon)
    content = PostContent(text="Starts fine", thread=("y" * 501,))

    with pytest.raises(OutcomeUnknown) as unknown:
        adapter.publish(alice, content, idempotency_key="k-part")

    assert unknown.value.code == "partly_published"
    assert "Text character limit of 500 exceeded" in (unknown.value.platform_message or "")
    assert mastodon.status_count() == 1


def test_reconcile_completes_a_thread_cut_short_without_duplicating(mastodon, adapter) -> None:
    alice = connect(mastodon)
    content = PostContent(text="Part one", thread=("Part two", "Part three"))
    account = mastodon.accounts[alice.external_id]
    root = mastodon.post_status(account, {"status": "Part one"}, idempotency_key="k-cut")
    mastodon.post_status(
        account,
        {"status": "Part two", "in_reply_to_id": root.id},
        idempotency_key="k-cut:part1",
    )

    found = adapter.find_published(alice, content, idempotency_key="k-cut")

    assert found is not None and found.external_id == root.id
    two, three = found.part_ids
    assert mastodon.statuses[three].in_reply_to_id == two
    assert mastodon.statuses[three].text == "Part three"
    assert mastodon.status_count() == 3


# Connecting


def test_oauth_app_registration_and_pkce_exchange_round_trip(mastodon, adapter) -> None:
    mastodon.create_account("carol", followers=12)
    redirect = "http://localhost:3000/oauth/mastodon/callback"
    app = adapter.register_app(mastodon.base_url, redirect)
    verifier = "v" * 64

    url = adapter.authorization_url(
        redirect_uri=redirect,
        state="state-123",
        code_challenge=challenge_for(verifier),
        instance_url=mastodon.base_url,
        client_id=app["client_id"],
    )
    approval = httpx.get(url, follow_redirects=False)
    landing = urlsplit(approval.headers["location"])
    query = parse_qs(landing.query)
    assert approval.status_code == 302 and landing.path == "/oauth/mastodon/callback"
    assert query["state"] == ["state-123"]

    connected = adapter.exchange_code(
        code=query["code"][0],
        redirect_uri=redirect,
        code_verifier=verifier,
        instance_url=mastodon.base_url,
        **app,
    )

    carol = mastodon.account_by_username("carol")
    assert carol is not None and connected.external_id == carol.id
    assert connected.handle == f"carol@{urlsplit(mastodon.base_url).netloc}"
    assert connected.token_expires_at is None
    assert connected.credentials["client_id"] == app["client_id"]
    token = mastodon.tokens[connected.credentials["access_token"]]
    assert "write:statuses" in token.scopes


def test_a_wrong_pkce_verifier_is_refused(mastodon, adapter) -> None:
    redirect = "http://localhost:3000/cb"
    app = adapter.register_app(mastodon.base_url, redirect)
    url = adapter.authorization_url(
        redirect_uri=redirect,
        state="s",
        code_challenge=challenge_for("right-verifier-" * 4),
        instance_url=mastodon.base_url,
        client_id=app["client_id"],
    )
    code = parse_qs(urlsplit(httpx.get(url).headers["location"]).query)["code"][0]

    with pytest.raises(Rejected) as refused:
        adapter.exchange_code(
            code=code,
            redirect_uri=redirect,
            code_verifier="wrong-verifier-" * 4,
            instance_url=mastodon.base_url,
            **app,
        )
    assert "invalid_grant" in (refused.value.platform_message or "")


def test_connect_with_a_pasted_token_learns_the_instance_limit(adapter) -> None:
    mastodon = MastodonEmulator(max_characters=1000)
    with EmulatorServer(mastodon):
        _, token = mastodon.create_account("dave")

        connected = adapter.connect_with_token(mastodon.base_url + "/", token)

    assert connected.credentials == {
        "access_token": token,
        "instance_url": mastodon.base_url,
        "max_characters": 1000,
    }
    long_text = PostContent(text="z" * 800)
    assert adapter.validate(long_text, instance_url=mastodon.base_url) == []
    assert [p.code for p in adapter.validate(long_text)] == ["text_too_long"]


# Metrics, comments, replies, deletes


def test_metrics_comments_reply_and_delete(mastodon, adapter) -> None:
    alice = connect(mastodon, followers=42, following=7)
    bob, _ = mastodon.create_account("bob")
    published = adapter.publish(
        alice,
        PostContent(text="What do you think?", first_comment="(context below)"),
        idempotency_key="k-talk",
    )
    bobs = mastodon.post_status(
        bob, {"status": "Looks great!", "in_reply_to_id": published.external_id}
    )
    mastodon.set_counters(published.external_id, favourites=7, reblogs=3)

    metrics = adapter.fetch_post_metrics(alice, published.external_id)
    assert (metrics.likes, metrics.shares, metrics.comments) == (7, 3, 2)
    assert metrics.impressions is None
    account_metrics = adapter.fetch_account_metrics(alice)
    assert (account_metrics.followers, account_metrics.following) == (42, 7)
    assert account_metrics.posts == 2

    [comment] = adapter.fetch_comments(alice, published.external_id)
    assert (comment.external_id, comment.author_handle, comment.text) == (
        bobs.id,
        "bob",
        "Looks great!",
    )
    later = comment.created_at + timedelta(seconds=1)
    assert adapter.fetch_comments(alice, published.external_id, since=later) == []

    answer = adapter.reply(alice, bobs.id, "Thank you!", idempotency_key="k-reply")
    assert mastodon.statuses[answer.external_id].in_reply_to_id == bobs.id

    adapter.delete(alice, answer.external_id)
    adapter.delete(alice, answer.external_id)  # already gone counts as deleted
    assert answer.external_id not in mastodon.statuses
