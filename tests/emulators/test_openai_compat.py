"""The OpenAI-compatible emulator, driven by the real ``openai`` SDK."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import openai
import pytest

from socialmuse.emulators.base import EmulatorServer, Fault
from socialmuse.emulators.openai_compat import DEFAULT_KEY, OpenAICompatEmulator, error_body


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(OpenAICompatEmulator()) as running:
        yield running


@pytest.fixture()
def emulator(server: EmulatorServer) -> OpenAICompatEmulator:
    server.emulator.reset()
    assert isinstance(server.emulator, OpenAICompatEmulator)
    return server.emulator


def client(server: EmulatorServer, key: str = DEFAULT_KEY) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key=key, timeout=2, max_retries=0)


def test_chat_reply_is_built_from_the_prompt_with_usage(
    server: EmulatorServer, emulator: OpenAICompatEmulator
) -> None:
    answer = client(server).chat.completions.create(
        model="gpt-4o-mini",
        messages=[
            {"role": "system", "content": "You write posts."},
            {"role": "user", "content": "Write a post.\nBrief: our bakery opens on Monday"},
        ],
        n=2,
    )
    texts = [c.message.content for c in answer.choices]
    assert all("our bakery opens on monday" in (t or "").lower() for t in texts)
    assert texts[0] != texts[1]
    assert answer.usage is not None and answer.usage.completion_tokens > 0
    assert answer.usage.total_tokens == answer.usage.prompt_tokens + answer.usage.completion_tokens
    [logged] = emulator.requests("POST", "/v1/chat/completions")
    assert logged.headers["authorization"] == f"Bearer {DEFAULT_KEY}"


def test_max_tokens_and_character_limit_are_honoured(server: EmulatorServer) -> None:
    c = client(server)
    cut = c.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "Brief: " + "word " * 50}],
        max_tokens=5,
    )
    assert cut.choices[0].finish_reason == "length"
    assert cut.usage is not None and cut.usage.completion_tokens == 5
    short = c.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "At most 40 characters.\nText: " + "long " * 30}],
    )
    assert len(short.choices[0].message.content or "") <= 40


def test_streaming_sends_chunks_then_done(server: EmulatorServer) -> None:
    stream = client(server).chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "Brief: spring collection is here"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    pieces: list[str] = []
    usage = None
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
        if chunk.usage is not None:
            usage = chunk.usage
    assert len(pieces) > 3
    assert "Spring collection is here." in "".join(pieces)
    assert usage is not None and usage.completion_tokens > 0
    raw = httpx.post(
        f"{server.url}/v1/chat/completions",
        headers={"authorization": f"Bearer {DEFAULT_KEY}"},
        json={
            "model": "gpt-4o-mini",
            "messages": [{"role": "user", "content": "hi"}],
            "stream": True,
        },
    )
    assert raw.headers["content-type"].startswith("text/event-stream")
    assert raw.text.rstrip().endswith("data: [DONE]")


def test_scripted_reply(server: EmulatorServer, emulator: OpenAICompatEmulator) -> None:
    emulator.script_reply("exactly this")
    answer = client(server).chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "anything"}]
    )
    assert answer.choices[0].message.content == "exactly this"


def test_errors_have_openai_shapes(server: EmulatorServer, emulator: OpenAICompatEmulator) -> None:
    with pytest.raises(openai.AuthenticationError) as bad_key:
        client(server, "sk-wrong-key-123456").models.list()
    assert bad_key.value.code == "invalid_api_key"
    with pytest.raises(openai.NotFoundError):
        client(server).chat.completions.create(
            model="nope", messages=[{"role": "user", "content": "x"}]
        )
    with pytest.raises(openai.BadRequestError):
        client(server).chat.completions.create(model="gpt-4o-mini", messages=[])
    emulator.rate_limit(1, retry_after=7)
    with pytest.raises(openai.RateLimitError) as limited:
        client(server).models.list()
    assert limited.value.response.headers["retry-after"] == "7"
    assert limited.value.code == "rate_limit_exceeded"
    emulator.inject(
        Fault(
            "POST", "/v1/chat", "status", status=500, body=error_body("boom", "server_error", None)
        )
    )
    with pytest.raises(openai.InternalServerError):
        client(server).chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "x"}]
        )
    emulator.inject(Fault("POST", "/v1/chat", "timeout", delay=3))
    with pytest.raises(openai.APITimeoutError):
        openai.OpenAI(
            base_url=f"{server.url}/v1", api_key=DEFAULT_KEY, timeout=0.5, max_retries=0
        ).chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "x"}])


def test_models_and_images(server: EmulatorServer) -> None:
    c = client(server)
    ids = {m.id for m in c.models.list()}
    assert {"gpt-4o-mini", "gpt-image-1"} <= ids
    b64 = c.images.generate(model="gpt-image-1", prompt="a red bicycle", size="256x256")
    png = base64.b64decode(b64.data[0].b64_json or "")
    assert png.startswith(b"\x89PNG")
    by_url = c.images.generate(
        model="dall-e-2", prompt="a red bicycle", size="256x256", response_format="url"
    )
    fetched = httpx.get(by_url.data[0].url or "")
    assert fetched.status_code == 200 and fetched.content.startswith(b"\x89PNG")
    with pytest.raises(openai.BadRequestError):
        c.images.generate(model="dall-e-2", prompt="x", size="13x13")  # type: ignore[arg-type]


def test_the_command_line_builds_each_ai_emulator() -> None:
    from socialmuse.emulators.__main__ import build, parse
    from socialmuse.emulators.did import DIDEmulator
    from socialmuse.emulators.elevenlabs import ElevenLabsEmulator

    kinds = {name: type(build(parse([name]))[0]) for name in ("openai", "elevenlabs", "did")}
    assert kinds == {
        "openai": OpenAICompatEmulator,
        "elevenlabs": ElevenLabsEmulator,
        "did": DIDEmulator,
    }
