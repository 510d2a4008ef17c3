"""The Graph emulator's own contract: envelope, containers, quotas, insights, pagination."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from socialmuse.emulators.base import EmulatorServer
from socialmuse.emulators.graph import GraphEmulator

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture()
def graph() -> Iterator[GraphEmulator]:
    emulator = GraphEmulator(clock_start=START, processing_polls=1)
    with EmulatorServer(emulator):
        yield emulator


def call(graph: GraphEmulator, method: str, path: str, token: str, **params: str) -> httpx.Response:
    url = f"{graph.base_url}/v25.0/{path}"
    if method == "GET":
        return httpx.get(url, params={**params, "access_token": token})
    return httpx.post(url, data={**params, "access_token": token})


def test_errors_use_metas_envelope_with_a_trace_id(graph) -> None:
    answer = call(graph, "GET", "me", "not-a-token")

    error = answer.json()["error"]
    assert answer.status_code == 400
    assert (error["code"], error["type"]) == (190, "OAuthException")
    assert error["fbtrace_id"] and error["is_transient"] is False


def test_an_expired_token_says_when_the_session_expired(graph) -> None:
    _, token = graph.create_instagram_user()
    graph.advance(timedelta(days=61))

    error = call(graph, "GET", "me", token).json()["error"]

    assert (error["code"], error["error_subcode"]) == (190, 463)
    assert error["message"].startswith("Error validating access token: Session has expired on")


def test_a_container_moves_from_in_progress_to_finished_to_published(graph) -> None:
    user, token = graph.create_instagram_user()
    created = call(graph, "POST", f"{user.id}/media", token, image_url="https://x.example/a.jpg")
    container = created.json()["id"]

    early = call(graph, "POST", f"{user.id}/media_publish", token, creation_id=container)
    first = call(graph, "GET", container, token, fields="status_code").json()["status_code"]
    second = call(graph, "GET", container, token, fields="status_code").json()["status_code"]
    published = call(graph, "POST", f"{user.id}/media_publish", token, creation_id=container)
    again = call(graph, "POST", f"{user.id}/media_publish", token, creation_id=container)

    assert (early.json()["error"]["code"], early.json()["error"]["error_subcode"]) == (
        9007,
        2207027,
    )
    assert (first, second) == ("IN_PROGRESS", "FINISHED")
    assert published.json()["id"] in graph.items
    assert again.json()["error"]["code"] == 100  # never a second post from one container
    assert graph.post_count() == 1
    limit = call(graph, "GET", f"{user.id}/content_publishing_limit", token).json()
    assert limit["data"][0]["quota_usage"] == 1
    assert limit["data"][0]["config"] == {"quota_total": 50, "quota_duration": 86400}


def test_video_media_type_must_be_reels(graph) -> None:
    user, token = graph.create_instagram_user()

    answer = call(
        graph,
        "POST",
        f"{user.id}/media",
        token,
        media_type="VIDEO",
        video_url="https://x.example/v.mp4",
    )

    assert "Use REELS" in answer.json()["error"]["error_user_msg"]


def test_insights_refuse_removed_and_missing_metrics(graph) -> None:
    page, token = graph.create_page()
    post = call(graph, "POST", f"{page.id}/feed", token, message="hi").json()["id"]

    removed = call(graph, "GET", f"{post}/insights", token, metric="post_impressions_unique")
    missing = call(graph, "GET", f"{post}/insights", token)

    assert removed.json()["error"]["code"] == 100
    assert (missing.json()["error"]["code"], missing.json()["error"]["error_subcode"]) == (
        3001,
        1504028,
    )


def test_lists_page_with_an_after_cursor(graph) -> None:
    page, token = graph.create_page()
    for n in range(3):
        call(graph, "POST", f"{page.id}/feed", token, message=f"post {n}")

    first = call(graph, "GET", f"{page.id}/feed", token, limit="2").json()
    after = first["paging"]["cursors"]["after"]
    rest = call(graph, "GET", f"{page.id}/feed", token, limit="2", after=after).json()

    assert [p["message"] for p in first["data"]] == ["post 2", "post 1"]
    assert "next" in first["paging"] and "next" not in rest["paging"]
    assert [p["message"] for p in rest["data"]] == ["post 0"]


def test_a_user_token_cannot_post_as_the_page(graph) -> None:
    page, _ = graph.create_page()
    user_token = graph.new_token("user", graph.people[next(iter(graph.people))].id)

    answer = call(graph, "POST", f"{page.id}/feed", user_token, message="hi")

    assert answer.json()["error"]["code"] == 200
