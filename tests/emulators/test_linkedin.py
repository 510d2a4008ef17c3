"""The LinkedIn emulator keeps LinkedIn's contract: headers, little text, quotas, tokens."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest

from socialmuse.emulators.base import EmulatorServer
from socialmuse.emulators.linkedin import LinkedInEmulator
from socialmuse.emulators.linkedin.state import read_little_text

START = datetime(2026, 11, 25, 23, 0, tzinfo=UTC)
SECRET = "socialmuse-secret"


@pytest.fixture()
def linkedin() -> Iterator[LinkedInEmulator]:
    emulator = LinkedInEmulator(
        clock=lambda: START, member_daily_limits={"posts.create": 1}, refresh_tokens=True
    )
    with EmulatorServer(emulator):
        yield emulator


def headers(token: str, version: str | None = "202605", restli: bool = True) -> dict[str, str]:
    sent = {"Authorization": f"Bearer {token}"}
    if version:
        sent["LinkedIn-Version"] = version
    if restli:
        sent["X-Restli-Protocol-Version"] = "2.0.0"
    return sent


def post_body(author: str, commentary: str, **extra: Any) -> dict[str, Any]:
    return {
        "author": author,
        "commentary": commentary,
        "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED"},
        "lifecycleState": "PUBLISHED",
        **extra,
    }


def test_little_text_resolves_escapes_keeps_mentions_and_cuts_at_a_bare_reserved_char() -> None:
    assert read_little_text("a \\(b\\) #tag", truncate=True) == ("a (b) #tag", 12)
    mention = "Hi @[Acme](urn:li:organization:1)!"
    assert read_little_text(mention, truncate=True) == ("Hi @Acme!", len(mention))
    assert read_little_text("before (after)", truncate=True) == ("before ", 7)
    assert read_little_text("before (after)", truncate=False)[0] == "before (after)"


def test_version_and_protocol_headers_are_required(linkedin) -> None:
    _, token = linkedin.create_member()
    url = f"{linkedin.base_url}/rest/organizationAcls?q=roleAssignee"

    missing = httpx.get(url, headers=headers(token, version=None))
    sunset = httpx.get(url, headers=headers(token, version="202501"))
    future = httpx.get(url, headers=headers(token, version="202712"))
    no_restli = httpx.get(url, headers=headers(token, restli=False))
    fine = httpx.get(url, headers=headers(token, version="202611.01"))

    assert (missing.status_code, missing.json()["code"]) == (400, "VERSION_MISSING")
    assert (sunset.status_code, sunset.json()["code"]) == (426, "NONEXISTENT_VERSION")
    assert sunset.json()["message"] == "Requested version 202501 is not active"
    assert future.status_code == 426
    assert no_restli.status_code == 400
    assert fine.status_code == 200 and fine.json()["elements"] == []


def test_a_post_answers_201_with_an_empty_body_and_the_urn_in_a_header(linkedin) -> None:
    member, token = linkedin.create_member()

    created = httpx.post(
        f"{linkedin.base_url}/rest/posts",
        json=post_body(member.urn, "Plain words, then a bare (paren"),
        headers=headers(token),
    )

    urn = created.headers["x-restli-id"]
    assert created.status_code == 201 and created.content == b""
    assert urn.startswith("urn:li:share:") and len(urn.split(":")[-1]) == 19
    read = httpx.get(
        f"{linkedin.base_url}/rest/posts/{quote(urn, safe='')}", headers=headers(token)
    )
    assert read.json()["commentary"] == "Plain words, then a bare "  # cut silently


def test_invalid_and_expired_tokens_have_their_own_codes(linkedin) -> None:
    _, token = linkedin.create_member()
    url = f"{linkedin.base_url}/v2/userinfo"

    invalid = httpx.get(url, headers={"Authorization": "Bearer nope"})
    linkedin.advance(timedelta(days=60))
    expired = httpx.get(url, headers={"Authorization": f"Bearer {token}"})

    assert (invalid.status_code, invalid.json()["serviceErrorCode"]) == (401, 65600)
    assert (expired.status_code, expired.json()["serviceErrorCode"]) == (401, 65601)
    assert expired.json()["code"] == "EXPIRED_ACCESS_TOKEN"


def test_the_daily_quota_answers_429_without_headers_and_resets_at_midnight(linkedin) -> None:
    member, token = linkedin.create_member()
    url = f"{linkedin.base_url}/rest/posts"

    first = httpx.post(url, json=post_body(member.urn, "one"), headers=headers(token))
    second = httpx.post(url, json=post_body(member.urn, "two"), headers=headers(token))
    linkedin.advance(timedelta(hours=1))  # 00:00 UTC
    third = httpx.post(url, json=post_body(member.urn, "three"), headers=headers(token))

    assert first.status_code == 201 and third.status_code == 201
    assert second.status_code == 429
    assert second.json() == {
        "status": 429,
        "serviceErrorCode": 101,
        "message": "Resource level throttle limit for calls to this resource is reached.",
    }
    assert not [h for h in second.headers if "ratelimit" in h.lower() or h == "retry-after"]


def test_validation_length_images_and_duplicates(linkedin) -> None:
    member, token = linkedin.create_member()
    linkedin.member_limits.clear()
    url = f"{linkedin.base_url}/rest/posts"
    started = httpx.post(
        f"{linkedin.base_url}/rest/images?action=initializeUpload",
        json={"initializeUploadRequest": {"owner": member.urn}},
        headers=headers(token),
    ).json()["value"]
    httpx.put(started["uploadUrl"], content=b"png", headers={"Authorization": f"Bearer {token}"})

    too_long = httpx.post(url, json=post_body(member.urn, "x" * 3001), headers=headers(token))
    bad_enum = httpx.post(
        url, json=post_body(member.urn, "hi", visibility="FRIENDS"), headers=headers(token)
    )
    processing = httpx.post(
        url,
        json=post_body(member.urn, "pic", content={"media": {"id": started["image"]}}),
        headers=headers(token),
    )
    httpx.post(url, json=post_body(member.urn, "same words"), headers=headers(token))
    duplicate = httpx.post(url, json=post_body(member.urn, "same words"), headers=headers(token))

    assert too_long.status_code == 422
    assert too_long.json()["errorDetails"]["inputErrors"][0]["code"] == "FIELD_LENGTH_TOO_LONG"
    assert bad_enum.status_code == 400
    assert processing.status_code == 422 and "PROCESSING" in processing.json()["message"]
    assert duplicate.status_code == 422
    assert duplicate.json()["errorDetails"]["inputErrors"][0]["code"] == "DUPLICATE_POST"
    assert linkedin.post_count() == 1


def test_ghost_duplicates_after_delete_when_configured() -> None:
    linkedin = LinkedInEmulator(clock=lambda: START, ghost_after_delete=timedelta(hours=24))
    with EmulatorServer(linkedin):
        member, token = linkedin.create_member()
        url = f"{linkedin.base_url}/rest/posts"
        urn = httpx.post(url, json=post_body(member.urn, "gone"), headers=headers(token)).headers[
            "x-restli-id"
        ]
        deleted = httpx.delete(f"{url}/{quote(urn, safe='')}", headers=headers(token))

        again = httpx.post(url, json=post_body(member.urn, "gone"), headers=headers(token))
        linkedin.advance(timedelta(hours=25))
        later = httpx.post(url, json=post_body(member.urn, "gone"), headers=headers(token))

    assert deleted.status_code == 204
    assert again.status_code == 422 and urn in again.json()["message"]
    assert later.status_code == 201


def test_pkce_is_checked_when_a_challenge_was_sent(linkedin) -> None:
    redirect = "http://localhost/cb"
    verifier = "v" * 64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    authorize = (
        f"{linkedin.base_url}/oauth/v2/authorization?response_type=code"
        f"&client_id=socialmuse-client&redirect_uri={redirect}&state=s&scope=openid%20profile"
        f"&code_challenge={challenge.decode()}&code_challenge_method=S256"
    )

    def code() -> str:
        return parse_qs(urlsplit(httpx.get(authorize).headers["location"]).query)["code"][0]

    def exchange(the_code: str, the_verifier: str) -> httpx.Response:
        form = {
            "grant_type": "authorization_code",
            "code": the_code,
            "redirect_uri": redirect,
            "client_id": "socialmuse-client",
            "client_secret": SECRET,
            "code_verifier": the_verifier,
        }
        return httpx.post(f"{linkedin.base_url}/oauth/v2/accessToken", data=form)

    wrong = exchange(code(), "w" * 64)
    right = exchange(code(), verifier)

    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_request"
    assert right.status_code == 200
    assert right.json()["expires_in"] == 60 * 86400 - 1
    assert right.json()["refresh_token_expires_in"] == 365 * 86400


def test_an_unknown_scope_comes_back_on_the_redirect(linkedin) -> None:
    url = (
        f"{linkedin.base_url}/oauth/v2/authorization?response_type=code"
        "&client_id=socialmuse-client&redirect_uri=http://localhost/cb&state=s&scope=w_everything"
    )

    landing = parse_qs(urlsplit(httpx.get(url).headers["location"]).query)

    assert landing["error"] == ["unauthorized_scope_error"] and landing["state"] == ["s"]
