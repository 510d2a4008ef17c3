"""The D-ID emulator: a talk goes created → started → done and its video can be fetched."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from socialmuse.emulators.base import EmulatorServer
from socialmuse.emulators.did import DEFAULT_KEY, DIDEmulator


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(DIDEmulator(polls_to_finish=2, credits_seconds=20)) as running:
        yield running


AUTH = {"authorization": f"Basic {DEFAULT_KEY}"}
BODY = {
    "source_url": "https://example.com/face.jpg",
    "script": {"type": "text", "input": "Hello there, we open on Monday at nine."},
}


def test_talk_lifecycle(server: EmulatorServer) -> None:
    created = httpx.post(f"{server.url}/talks", headers=AUTH, json=BODY)
    assert created.status_code == 201 and created.json()["status"] == "created"
    talk_id = created.json()["id"]
    assert talk_id.startswith("tlk_")
    statuses = [httpx.get(f"{server.url}/talks/{talk_id}", headers=AUTH).json() for _ in range(2)]
    assert [s["status"] for s in statuses] == ["started", "done"]
    done = statuses[-1]
    assert done["duration"] >= 1
    video = httpx.get(done["result_url"])
    assert video.status_code == 200 and video.content[4:8] == b"ftyp"


def test_errors(server: EmulatorServer) -> None:
    bad = httpx.post(f"{server.url}/talks", headers={"authorization": "Basic nope"}, json=BODY)
    assert bad.status_code == 401 and bad.json()["kind"] == "AuthorizationError"
    invalid = httpx.post(f"{server.url}/talks", headers=AUTH, json={"script": BODY["script"]})
    assert invalid.status_code == 400 and invalid.json()["kind"] == "ValidationError"
    missing = httpx.get(f"{server.url}/talks/tlk_missing", headers=AUTH)
    assert missing.status_code == 404
    long_script = {**BODY, "script": {"type": "text", "input": "word " * 200}}
    broke = httpx.post(f"{server.url}/talks", headers=AUTH, json=long_script)
    assert broke.status_code == 402 and broke.json()["kind"] == "InsufficientCreditsError"
    unfetchable = httpx.post(
        f"{server.url}/talks", headers=AUTH, json={**BODY, "source_url": "file:///face.jpg"}
    ).json()["id"]
    failed = httpx.get(f"{server.url}/talks/{unfetchable}", headers=AUTH).json()
    assert failed["status"] == "error" and failed["error"]["kind"] == "FaceError"
