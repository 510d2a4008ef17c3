"""The Bluesky emulator speaks the PDS's wire contract (what the adapter tests cannot see)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from socialmuse.emulators.base import EmulatorServer
from socialmuse.emulators.bluesky import BlueskyEmulator
from socialmuse.emulators.bluesky.records import grapheme_count

POST = "app.bsky.feed.post"
RKEY = "3lq2xyzabc22k"


@pytest.fixture()
def pds() -> Iterator[tuple[BlueskyEmulator, httpx.Client, dict[str, Any]]]:
    emulator = BlueskyEmulator(write_points=7)
    emulator.create_account("alice.test", "app-pass")
    with EmulatorServer(emulator) as server, httpx.Client(base_url=server.url) as client:
        session = client.post(
            "/xrpc/com.atproto.server.createSession",
            json={"identifier": "alice.test", "password": "app-pass"},
        ).json()
        client.headers["Authorization"] = f"Bearer {session['accessJwt']}"
        yield emulator, client, session


def record(text: str = "hi") -> dict[str, Any]:
    return {"$type": POST, "text": text, "createdAt": "2026-01-01T12:00:00.000Z"}


def put(client: httpx.Client, did: str, rec: dict[str, Any], rkey: str = RKEY) -> httpx.Response:
    body = {"repo": did, "collection": POST, "rkey": rkey, "record": rec}
    return client.post("/xrpc/com.atproto.repo.putRecord", json=body)


def test_session_has_did_doc_pointing_at_the_pds(pds) -> None:
    emulator, _, session = pds
    [service] = session["didDoc"]["service"]
    assert service["serviceEndpoint"] == emulator.base_url
    assert session["did"].startswith("did:plc:") and session["handle"] == "alice.test"


def test_put_of_identical_bytes_is_a_no_op_and_create_at_a_used_key_fails(pds) -> None:
    emulator, client, session = pds
    first = put(client, session["did"], record())
    second = put(client, session["did"], record())
    assert first.status_code == second.status_code == 200
    assert (first.json()["uri"], first.json()["cid"]) == (
        second.json()["uri"],
        second.json()["cid"],
    )
    assert first.json()["cid"].startswith("bafyrei") and "commit" not in second.json()
    assert first.json()["uri"] == f"at://{session['did']}/{POST}/{RKEY}"
    clash = client.post(
        "/xrpc/com.atproto.repo.createRecord",
        json={"repo": session["did"], "collection": POST, "rkey": RKEY, "record": record()},
    )
    assert clash.status_code == 500 and clash.json()["error"] == "InternalServerError"
    assert emulator.post_count("alice.test") == 1


def test_write_points_run_out_with_ratelimit_headers(pds) -> None:
    emulator, client, session = pds
    ok = put(client, session["did"], record("a"), rkey="3lq2xyzabc23k")  # 2 of 7 points
    assert ok.headers["RateLimit-Limit"] == "7" and ok.headers["RateLimit-Remaining"] == "5"
    assert ok.headers["RateLimit-Policy"] == "7;w=3600"
    put(client, session["did"], record("b"), rkey="3lq2xyzabc24k")
    put(client, session["did"], record("c"), rkey="3lq2xyzabc25k")
    limited = put(client, session["did"], record("d"), rkey="3lq2xyzabc26k")
    assert limited.status_code == 429
    assert limited.json() == {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}
    reset = int(limited.headers["RateLimit-Reset"])
    assert 0 < int(limited.headers["Retry-After"]) <= reset - int(emulator.now()) + 1
    emulator.advance(3600)
    assert put(client, session["did"], record("d"), rkey="3lq2xyzabc26k").status_code == 200


def test_expired_access_token_and_refresh_rotation_with_grace(pds) -> None:
    emulator, client, session = pds
    emulator.advance(2 * 3600)
    expired = client.get("/xrpc/app.bsky.actor.getProfile", params={"actor": "alice.test"})
    assert expired.status_code == 400
    assert expired.json() == {"error": "ExpiredToken", "message": "Token has expired"}
    refresh = {"Authorization": f"Bearer {session['refreshJwt']}"}
    first = client.post("/xrpc/com.atproto.server.refreshSession", headers=refresh)
    within_grace = client.post("/xrpc/com.atproto.server.refreshSession", headers=refresh)
    assert first.status_code == within_grace.status_code == 200
    emulator.advance(2 * 3600)
    after_grace = client.post("/xrpc/com.atproto.server.refreshSession", headers=refresh)
    assert after_grace.json() == {"error": "ExpiredToken", "message": "Token has been revoked"}
    rotated = {"Authorization": f"Bearer {first.json()['refreshJwt']}"}
    assert client.post("/xrpc/com.atproto.server.refreshSession", headers=rotated).is_success


def test_facets_and_mentions_are_validated(pds) -> None:
    _, client, session = pds
    bad_range = record("héllo") | {
        "facets": [
            {
                "index": {"byteStart": 1, "byteEnd": 2},
                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "x"}],
            }
        ]
    }
    response = put(client, session["did"], bad_range)
    assert response.status_code == 400
    assert response.json()["message"].startswith("Invalid app.bsky.feed.post record: ")
    handle_mention = record("@bob.test") | {
        "facets": [
            {
                "index": {"byteStart": 0, "byteEnd": 9},
                "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "bob.test"}],
            }
        ]
    }
    response = put(client, session["did"], handle_mention)
    assert response.json() == {  # as the reference PDS 0.5.35 answers
        "error": "InvalidRequest",
        "message": 'Invalid app.bsky.feed.post record: Invalid DID (got "bob.test") '
        "at $.record.facets[0].features[0].did",
    }


def test_more_than_four_images_or_missing_alt_fail(pds) -> None:
    _, client, session = pds
    blob = client.post(
        "/xrpc/com.atproto.repo.uploadBlob", content=b"img", headers={"Content-Type": "image/jpeg"}
    ).json()["blob"]
    five = record() | {
        "embed": {"$type": "app.bsky.embed.images", "images": [{"image": blob, "alt": ""}] * 5}
    }
    assert "array too long (maximum 4, got 5)" in put(client, session["did"], five).text
    no_alt = record() | {"embed": {"$type": "app.bsky.embed.images", "images": [{"image": blob}]}}
    assert put(client, session["did"], no_alt).json()["message"] == (
        'Invalid app.bsky.feed.post record: Missing required key "alt" at $.record.embed.images[0]'
    )


def test_text_limits_count_graphemes_and_bytes() -> None:
    assert grapheme_count("👨‍👩‍👧‍👦🇫🇷👍🏽é") == 4
    assert grapheme_count("e\u0301") == 1


def test_text_over_3000_bytes_is_refused_before_graphemes_are_counted(pds) -> None:
    _, client, session = pds
    response = put(client, session["did"], record("東" * 1001))
    assert response.json() == {
        "error": "InvalidRequest",
        "message": "Invalid app.bsky.feed.post record: string too big (maximum 3000, got 3003) "
        "at $.record.text",
    }
