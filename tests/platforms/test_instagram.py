"""The Instagram adapter against the Graph emulator: containers, publish, reconcile."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from socialmuse.emulators.base import EmulatorServer, Fault
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
)
from socialmuse.platforms.instagram import InstagramAdapter

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
MEDIA_HOST = "https://media.socialmuse.example"


def hosted(media: MediaFile) -> str:
    return f"{MEDIA_HOST}/{media.path.name}"


@pytest.fixture()
def graph() -> Iterator[GraphEmulator]:
    emulator = GraphEmulator(clock_start=START, processing_polls=2)
    with EmulatorServer(emulator):
        yield emulator


@pytest.fixture()
def sleeps() -> list[float]:
    return []


@pytest.fixture()
def adapter(graph: GraphEmulator, sleeps: list[float]) -> Iterator[InstagramAdapter]:
    with httpx.Client(timeout=5.0) as client:
        yield InstagramAdapter(
            client,
            media_url=hosted,
            app_id=graph.app_id,
            app_secret=graph.app_secret,
            graph_host=graph.base_url,
            login_url=graph.base_url,
            token_url=graph.base_url,
            poll_interval=0.5,
            max_polls=5,
            clock=graph.now,
            sleep=sleeps.append,
        )


def connect(graph: GraphEmulator, username: str = "bakery", **kwargs: int) -> AccountContext:
    user, token = graph.create_instagram_user(username, **kwargs)
    return AccountContext(
        Platform.INSTAGRAM, user.id, username, graph.base_url, {"access_token": token}
    )


def image(tmp_path: Path, name: str = "bread.jpg") -> MediaFile:
    path = tmp_path / name
    path.write_bytes(b"\xff\xd8\xff" + b"\x00" * 512)
    return MediaFile(path=path, content_type="image/jpeg", size_bytes=515, alt_text="A loaf")


def publishes(user_id: str) -> str:
    return f"/v25.0/{user_id}/media_publish"


def test_an_image_is_published_through_a_finished_container(
    graph, adapter, sleeps, tmp_path
) -> None:
    ig = connect(graph)

    published = adapter.publish(
        ig, PostContent(text="Sourdough day", media=(image(tmp_path),)), idempotency_key="k1"
    )

    item = graph.items[published.external_id]
    assert item.text == "Sourdough day" and item.media_type == "IMAGE"
    assert published.permalink == f"https://www.instagram.com/p/{item.shortcode}/"
    container = graph.containers[item.container_id or ""]
    assert container.image_url == f"{MEDIA_HOST}/bread.jpg" and container.alt_text == "A loaf"
    assert sleeps == [0.5, 0.5]  # IN_PROGRESS twice, then FINISHED: no real sleeping


def test_a_carousel_publishes_its_children_as_one_post(graph, adapter, tmp_path) -> None:
    ig = connect(graph)
    media = tuple(image(tmp_path, f"{n}.jpg") for n in range(3))

    published = adapter.publish(
        ig, PostContent(text="Three loaves", media=media), idempotency_key="k1"
    )

    item = graph.items[published.external_id]
    assert item.media_type == "CAROUSEL_ALBUM" and len(item.children) == 3
    assert all(graph.containers[c].is_carousel_item for c in item.children)
    assert graph.post_count(ig.external_id) == 1


def test_no_media_and_too_big_carousels_are_refused(graph, adapter, tmp_path) -> None:
    ig = connect(graph)
    eleven = tuple(image(tmp_path, f"{n}.jpg") for n in range(11))

    assert [p.code for p in adapter.validate(PostContent(text="words only"))] == ["media_required"]
    assert "too_many_media" in [p.code for p in adapter.validate(PostContent("x", eleven))]
    with pytest.raises(Rejected) as bare:
        adapter.publish(ig, PostContent(text="words only"), idempotency_key="k1")
    with pytest.raises(Rejected) as big:
        adapter.publish(ig, PostContent(text="too many", media=eleven), idempotency_key="k2")

    assert bare.value.code == "graph_100"
    assert "between 2 and 10 children" in (big.value.platform_message or "")
    assert graph.post_count() == 0


def test_a_container_that_fails_processing_is_refused_with_metas_status(
    graph, adapter, tmp_path
) -> None:
    ig = connect(graph)
    graph.unfetchable.add(f"{MEDIA_HOST}/broken.jpg")

    with pytest.raises(Rejected) as refused:
        adapter.publish(
            ig, PostContent("Oops", (image(tmp_path, "broken.jpg"),)), idempotency_key="k1"
        )

    assert refused.value.code == "container_error"
    assert "Media download has failed" in (refused.value.platform_message or "")
    assert graph.post_count() == 0


def test_no_media_host_is_a_plain_refusal(graph, tmp_path) -> None:
    ig = connect(graph)
    adapter = InstagramAdapter(graph_host=graph.base_url)

    with pytest.raises(Rejected) as refused:
        adapter.publish(ig, PostContent("x", (image(tmp_path),)), idempotency_key="k1")

    assert refused.value.code == "no_media_host" and "public web address" in refused.value.message


def test_an_expired_token_cannot_be_refreshed(graph, adapter, tmp_path) -> None:
    ig = connect(graph)
    graph.expire_token(ig.credentials["access_token"])

    with pytest.raises(AuthExpired) as expired:
        adapter.publish(ig, PostContent("x", (image(tmp_path),)), idempotency_key="k1")
    with pytest.raises(AuthExpired):
        adapter.refresh(ig)

    assert expired.value.code == "graph_190"
    assert "expired" in expired.value.message


def test_a_valid_token_refreshes_once_it_is_a_day_old(graph, adapter) -> None:
    ig = connect(graph)
    graph.advance(timedelta(days=2))

    renewed = adapter.refresh(ig)

    assert renewed.credentials["access_token"] != ig.credentials["access_token"]
    assert renewed.token_expires_at == START + timedelta(days=62)


def test_the_daily_publish_quota_gives_the_time_the_oldest_post_leaves_it(tmp_path, sleeps) -> None:
    graph = GraphEmulator(clock_start=START, processing_polls=0, instagram_publish_limit=2)
    with EmulatorServer(graph), httpx.Client(timeout=5.0) as client:
        adapter = InstagramAdapter(
            client,
            media_url=hosted,
            graph_host=graph.base_url,
            clock=graph.now,
            sleep=sleeps.append,
        )
        ig = connect(graph)
        for n in range(2):
            adapter.publish(
                ig, PostContent(f"post {n}", (image(tmp_path),)), idempotency_key=f"k{n}"
            )
            graph.advance(timedelta(hours=1))

        with pytest.raises(RateLimited) as limited:
            adapter.publish(ig, PostContent("third", (image(tmp_path),)), idempotency_key="k3")

    assert limited.value.code == "graph_4"
    assert "Max posts" in (limited.value.platform_message or "") or "maximum" in (
        limited.value.platform_message or ""
    )
    assert limited.value.retry_at == START + timedelta(hours=24)
    assert graph.post_count() == 2


def test_a_lost_publish_answer_is_unknown_and_reconcile_finds_the_post(
    graph, adapter, tmp_path
) -> None:
    ig = connect(graph)
    content = PostContent("Saved anyway", (image(tmp_path),), first_comment="#bread")
    body = graph_error_body("An unexpected error has occurred.", 2, is_transient=True)
    graph.inject(Fault("POST", publishes(ig.external_id), "error_after_save", body=body))

    with pytest.raises(OutcomeUnknown):
        adapter.publish(ig, content, idempotency_key="k1")
    found = adapter.find_published(ig, content, idempotency_key="k1")
    again = adapter.find_published(ig, content, idempotency_key="k1")

    [item] = [i for i in graph.items.values()]
    assert found is not None and found.external_id == item.id
    assert again == found and len(found.part_ids) == 1
    assert graph.post_count() == 1 and len(graph.comments) == 1


def test_a_timeout_on_publish_is_unknown_and_reconcile_finds_it(graph, tmp_path) -> None:
    ig = connect(graph)
    content = PostContent("Slow publish", (image(tmp_path),))
    graph.inject(Fault("POST", publishes(ig.external_id), "timeout_after_save", delay=1.5))
    with httpx.Client(timeout=httpx.Timeout(5.0, read=0.5)) as impatient:
        adapter = InstagramAdapter(
            impatient,
            media_url=hosted,
            graph_host=graph.base_url,
            clock=graph.now,
            sleep=lambda _: None,
        )
        with pytest.raises(OutcomeUnknown):
            adapter.publish(ig, content, idempotency_key="k1")
        found = adapter.find_published(ig, content, idempotency_key="k1")

    assert found is not None and graph.post_count() == 1


def test_metrics_comments_replies_and_no_delete(graph, adapter, tmp_path) -> None:
    ig = connect(graph, followers=880, follows=12)
    published = adapter.publish(ig, PostContent("Rye", (image(tmp_path),)), idempotency_key="k")
    graph.set_metrics(published.external_id, likes=31, views=700, saved=4, shares=2)
    visitor = graph.add_comment(published.external_id, "Looks great", author="sam")

    metrics = adapter.fetch_post_metrics(ig, published.external_id)
    [comment] = adapter.fetch_comments(ig, published.external_id)
    answer = adapter.reply(ig, visitor.id, "Thanks!", idempotency_key="r")
    account = adapter.fetch_account_metrics(ig)

    assert (metrics.likes, metrics.comments, metrics.impressions, metrics.saves) == (31, 1, 700, 4)
    assert (comment.author_handle, comment.text) == ("sam", "Looks great")
    assert graph.comments[answer.external_id].on == visitor.id
    assert (account.followers, account.following, account.posts) == (880, 12, 1)
    with pytest.raises(Rejected) as refused:
        adapter.delete(ig, published.external_id)
    assert "does not let apps delete" in refused.value.message


def test_connecting_with_instagram_login_gives_a_60_day_token(graph, adapter) -> None:
    user, _ = graph.create_instagram_user("bakery")
    graph.authorize_as = user.id
    redirect = "http://localhost:3000/oauth/instagram"
    url = adapter.authorization_url(redirect_uri=redirect, state="s", code_challenge="c")
    location = httpx.get(url, follow_redirects=False).headers["location"]
    code = httpx.URL(location).params["code"]

    connected = adapter.exchange_code(code=code, redirect_uri=redirect, code_verifier="v")

    assert (connected.external_id, connected.handle) == (user.id, "bakery")
    assert connected.token_expires_at == START + timedelta(days=60)
