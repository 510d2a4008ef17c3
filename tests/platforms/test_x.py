"""The X adapter against the X emulator, a real server on loopback."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from socialmuse.emulators.base import EmulatorServer, Fault, free_port
from socialmuse.emulators.x import XEmulator
from socialmuse.models.enums import Platform
from socialmuse.platforms.base import (
    AccountContext,
    Adapter,
    AuthExpired,
    MediaFile,
    OAuthConnect,
    OutcomeUnknown,
    PostContent,
    PostMetrics,
    RateLimited,
    Rejected,
    Transient,
)
from socialmuse.platforms.x import XAdapter

TWEETS = "/2/tweets"


@dataclass
class Sleeps:
    """An injected sleep: records the waits asked for, never waits."""

    asked: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)


@pytest.fixture()
def x() -> Iterator[XEmulator]:
    emulator = XEmulator(video_polls=2)
    with EmulatorServer(emulator):
        yield emulator


@pytest.fixture()
def sleeps() -> Sleeps:
    return Sleeps()


def make_adapter(x: XEmulator, client: httpx.Client, sleeps: Sleeps | None = None) -> XAdapter:
    app = x.default_client
    return XAdapter(
        client,
        client_id=app.client_id,
        client_secret=app.client_secret,
        api_url=x.base_url,
        authorize_url=f"{x.base_url}/i/oauth2/authorize",
        sleep=sleeps or Sleeps(),
    )


@pytest.fixture()
def adapter(x: XEmulator, sleeps: Sleeps) -> Iterator[XAdapter]:
    with httpx.Client(timeout=5.0) as client:
        yield make_adapter(x, client, sleeps)


def connect(x: XEmulator, username: str = "alice", **kwargs: int) -> AccountContext:
    user, tokens = x.create_user(username, **kwargs)
    return AccountContext(
        platform=Platform.X,
        external_id=user.id,
        handle=username,
        base_url=x.base_url,
        credentials={
            "access_token": tokens["access_token"],
            "refresh_token": tokens["refresh_token"],
        },
    )


def challenge_for(verifier: str) -> str:
    """PKCE S256 as a client derives it (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def media_file(
    tmp_path: Path, name: str, content_type: str, size: int = 2048, alt: str = ""
) -> MediaFile:
    path = tmp_path / name
    path.write_bytes(b"\x01" * size)
    return MediaFile(path=path, content_type=content_type, size_bytes=size, alt_text=alt)


def test_the_adapter_speaks_the_whole_protocol(adapter) -> None:
    assert isinstance(adapter, Adapter) and isinstance(adapter, OAuthConnect)


# Publishing


def test_publish_returns_a_snowflake_id_and_the_x_permalink(x, adapter) -> None:
    alice = connect(x)

    published = adapter.publish(alice, PostContent(text="Hello, X!"), idempotency_key="k1")

    assert published.external_id.isdigit() and len(published.external_id) == 19
    assert published.permalink == f"https://x.com/alice/status/{published.external_id}"
    [sent] = x.requests("POST", TWEETS)
    assert sent.json() == {"text": "Hello, X!"}
    assert x.tweets[published.external_id].text == "Hello, X!"


def test_over_long_text_is_refused_in_xs_own_words(x, adapter) -> None:
    alice = connect(x)
    content = PostContent(text="日本語" * 47)  # 141 CJK characters weigh 282

    assert [p.code for p in adapter.validate(content)] == ["text_too_long"]
    with pytest.raises(Rejected) as refused:
        adapter.publish(alice, content, idempotency_key="k-long")

    assert refused.value.http_status == 400
    assert refused.value.platform_message.startswith("Your Tweet text is too long.")
    assert "X refused the post" in refused.value.message
    assert x.tweet_count() == 0


def test_the_same_text_twice_is_refused_as_duplicate_and_final(x, adapter) -> None:
    alice = connect(x)
    adapter.publish(alice, PostContent(text="Only once"), idempotency_key="k1")

    with pytest.raises(Rejected) as refused:
        adapter.publish(alice, PostContent(text="Only once"), idempotency_key="k2")

    assert refused.value.code == "duplicate" and refused.value.http_status == 403
    assert refused.value.platform_message == (
        "You are not allowed to create a Tweet with duplicate content."
    )
    assert x.tweet_count() == 1


def test_an_expired_token_is_refreshed_once_and_the_post_goes_out(x, adapter) -> None:
    alice = connect(x)
    spent_refresh = alice.credentials["refresh_token"]
    x.advance(timedelta(hours=2, seconds=1))

    with pytest.raises(AuthExpired) as expired:
        adapter.publish(alice, PostContent(text="After lunch"), idempotency_key="k")
    assert expired.value.http_status == 401 and expired.value.platform_message == "Unauthorized"

    renewed = adapter.refresh(alice)
    published = adapter.publish(alice, PostContent(text="After lunch"), idempotency_key="k")

    assert alice.credentials_changed
    assert alice.credentials["refresh_token"] != spent_refresh
    assert renewed.credentials["access_token"] == alice.credentials["access_token"]
    assert renewed.token_expires_at is not None
    assert x.tweets[published.external_id].text == "After lunch"


def test_a_spent_refresh_token_means_reconnect(x, adapter) -> None:
    alice = connect(x)
    stale = AccountContext(**{**alice.__dict__, "credentials": dict(alice.credentials)})
    adapter.refresh(alice)

    with pytest.raises(AuthExpired) as refused:
        adapter.refresh(stale)

    assert refused.value.code == "refresh_refused"
    assert refused.value.platform_message == "Value passed for the token was invalid."
    assert "Reconnect" in refused.value.message


def test_rate_limit_retries_at_the_reset_x_sent(adapter) -> None:
    start = datetime(2026, 3, 1, 9, 30, 15, tzinfo=UTC)
    x = XEmulator(limits={"POST /2/tweets": 2}, clock=lambda: start)
    with EmulatorServer(x):
        alice = connect(x)
        adapter.api_url = x.base_url
        for n in range(2):
            adapter.publish(alice, PostContent(text=f"post {n}"), idempotency_key=f"k{n}")

        with pytest.raises(RateLimited) as limited:
            adapter.publish(alice, PostContent(text="one too many"), idempotency_key="k2")

        answer = httpx.post(
            f"{x.base_url}{TWEETS}",
            json={"text": "by hand"},
            headers={"Authorization": f"Bearer {alice.credentials['access_token']}"},
        )
    assert answer.status_code == 429
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["title"] == "Too Many Requests"
    assert answer.headers["x-rate-limit-remaining"] == "0"
    reset = int((start + timedelta(minutes=15)).timestamp())
    assert answer.headers["x-rate-limit-reset"] == str(reset)
    assert limited.value.retry_at == start + timedelta(minutes=15)
    assert x.tweet_count() == 2


# No duplicates, no losses


def test_error_after_save_is_unknown_and_reconcile_finds_the_post(x, adapter) -> None:
    alice = connect(x)
    content = PostContent(text="Saved, but the answer was lost")
    x.inject(Fault("POST", TWEETS, "error_after_save"))

    with pytest.raises(OutcomeUnknown):
        adapter.publish(alice, content, idempotency_key="k-500")
    assert x.tweet_count() == 1

    found = adapter.find_published(alice, content, idempotency_key="k-500")

    [saved] = x.tweets.values()
    assert found is not None and found.external_id == saved.id
    assert found.permalink == f"https://x.com/alice/status/{saved.id}"
    assert x.tweet_count() == 1


def test_timeout_after_save_is_unknown_and_reconcile_finds_the_post(x) -> None:
    alice = connect(x)
    content = PostContent(text="Slow X today & a link: https://example.com/a?b=1")
    x.inject(Fault("POST", TWEETS, "timeout_after_save", delay=1.5))
    with httpx.Client(timeout=httpx.Timeout(5.0, read=0.3)) as impatient:
        adapter = make_adapter(x, impatient)

        with pytest.raises(OutcomeUnknown) as unknown:
            adapter.publish(alice, content, idempotency_key="k-slow")
        assert unknown.value.code == "no_answer"

        found = adapter.find_published(alice, content, idempotency_key="k-slow")

    [saved] = x.tweets.values()
    assert "https://t.co/" in saved.shown and "&amp;" in saved.shown
    assert found is not None and found.external_id == saved.id
    assert x.tweet_count() == 1


def test_a_5xx_before_saving_is_unknown_and_reconcile_finds_nothing(x, adapter) -> None:
    alice = connect(x)
    content = PostContent(text="Never arrived")
    x.inject(Fault("POST", TWEETS, "status", status=503))

    with pytest.raises(OutcomeUnknown) as unknown:
        adapter.publish(alice, content, idempotency_key="k-503")
    assert unknown.value.http_status == 503

    assert adapter.find_published(alice, content, idempotency_key="k-503") is None


def test_an_older_post_with_the_same_words_is_not_taken_for_this_one(x, adapter) -> None:
    alice = connect(x)
    x.advance(timedelta(days=-3))
    adapter.publish(alice, PostContent(text="Good morning!"), idempotency_key="old")
    x.advance(timedelta(days=3))

    found = adapter.find_published(alice, PostContent(text="Good morning!"), idempotency_key="k")

    assert found is None


def test_connection_refused_is_transient(x, adapter) -> None:
    nowhere = AccountContext(
        platform=Platform.X,
        external_id="1",
        handle="alice",
        base_url=f"http://127.0.0.1:{free_port()}",
        credentials={"access_token": "t"},
    )

    with pytest.raises(Transient):
        adapter.publish(nowhere, PostContent(text="Hello?"), idempotency_key="k")


# Media, threads, first comments


def test_images_are_ready_at_finalize_and_carry_their_alt_text(
    x, adapter, sleeps, tmp_path
) -> None:
    alice = connect(x)
    photos = (
        media_file(tmp_path, "a.png", "image/png", alt="A sunrise"),
        media_file(tmp_path, "b.jpg", "image/jpeg"),
    )

    published = adapter.publish(
        alice, PostContent(text="Two photos", media=photos), idempotency_key="k-img"
    )

    keys = x.tweets[published.external_id].media_keys
    assert len(keys) == 2 and all(key.startswith("3_") for key in keys)
    assert [m.alt_text for m in x.media.values()] == ["A sunrise", None]
    assert x.requests("GET", "/2/media/upload") == [] and sleeps.asked == []


def test_a_video_is_polled_until_processed_without_really_sleeping(
    x, adapter, sleeps, tmp_path
) -> None:
    alice = connect(x)
    clip = media_file(tmp_path, "clip.mp4", "video/mp4", size=5 * 1024 * 1024)

    published = adapter.publish(
        alice, PostContent(text="A clip", media=(clip,)), idempotency_key="k-video"
    )

    [media] = x.media.values()
    assert media.state == "succeeded" and media.key.startswith("7_")
    assert sorted(media.segments) == [0, 1]  # 4 MB chunks
    assert x.tweets[published.external_id].media_keys == [media.key]
    assert len(x.requests("GET", "/2/media/upload")) == 2 and sleeps.asked == [1.0, 1.0]


def test_a_video_x_cannot_process_is_refused(x, adapter, tmp_path) -> None:
    alice = connect(x)
    x.fail_media_processing = True
    clip = media_file(tmp_path, "broken.mp4", "video/mp4")

    with pytest.raises(Rejected) as refused:
        adapter.publish(alice, PostContent(text="Broken", media=(clip,)), idempotency_key="k")

    assert refused.value.code == "media_failed"
    assert refused.value.platform_message == "Unsupported video format"
    assert x.tweet_count() == 0


def test_a_thread_is_a_reply_chain_and_the_first_comment_replies_to_the_first_post(
    x, adapter
) -> None:
    alice = connect(x)
    content = PostContent(text="1/ A thread", thread=("2/ more", "3/ end"), first_comment="Link")

    published = adapter.publish(alice, content, idempotency_key="k-thread")

    two, three, comment = (x.tweets[i] for i in published.part_ids)
    assert two.in_reply_to_tweet_id == published.external_id
    assert three.in_reply_to_tweet_id == two.id
    assert comment.in_reply_to_tweet_id == published.external_id and comment.text == "Link"
    assert {t.conversation_id for t in x.tweets.values()} == {published.external_id}


def test_a_thread_cut_short_is_completed_by_reconcile_without_reposting(x, sleeps) -> None:
    alice = connect(x)
    content = PostContent(text="Root", thread=("Second", "Third"))
    posts = 0

    def lose_the_second_answer(request: httpx.Request) -> None:
        nonlocal posts
        if request.method == "POST" and request.url.path == TWEETS:
            posts += 1
            if posts == 2:
                x.inject(Fault("POST", TWEETS, "error_after_save"))

    with httpx.Client(timeout=5.0, event_hooks={"request": [lose_the_second_answer]}) as client:
        adapter = make_adapter(x, client, sleeps)
        with pytest.raises(OutcomeUnknown) as unknown:
            adapter.publish(alice, content, idempotency_key="k")
        assert unknown.value.code == "partly_published" and x.tweet_count() == 2

        found = adapter.find_published(alice, content, idempotency_key="k")

    assert found is not None and len(found.part_ids) == 2
    assert [x.tweets[i].text for i in found.part_ids] == ["Second", "Third"]
    assert x.tweet_count() == 3


# Connecting


def test_oauth_with_pkce_connects_the_account(x, adapter) -> None:
    x.create_user("carol", name="Carol C.")
    verifier = "v" * 64
    redirect = "http://127.0.0.1/callback"

    url = adapter.authorization_url(
        redirect_uri=redirect, state="st-1", code_challenge=challenge_for(verifier)
    )
    query = parse_qs(urlsplit(url).query)
    assert query["scope"] == ["tweet.read tweet.write users.read media.write offline.access"]
    assert query["code_challenge_method"] == ["S256"]
    back = httpx.get(url, follow_redirects=False)
    returned = parse_qs(urlsplit(back.headers["location"]).query)
    assert back.status_code == 302 and returned["state"] == ["st-1"]

    with pytest.raises(Rejected) as wrong:
        adapter.exchange_code(
            code=returned["code"][0], redirect_uri=redirect, code_verifier="x" * 64
        )
    assert wrong.value.platform_message == "Value passed for the token was invalid."
    back = httpx.get(url, follow_redirects=False)
    code = parse_qs(urlsplit(back.headers["location"]).query)["code"][0]
    connected = adapter.exchange_code(code=code, redirect_uri=redirect, code_verifier=verifier)

    assert connected.handle == "carol" and connected.display_name == "Carol C."
    assert connected.external_id == x.user_by_username("carol").id
    assert {"access_token", "refresh_token", "expires_at"} <= set(connected.credentials)
    assert connected.token_expires_at is not None
    account = AccountContext(
        Platform.X, connected.external_id, connected.handle, x.base_url, connected.credentials
    )
    assert adapter.publish(account, PostContent(text="Connected!"), idempotency_key="k")


def test_a_public_client_sends_its_id_in_the_form_instead_of_basic_auth(x) -> None:
    app = x.create_client(confidential=False)
    user, tokens = x.create_user("dave", client=app)
    dave = AccountContext(
        Platform.X, user.id, "dave", x.base_url, {"refresh_token": tokens["refresh_token"]}
    )
    with httpx.Client(timeout=5.0) as client:
        adapter = XAdapter(client, client_id=app.client_id, api_url=x.base_url)

        adapter.refresh(dave)

    [sent] = x.requests("POST", "/2/oauth2/token")
    assert f"client_id={app.client_id}" in sent.body.decode()
    assert "authorization" not in sent.headers
    assert dave.credentials["access_token"] in x.tokens


# Metrics, comments, replies, deletion


def test_metrics_come_from_public_metrics(x, adapter) -> None:
    alice = connect(x, followers=42, following=7)
    published = adapter.publish(alice, PostContent(text="Count me"), idempotency_key="k")
    x.set_metrics(
        published.external_id,
        like_count=5,
        retweet_count=2,
        quote_count=1,
        reply_count=3,
        impression_count=120,
        bookmark_count=4,
    )

    metrics = adapter.fetch_post_metrics(alice, published.external_id)
    account = adapter.fetch_account_metrics(alice)

    assert metrics == PostMetrics(impressions=120, likes=5, comments=3, shares=3, saves=4)
    assert (account.followers, account.following, account.posts) == (42, 7, 1)


def test_comments_reply_and_delete(x, adapter) -> None:
    alice = connect(x)
    bob = connect(x, "bob")
    post = adapter.publish(
        alice, PostContent(text="Thoughts?", first_comment="Mine"), idempotency_key="k"
    )
    answer = adapter.reply(bob, post.external_id, "Love it <3", idempotency_key="b")

    comments = adapter.fetch_comments(alice, post.external_id)

    assert [(c.author_handle, c.text, c.in_reply_to) for c in comments] == [
        ("bob", "Love it <3", post.external_id)
    ]
    mine = adapter.reply(alice, answer.external_id, "Thanks!", idempotency_key="r")
    assert x.tweets[mine.external_id].in_reply_to_tweet_id == answer.external_id
    assert adapter.fetch_post_metrics(alice, post.external_id).comments == 2

    adapter.delete(alice, mine.external_id)
    adapter.delete(alice, mine.external_id)  # already gone counts as deleted
    with pytest.raises(Rejected) as not_hers:
        adapter.delete(alice, answer.external_id)
    assert not_hers.value.http_status == 403
    assert x.tweet_count() == 3
