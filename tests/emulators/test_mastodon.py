"""The Mastodon emulator keeps Mastodon's contract: counting, idempotency, paging, auth."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from socialmuse.emulators.base import EmulatorServer
from socialmuse.emulators.mastodon import MastodonEmulator
from socialmuse.emulators.mastodon.text import countable_length, render_html


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def mastodon(clock: Clock) -> Iterator[MastodonEmulator]:
    emulator = MastodonEmulator(clock=clock)
    with EmulatorServer(emulator):
        yield emulator


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_text_is_counted_as_mastodons_validator_counts_it() -> None:
    assert countable_length("see https://example.com/" + "x" * 100) == len("see ") + 23
    assert countable_length("hi @bob@mastodon.social") == len("hi @bob")
    assert countable_length("👩‍👩‍👧 é") == 3  # one family emoji, a space, one accented letter
    assert countable_length("body", spoiler_text="CW") == 6


def test_content_is_html_with_links_split_into_spans() -> None:
    html = render_html("Hi & welcome\nhttps://example.com/a\n\n#News", "https://social.example")
    assert html.startswith('<p>Hi &amp; welcome<br /><a href="https://example.com/a"')
    assert '<span class="invisible">https://</span>' in html
    assert html.endswith('rel="tag">#<span>News</span></a></p>')


def test_blank_text_and_too_many_media_are_refused(mastodon) -> None:
    _, token = mastodon.create_account("alice")
    url = f"{mastodon.base_url}/api/v1/statuses"

    blank = httpx.post(url, data={"status": "  "}, headers=bearer(token))
    crowded = httpx.post(
        url, json={"status": "x", "media_ids": list("12345")}, headers=bearer(token)
    )

    assert blank.status_code == 422
    assert blank.json() == {"error": "Validation failed: Text can't be blank"}
    assert crowded.json() == {"error": "Cannot attach more than 4 files"}


def test_idempotency_key_holds_for_an_hour_then_expires(mastodon, clock) -> None:
    _, token = mastodon.create_account("alice")
    headers = {**bearer(token), "Idempotency-Key": "abc"}
    url = f"{mastodon.base_url}/api/v1/statuses"

    first = httpx.post(url, data={"status": "hello"}, headers=headers).json()
    clock.now += timedelta(minutes=59)
    replay = httpx.post(url, data={"status": "hello"}, headers=headers).json()
    clock.now += timedelta(minutes=2)
    fresh = httpx.post(url, data={"status": "hello"}, headers=headers).json()

    assert replay["id"] == first["id"] != fresh["id"]
    assert mastodon.status_count() == 2


def test_every_api_answer_carries_rate_limit_headers(mastodon) -> None:
    _, token = mastodon.create_account("alice")

    answer = httpx.get(f"{mastodon.base_url}/api/v2/instance", headers=bearer(token))

    assert answer.json()["configuration"]["statuses"]["max_characters"] == 500
    assert answer.headers["X-RateLimit-Limit"] == "300"
    assert answer.headers["X-RateLimit-Remaining"] == "299"
    assert answer.headers["X-RateLimit-Reset"] == "2026-01-01T12:05:00.000000Z"


def test_account_statuses_page_newest_first_with_link_headers(mastodon, clock) -> None:
    alice, _ = mastodon.create_account("alice")
    ids = []
    for n in range(5):
        clock.now += timedelta(seconds=1)
        ids.append(mastodon.post_status(alice, {"status": f"post {n}"}).id)
    url = f"{mastodon.base_url}/api/v1/accounts/{alice.id}/statuses"

    first = httpx.get(url, params={"limit": 2})
    next_url = first.headers["Link"].split(";")[0].strip("<>")
    second = httpx.get(next_url)

    assert [s["id"] for s in first.json()] == [ids[4], ids[3]]
    assert [s["id"] for s in second.json()] == [ids[2], ids[1]]
    assert int(ids[0]) < int(ids[1])  # snowflake ids grow with time


def test_context_lists_ancestors_and_descendants(mastodon) -> None:
    alice, _ = mastodon.create_account("alice")
    bob, _ = mastodon.create_account("bob")
    root = mastodon.post_status(alice, {"status": "root"})
    reply = mastodon.post_status(bob, {"status": "reply", "in_reply_to_id": root.id})
    nested = mastodon.post_status(alice, {"status": "nested", "in_reply_to_id": reply.id})

    context = httpx.get(f"{mastodon.base_url}/api/v1/statuses/{reply.id}/context").json()

    assert [s["id"] for s in context["ancestors"]] == [root.id]
    assert [s["id"] for s in context["descendants"]] == [nested.id]


def test_app_tokens_cannot_act_as_a_user_and_revoked_tokens_stop_working(mastodon) -> None:
    base = mastodon.base_url
    app = httpx.post(
        f"{base}/api/v1/apps",
        data={
            "client_name": "t",
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": "read write",
        },
    ).json()
    client = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
    app_token = httpx.post(
        f"{base}/oauth/token", data={"grant_type": "client_credentials", **client}
    ).json()
    _, user_token = mastodon.create_account("alice")
    mastodon.tokens[user_token].client_id = app["client_id"]

    as_app = httpx.get(
        f"{base}/api/v1/accounts/verify_credentials", headers=bearer(app_token["access_token"])
    )
    httpx.post(f"{base}/oauth/revoke", data={"token": user_token, **client})
    revoked = httpx.get(f"{base}/api/v1/accounts/verify_credentials", headers=bearer(user_token))

    assert as_app.status_code == 422
    assert as_app.json() == {"error": "This method requires an authenticated user"}
    assert revoked.status_code == 401
    assert revoked.json() == {"error": "The access token is invalid"}
