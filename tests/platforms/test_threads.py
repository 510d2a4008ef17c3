"""The Threads adapter against the Graph emulator: text, threads, replies, reconcile."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from socialmuse.emulators.base import EmulatorServer, Fault, free_port
from socialmuse.emulators.graph import GraphEmulator, graph_error_body
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
from socialmuse.platforms.threads import ThreadsAdapter

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def hosted(media: MediaFile) -> str:
    return f"https://media.socialmuse.example/{media.path.name}"


@pytest.fixture()
def graph() -> Iterator[GraphEmulator]:
    emulator = GraphEmulator(clock_start=START)
    with EmulatorServer(emulator):
        yield emulator


@pytest.fixture()
def adapter(graph: GraphEmulator) -> Iterator[ThreadsAdapter]:
    with httpx.Client(timeout=5.0) as client:
        yield ThreadsAdapter(
            client,
            media_url=hosted,
            app_id=graph.app_id,
            app_secret=graph.app_secret,
            graph_host=graph.base_url,
            login_url=graph.base_url,
            clock=graph.now,
            sleep=lambda _: None,
        )


def connect(graph: GraphEmulator, username: str = "bakery", **kwargs: int) -> AccountContext:
    user, token = graph.create_threads_user(username, **kwargs)
    return AccountContext(
        Platform.THREADS, user.id, username, graph.base_url, {"access_token": token}
    )


def image(tmp_path: Path, name: str) -> MediaFile:
    path = tmp_path / name
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    return MediaFile(path=path, content_type="image/png", size_bytes=72)


def test_a_thread_is_a_chain_of_replies_with_a_first_comment(graph, adapter) -> None:
    me = connect(graph)

    published = adapter.publish(
        me,
        PostContent(text="1/ Why rye?", thread=("2/ Flavour", "3/ Keeps"), first_comment="Recipe"),
        idempotency_key="k1",
    )

    root = graph.items[published.external_id]
    part2, part3, comment = (graph.items[i] for i in published.part_ids)
    assert root.text == "1/ Why rye?" and root.reply_to_id is None
    assert (part2.reply_to_id, part3.reply_to_id, comment.reply_to_id) == (
        root.id,
        part2.id,
        root.id,
    )
    assert published.permalink == f"https://www.threads.net/@bakery/post/{root.shortcode}"
    assert graph.post_count(me.external_id) == 1


def test_a_carousel_of_images(graph, adapter, tmp_path) -> None:
    me = connect(graph)
    media = (image(tmp_path, "a.png"), image(tmp_path, "b.png"))

    published = adapter.publish(me, PostContent("Two loaves", media), idempotency_key="k1")

    assert graph.items[published.external_id].media_type == "CAROUSEL_ALBUM"


def test_text_over_500_counting_emoji_as_bytes_is_refused(graph, adapter) -> None:
    me = connect(graph)
    text = "a" * 497 + "🍞"  # 497 + 4 bytes = 501

    assert [p.code for p in adapter.validate(PostContent(text))] == ["text_too_long"]
    with pytest.raises(Rejected) as refused:
        adapter.publish(me, PostContent(text), idempotency_key="k1")
    assert "at most 500 characters" in (refused.value.platform_message or "")


def test_an_expired_token_means_reconnect(graph, adapter) -> None:
    me = connect(graph)
    graph.expire_token(me.credentials["access_token"])

    with pytest.raises(AuthExpired) as expired:
        adapter.publish(me, PostContent("hi"), idempotency_key="k1")
    with pytest.raises(AuthExpired):
        adapter.refresh(me)
    assert expired.value.code == "graph_190"


def test_the_250_post_quota_is_a_rate_limit(tmp_path) -> None:
    graph = GraphEmulator(clock_start=START, threads_post_limit=1)
    with EmulatorServer(graph), httpx.Client(timeout=5.0) as client:
        adapter = ThreadsAdapter(client, graph_host=graph.base_url, clock=graph.now)
        me = connect(graph)
        adapter.publish(me, PostContent("one"), idempotency_key="k1")
        graph.advance(timedelta(hours=3))
        with pytest.raises(RateLimited) as limited:
            adapter.publish(me, PostContent("two"), idempotency_key="k2")

    assert limited.value.retry_at == START + timedelta(hours=24)
    assert graph.post_count() == 1


def test_lost_publish_answer_is_unknown_and_reconcile_completes_the_thread(graph, adapter) -> None:
    me = connect(graph)
    content = PostContent("Root post", thread=("Second part",))
    body = graph_error_body("An unexpected error has occurred.", 1)
    publish_path = f"/v1.0/{me.external_id}/threads_publish"
    graph.inject(Fault("POST", publish_path, "error_after_save", body=body))

    with pytest.raises(OutcomeUnknown):
        adapter.publish(me, content, idempotency_key="k1")
    assert graph.post_count(replies=True) == 1  # the root only

    found = adapter.find_published(me, content, idempotency_key="k1")
    again = adapter.find_published(me, content, idempotency_key="k1")

    assert found is not None and again == found and len(found.part_ids) == 1
    assert graph.post_count() == 1 and graph.post_count(replies=True) == 2


def test_connection_refused_is_transient() -> None:
    me = AccountContext(
        Platform.THREADS,
        "1",
        "bakery",
        f"http://127.0.0.1:{free_port()}",
        {"access_token": "THAA-x"},
    )
    with httpx.Client(timeout=2.0) as client, pytest.raises(Transient):
        ThreadsAdapter(client).publish(me, PostContent("hi"), idempotency_key="k")


def test_metrics_replies_and_delete(graph, adapter) -> None:
    me = connect(graph, followers=321)
    published = adapter.publish(me, PostContent("Poll: rye or spelt?"), idempotency_key="k1")
    graph.set_metrics(published.external_id, views=1000, likes=50, replies=2, reposts=3)
    visitor = graph.add_comment(published.external_id, "Spelt!", author="sam")

    metrics = adapter.fetch_post_metrics(me, published.external_id)
    [comment] = adapter.fetch_comments(me, published.external_id)
    answer = adapter.reply(me, visitor.id, "Noted!", idempotency_key="r1")

    assert (metrics.impressions, metrics.likes, metrics.comments, metrics.shares) == (
        1000,
        50,
        2,
        3,
    )
    assert (comment.author_handle, comment.text) == ("sam", "Spelt!")
    assert graph.items[answer.external_id].reply_to_id == visitor.id
    assert adapter.fetch_account_metrics(me).followers == 321
    adapter.delete(me, published.external_id)
    assert graph.post_count() == 0


def test_connecting_and_refreshing_a_threads_token(graph, adapter) -> None:
    user, _ = graph.create_threads_user("bakery")
    graph.authorize_as = user.id
    redirect = "http://localhost:3000/oauth/threads"
    url = adapter.authorization_url(redirect_uri=redirect, state="s", code_challenge="c")
    code = httpx.URL(httpx.get(url).headers["location"]).params["code"]

    connected = adapter.exchange_code(code=code, redirect_uri=redirect, code_verifier="v")
    me = AccountContext(
        Platform.THREADS,
        connected.external_id,
        connected.handle,
        graph.base_url,
        connected.credentials,
    )
    with pytest.raises(Rejected):  # not yet 24 h old
        adapter.refresh(me)
    graph.advance(timedelta(days=1))
    renewed = adapter.refresh(me)

    assert connected.handle == "bakery"
    assert renewed.token_expires_at == START + timedelta(days=61)
