"""The Facebook Pages adapter against the Graph emulator, a real server on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

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
from socialmuse.platforms.facebook import FacebookAdapter

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture()
def graph() -> Iterator[GraphEmulator]:
    emulator = GraphEmulator(clock_start=START)
    with EmulatorServer(emulator):
        yield emulator


@pytest.fixture()
def adapter(graph: GraphEmulator) -> Iterator[FacebookAdapter]:
    with httpx.Client(timeout=5.0) as client:
        yield FacebookAdapter(
            client,
            app_id=graph.app_id,
            app_secret=graph.app_secret,
            graph_host=graph.base_url,
            login_url=graph.base_url,
            clock=graph.now,
        )


def connect(graph: GraphEmulator, name: str = "Bakery", **kwargs: int) -> AccountContext:
    page, token = graph.create_page(name, **kwargs)
    return AccountContext(
        platform=Platform.FACEBOOK,
        external_id=page.id,
        handle=name,
        base_url=graph.base_url,
        credentials={"page_access_token": token},
    )


def photo(tmp_path: Path, name: str = "bread.jpg") -> MediaFile:
    path = tmp_path / name
    path.write_bytes(b"\xff\xd8\xff" + b"\x00" * 1024)
    return MediaFile(path=path, content_type="image/jpeg", size_bytes=1027)


def feed(page_id: str) -> str:
    return f"/v25.0/{page_id}/feed"


def test_a_text_post_gets_a_page_post_id_and_its_permalink(graph, adapter) -> None:
    page = connect(graph)

    published = adapter.publish(page, PostContent(text="Fresh bread at 8!"), idempotency_key="k1")

    page_id, post_id = published.external_id.split("_")
    assert page_id == page.external_id and post_id.isdigit()
    assert published.permalink == f"https://www.facebook.com/{page_id}/posts/{post_id}"
    assert graph.items[published.external_id].text == "Fresh bread at 8!"
    [sent] = graph.requests("POST", feed(page.external_id))
    assert parse_qs(sent.body.decode())["message"] == ["Fresh bread at 8!"]


def test_a_photo_and_an_album_are_uploaded_as_files(graph, adapter, tmp_path) -> None:
    page = connect(graph)

    single = adapter.publish(
        page, PostContent(text="Croissants", media=(photo(tmp_path),)), idempotency_key="k1"
    )
    album = adapter.publish(
        page,
        PostContent(
            text="The whole counter", media=(photo(tmp_path, "a.jpg"), photo(tmp_path, "b.jpg"))
        ),
        idempotency_key="k2",
    )

    assert graph.items[single.external_id].media_type == "photo"
    assert len(graph.items[album.external_id].photo_ids) == 2
    assert graph.post_count(page.external_id) == 2  # the album's photos are not posts
    assert not graph.photos  # both unpublished photos were attached


def test_a_first_comment_goes_under_the_post(graph, adapter) -> None:
    page = connect(graph)

    published = adapter.publish(
        page,
        PostContent(text="Menu today", first_comment="Order at bakery.example"),
        idempotency_key="k1",
    )

    [comment_id] = published.part_ids
    comment = graph.comments[comment_id]
    assert comment.on == published.external_id and comment.text == "Order at bakery.example"


def test_the_same_message_twice_is_refused_as_a_duplicate(graph, adapter) -> None:
    page = connect(graph)
    adapter.publish(page, PostContent(text="Open on Sunday"), idempotency_key="k1")

    with pytest.raises(Rejected) as refused:
        adapter.publish(page, PostContent(text="Open on Sunday"), idempotency_key="k2")

    assert refused.value.code == "graph_506"
    assert refused.value.platform_message == "(#506) Duplicate status message"
    assert "duplicate" in refused.value.message
    assert graph.post_count() == 1


def test_an_empty_post_is_refused_in_metas_words(graph, adapter) -> None:
    page = connect(graph)

    with pytest.raises(Rejected) as refused:
        adapter.publish(page, PostContent(text=""), idempotency_key="k1")

    assert refused.value.code == "graph_100"
    assert "(#100) Invalid parameter" in (refused.value.platform_message or "")
    assert adapter.validate(PostContent(text="")) != []


def test_an_invalid_page_token_means_reconnect(graph, adapter) -> None:
    page = connect(graph)
    graph.expire_token(page.credentials["page_access_token"])

    with pytest.raises(AuthExpired) as expired:
        adapter.publish(page, PostContent(text="Anyone?"), idempotency_key="k1")

    assert expired.value.code == "graph_190"
    assert "Session has expired" in (expired.value.platform_message or "")
    assert "Reconnect" in expired.value.message
    with pytest.raises(AuthExpired):
        adapter.refresh(page)


def test_page_throttling_waits_as_long_as_meta_estimates(adapter) -> None:
    graph = GraphEmulator(clock_start=START, call_limit=2)
    with EmulatorServer(graph):
        page = connect(graph)
        adapter.api.default_host = graph.base_url
        adapter.api.clock = graph.now
        adapter.publish(page, PostContent(text="one"), idempotency_key="k1")
        graph.advance(timedelta(minutes=10))
        adapter.publish(page, PostContent(text="two"), idempotency_key="k2")

        with pytest.raises(RateLimited) as limited:
            adapter.publish(page, PostContent(text="three"), idempotency_key="k3")

        answer = httpx.get(
            f"{graph.base_url}/v25.0/{page.external_id}",
            params={"access_token": page.credentials["page_access_token"]},
        )
    usage = json.loads(answer.headers["X-Business-Use-Case-Usage"])[page.external_id][0]
    assert answer.json()["error"]["code"] == 80001
    assert usage["call_count"] == 100 and usage["estimated_time_to_regain_access"] == 50
    assert limited.value.code == "graph_80001"
    # the first call leaves the hour's window 50 minutes after the third
    assert limited.value.retry_at == START + timedelta(minutes=10) + timedelta(minutes=50)
    assert graph.post_count() == 2


def test_code_2_after_saving_is_unknown_and_reconcile_finds_the_post(graph, adapter) -> None:
    page = connect(graph)
    content = PostContent(text="Saved, answer lost", first_comment="details below")
    body = graph_error_body("An unexpected error has occurred.", 2, is_transient=True)
    graph.inject(Fault("POST", feed(page.external_id), "error_after_save", body=body))

    with pytest.raises(OutcomeUnknown) as unknown:
        adapter.publish(page, content, idempotency_key="k1")
    assert unknown.value.code == "graph_2"

    found = adapter.find_published(page, content, idempotency_key="k1")

    [post] = graph.items.values()
    assert found is not None and found.external_id == post.id
    assert len(found.part_ids) == 1  # the first comment it still owed
    assert graph.post_count() == 1
    again = adapter.find_published(page, content, idempotency_key="k1")
    assert again == found  # the comment is found, not posted twice


def test_timeout_after_saving_is_unknown_and_reconcile_finds_it(graph) -> None:
    page = connect(graph)
    content = PostContent(text="Slow Graph today")
    graph.inject(Fault("POST", feed(page.external_id), "timeout_after_save", delay=1.5))
    with httpx.Client(timeout=httpx.Timeout(5.0, read=0.3)) as impatient:
        adapter = FacebookAdapter(impatient, graph_host=graph.base_url, clock=graph.now)

        with pytest.raises(OutcomeUnknown):
            adapter.publish(page, content, idempotency_key="k1")
        found = adapter.find_published(page, content, idempotency_key="k1")

    assert found is not None and graph.post_count() == 1


def test_nothing_found_when_the_post_never_arrived(graph, adapter) -> None:
    page = connect(graph)
    graph.inject(
        Fault(
            "POST",
            feed(page.external_id),
            "status",
            status=500,
            body=graph_error_body("Service temporarily unavailable", 2),
        )
    )

    with pytest.raises(OutcomeUnknown):
        adapter.publish(page, PostContent(text="Lost"), idempotency_key="k1")

    assert adapter.find_published(page, PostContent(text="Lost"), idempotency_key="k1") is None


def test_connection_refused_is_transient() -> None:
    page = AccountContext(
        Platform.FACEBOOK,
        "1",
        "Bakery",
        f"http://127.0.0.1:{free_port()}",
        {"page_access_token": "EAAP-x"},
    )
    with httpx.Client(timeout=2.0) as client, pytest.raises(Transient) as transient:
        FacebookAdapter(client).publish(page, PostContent(text="hi"), idempotency_key="k")
    assert transient.value.code == "connect_failed"


def test_metrics_comments_replies_and_delete(graph, adapter) -> None:
    page = connect(graph, followers=1200)
    published = adapter.publish(page, PostContent(text="Rate our rye"), idempotency_key="k1")
    graph.set_metrics(
        published.external_id,
        reactions=40,
        shares=3,
        post_total_media_view_unique=900,
        post_clicks=12,
    )
    visitor = graph.add_comment(published.external_id, "Best rye in town", author="Sam")

    metrics = adapter.fetch_post_metrics(page, published.external_id)
    comments = adapter.fetch_comments(page, published.external_id)
    answer = adapter.reply(page, visitor.id, "Thank you Sam!", idempotency_key="r1")

    assert (metrics.likes, metrics.shares, metrics.comments) == (40, 3, 1)
    assert (metrics.impressions, metrics.clicks) == (900, 12)
    assert [(c.author_handle, c.text) for c in comments] == [("Sam", "Best rye in town")]
    assert graph.comments[answer.external_id].on == visitor.id
    assert adapter.fetch_account_metrics(page).followers == 1200
    adapter.delete(page, published.external_id)
    adapter.delete(page, published.external_id)  # already gone counts as deleted
    assert graph.post_count() == 0


def test_connecting_chooses_the_page_and_keeps_its_token(graph, adapter) -> None:
    person = graph.create_person("Pat")
    graph.create_page("First Page", person=person.id)
    second, second_token = graph.create_page("Second Page", person=person.id)
    graph.authorize_as = person.id
    redirect = "http://localhost:3000/oauth/facebook"

    url = adapter.authorization_url(redirect_uri=redirect, state="s1", code_challenge="c" * 43)
    assert url.startswith(f"{graph.base_url}/v25.0/dialog/oauth?")
    graph_side = httpx.get(url.replace("c" * 43, _challenge("v" * 43)), follow_redirects=False)
    code = parse_qs(urlsplit(graph_side.headers["location"]).query)["code"][0]

    connected = adapter.exchange_code(
        code=code, redirect_uri=redirect, code_verifier="v" * 43, page_id=second.id
    )

    assert connected.external_id == second.id and connected.handle == "Second Page"
    assert connected.credentials["page_access_token"] == second_token
    user_token = graph.tokens[connected.credentials["user_access_token"]]
    assert user_token.long_lived and user_token.expires_at == START + timedelta(days=60)


def _challenge(verifier: str) -> str:
    import base64
    import hashlib

    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
