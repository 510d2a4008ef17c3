"""The X emulator keeps X's contract: counting, schema, problems, tokens, limits, media."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from socialmuse.emulators.base import EmulatorServer
from socialmuse.emulators.x import XEmulator
from socialmuse.emulators.x.text import render, weighted_length


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture()
def x() -> Iterator[XEmulator]:
    emulator = XEmulator(clock=Clock())
    with EmulatorServer(emulator):
        yield emulator


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_text_is_weighted_as_twitter_text_v3_counts_it() -> None:
    assert weighted_length("see https://example.com/" + "x" * 100) == len("see ") + 23
    assert weighted_length("日本") == 4
    assert weighted_length("👩‍👩‍👧 é") == 4  # one family emoji (2), a space, an accented letter
    shown, urls = render("A & B <3 https://example.com/long/path")
    assert shown.startswith("A &amp; B &lt;3 https://t.co/")
    assert urls[0].expanded_url == "https://example.com/long/path"
    assert shown[urls[0].start : urls[0].end] == urls[0].url


def test_unknown_fields_and_missing_text_are_invalid_requests(x) -> None:
    _, tokens = x.create_user("alice")
    url = f"{x.base_url}/2/tweets"

    unknown = httpx.post(
        url, json={"text": "hi", "status": "x"}, headers=bearer(tokens["access_token"])
    )
    empty = httpx.post(url, json={}, headers=bearer(tokens["access_token"]))

    assert unknown.status_code == 400
    assert unknown.headers["content-type"] == "application/problem+json"
    body = unknown.json()
    assert body["type"] == "https://api.x.com/2/problems/invalid-request"
    assert body["errors"][0]["parameters"] == {"status": ["x"]}
    assert empty.status_code == 400 and "text" in empty.json()["errors"][0]["parameters"]
    assert x.tweet_count() == 0


def test_every_answer_carries_rate_limit_headers_and_posts_the_app_window(x) -> None:
    _, tokens = x.create_user("alice")

    posted = httpx.post(
        f"{x.base_url}/2/tweets", json={"text": "hi"}, headers=bearer(tokens["access_token"])
    )
    me = httpx.get(f"{x.base_url}/2/users/me", headers=bearer(tokens["access_token"]))

    assert posted.status_code == 201
    data = posted.json()["data"]
    assert data["edit_history_tweet_ids"] == [data["id"]] and len(data["id"]) == 19
    assert posted.headers["x-rate-limit-limit"] == "100"
    assert posted.headers["x-rate-limit-remaining"] == "99"
    assert posted.headers["x-app-limit-24hour-remaining"] == "9999"
    assert me.headers["x-rate-limit-limit"] == "75"
    assert int(me.headers["x-rate-limit-reset"]) == int(
        (datetime(2026, 1, 1, 12, 15, tzinfo=UTC)).timestamp()
    )


def test_access_tokens_expire_after_two_hours(x) -> None:
    _, tokens = x.create_user("alice")
    x.advance(timedelta(hours=2))

    answer = httpx.get(f"{x.base_url}/2/users/me", headers=bearer(tokens["access_token"]))

    assert answer.status_code == 401
    assert answer.json() == {
        "title": "Unauthorized",
        "type": "about:blank",
        "status": 401,
        "detail": "Unauthorized",
    }


def test_refresh_tokens_need_offline_access_and_basic_auth_for_confidential_apps(x) -> None:
    app = x.default_client
    _, short = x.create_user("alice", scopes=("tweet.read", "users.read"))
    _, full = x.create_user("bob")
    url = f"{x.base_url}/2/oauth2/token"
    form = {"grant_type": "refresh_token", "refresh_token": full["refresh_token"]}

    without_basic = httpx.post(url, data={**form, "client_id": app.client_id})
    basic = base64.b64encode(f"{app.client_id}:{app.client_secret}".encode()).decode()
    rotated = httpx.post(url, data=form, headers={"Authorization": f"Basic {basic}"})
    reused = httpx.post(url, data=form, headers={"Authorization": f"Basic {basic}"})

    assert "refresh_token" not in short
    assert without_basic.status_code == 401
    assert rotated.status_code == 200 and rotated.json()["refresh_token"] != full["refresh_token"]
    assert rotated.json()["expires_in"] == 7200
    assert reused.status_code == 400
    assert reused.json() == {
        "error": "invalid_request",
        "error_description": "Value passed for the token was invalid.",
    }


def test_media_must_be_the_callers_and_finished(x) -> None:
    _, alice = x.create_user("alice")
    _, bob = x.create_user("bob")
    upload = f"{x.base_url}/2/media/upload"
    started = httpx.post(
        f"{upload}/initialize",
        json={"media_type": "video/mp4", "total_bytes": 3, "media_category": "tweet_video"},
        headers=bearer(alice["access_token"]),
    ).json()["data"]
    media_id = started["id"]
    httpx.post(
        f"{upload}/{media_id}/append",
        data={"segment_index": "0"},
        files={"media": ("c.mp4", b"abc")},
        headers=bearer(alice["access_token"]),
    )
    final = httpx.post(f"{upload}/{media_id}/finalize", headers=bearer(alice["access_token"]))
    body = {"text": "clip", "media": {"media_ids": [media_id]}}

    too_soon = httpx.post(
        f"{x.base_url}/2/tweets", json=body, headers=bearer(alice["access_token"])
    )
    not_bobs = httpx.post(f"{x.base_url}/2/tweets", json=body, headers=bearer(bob["access_token"]))

    assert started["media_key"] == f"7_{media_id}"
    assert final.json()["data"]["processing_info"] == {
        "state": "pending",
        "check_after_secs": 1,
        "progress_percent": 0,
    }
    assert too_soon.json()["errors"][0]["message"] == "Your media IDs are invalid."
    assert not_bobs.status_code == 400 and x.tweet_count() == 0


def test_a_missing_post_is_a_200_with_errors_and_replies_to_it_are_refused(x) -> None:
    _, tokens = x.create_user("alice")

    lookup = httpx.get(
        f"{x.base_url}/2/tweets/1234567890123456789", headers=bearer(tokens["access_token"])
    )
    reply = httpx.post(
        f"{x.base_url}/2/tweets",
        json={"text": "hi", "reply": {"in_reply_to_tweet_id": "1234567890123456789"}},
        headers=bearer(tokens["access_token"]),
    )

    assert lookup.status_code == 200 and "data" not in lookup.json()
    assert lookup.json()["errors"][0]["type"].endswith("/resource-not-found")
    assert reply.status_code == 403
    assert reply.json()["detail"] == (
        "You attempted to reply to a Tweet that is deleted or not visible to you."
    )
