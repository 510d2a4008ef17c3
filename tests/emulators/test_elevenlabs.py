"""The ElevenLabs emulator: voices, speech bytes and the error shapes."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from socialmuse.emulators.base import EmulatorServer
from socialmuse.emulators.elevenlabs import DEFAULT_KEY, VOICES, ElevenLabsEmulator


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(ElevenLabsEmulator(character_quota=100)) as running:
        yield running


def test_voices_and_speech(server: EmulatorServer) -> None:
    headers = {"xi-api-key": DEFAULT_KEY}
    voices = httpx.get(f"{server.url}/v1/voices", headers=headers).json()["voices"]
    assert [v["voice_id"] for v in voices] == [v.voice_id for v in VOICES]
    spoken = httpx.post(
        f"{server.url}/v1/text-to-speech/{VOICES[0].voice_id}",
        headers=headers,
        json={"text": "Hello from the bakery", "model_id": "eleven_multilingual_v2"},
    )
    assert spoken.status_code == 200
    assert spoken.headers["content-type"] == "audio/mpeg"
    assert spoken.content[:2] == b"\xff\xfb" and len(spoken.content) > 417
    assert spoken.headers["character-cost"] == "21"


def test_errors(server: EmulatorServer) -> None:
    url = f"{server.url}/v1/text-to-speech/{VOICES[0].voice_id}"
    bad = httpx.post(url, headers={"xi-api-key": "wrong"}, json={"text": "x"})
    assert bad.status_code == 401 and bad.json()["detail"]["status"] == "invalid_api_key"
    headers = {"xi-api-key": DEFAULT_KEY}
    missing = httpx.post(url, headers=headers, json={})
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body", "text"]
    unknown = httpx.post(
        f"{server.url}/v1/text-to-speech/nope", headers=headers, json={"text": "x"}
    )
    assert unknown.status_code == 404 and unknown.json()["detail"]["status"] == "voice_not_found"
    over = httpx.post(url, headers=headers, json={"text": "y" * 200})
    assert over.status_code == 401 and over.json()["detail"]["status"] == "quota_exceeded"
    assert isinstance(server.emulator, ElevenLabsEmulator)
    server.emulator.rate_limit(1)
    limited = httpx.post(url, headers=headers, json={"text": "x"})
    assert limited.status_code == 429
