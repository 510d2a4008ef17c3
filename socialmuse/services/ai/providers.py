"""The provider interface: text (any OpenAI-compatible server), voice (ElevenLabs), video (D-ID).

Services talk to ``TextProvider`` / ``VoiceProvider`` / ``VideoProvider`` only, so another
vendor is one class here. Every failure of a provider becomes a ``ProviderError`` with a
``reason`` (auth, rate_limit, server, timeout, connection, rejected, quota) that
``services.ai.metering.explain`` turns into plain words; no SDK or httpx exception leaves
this module.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import httpx
import openai

Reason = Literal["auth", "rate_limit", "server", "timeout", "connection", "rejected", "quota"]

DEFAULT_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class ProviderRuntime:
    """A configured provider with its key opened: lives only for one call, never logged."""

    kind: str
    base_url: str
    model: str
    api_key: str = field(repr=False)
    image_model: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    timeout_s: float = DEFAULT_TIMEOUT_S


class ProviderError(Exception):
    """A provider refused or failed; ``detail`` is the provider's own words (never a key)."""

    def __init__(
        self,
        reason: Reason,
        detail: str = "",
        *,
        status: int | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class Completion:
    """Texts of one chat call and what it cost."""

    texts: list[str]
    prompt_tokens: int
    completion_tokens: int
    finish_reasons: list[str] = field(default_factory=list)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass
class StreamUsage:
    """Filled in by ``TextProvider.stream`` once the stream ends (tokens may be estimated)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class TalkStatus:
    status: str  # created, started, done, error, rejected
    result_url: str = ""
    duration_s: float = 0.0
    error: str = ""


Message = dict[str, str]


class TextProvider(Protocol):
    def complete(self, messages: list[Message], *, max_tokens: int, n: int = 1) -> Completion: ...

    def stream(
        self, messages: list[Message], *, max_tokens: int, usage: StreamUsage
    ) -> Iterator[str]: ...

    def image(self, prompt: str, *, size: str) -> tuple[bytes, int]: ...

    def check(self) -> str: ...


class VoiceProvider(Protocol):
    def speak(self, text: str, *, voice_id: str) -> bytes: ...

    def check(self) -> str: ...


class VideoProvider(Protocol):
    def create_talk(self, *, script: str, image_url: str, voice_id: str) -> str: ...

    def talk_status(self, talk_id: str) -> TalkStatus: ...

    def check(self) -> str: ...


def estimate_tokens(text: str) -> int:
    """About four characters a token, for servers that do not report usage."""
    return max(1, (len(text) + 3) // 4) if text else 0


def _retry_after(headers: Mapping[str, str] | None) -> int | None:
    if headers is None:
        return None
    raw = headers.get("retry-after") or headers.get("retry-after-ms")
    try:
        value = float(raw) if raw is not None else None
    except ValueError:
        return None
    if value is None:
        return None
    if "retry-after-ms" in headers and "retry-after" not in headers:
        value /= 1000
    return max(1, round(value))


def _openai_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
        if isinstance(body.get("message"), str):
            return str(body["message"])
    return exc.message


def _from_openai(exc: Exception) -> ProviderError:
    """Translate an ``openai`` SDK exception (status, timeout, connection) into a reason."""
    if isinstance(exc, openai.APITimeoutError):
        return ProviderError("timeout", "the request timed out")
    if isinstance(exc, openai.APIConnectionError):
        return ProviderError("connection", str(exc.__cause__ or exc))
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        detail = _openai_message(exc)
        if status in (401, 403):
            return ProviderError("auth", detail, status=status)
        if status == 429:
            code = getattr(exc, "code", None)
            reason: Reason = "quota" if code == "insufficient_quota" else "rate_limit"
            return ProviderError(
                reason, detail, status=status, retry_after=_retry_after(exc.response.headers)
            )
        if status >= 500:
            return ProviderError("server", detail, status=status)
        return ProviderError("rejected", detail, status=status)
    if isinstance(exc, openai.OpenAIError):
        return ProviderError("rejected", str(exc))
    raise exc


def _sdk_messages(messages: list[Message]) -> Any:
    """Our plain role/content dicts are what the SDK's typed message params describe."""
    return messages


class OpenAICompatibleText:
    """Chat and images through the ``openai`` SDK against any compatible base URL."""

    def __init__(self, runtime: ProviderRuntime) -> None:
        self.runtime = runtime
        self.client = openai.OpenAI(
            base_url=runtime.base_url,
            # Local servers (Ollama, llama.cpp) need no key but the SDK insists on one.
            api_key=runtime.api_key or "no-key",
            timeout=runtime.timeout_s,
            max_retries=0,
        )
        self.limit_param = str(runtime.options.get("token_param") or "max_tokens")

    def _create(self, messages: list[Message], max_tokens: int, **extra: Any) -> Any:
        """One chat call; the token limit's parameter name adapts to the model.

        Most servers take ``max_tokens``; OpenAI's reasoning models refuse it and want
        ``max_completion_tokens``. The first refusal switches this client over and retries.
        """
        create: Any = self.client.chat.completions.create  # overloads keyed on ``stream``
        for attempt in range(2):
            try:
                return create(
                    model=self.runtime.model,
                    messages=_sdk_messages(messages),
                    **{self.limit_param: max_tokens},
                    **extra,
                )
            except openai.BadRequestError as exc:
                wants_other = exc.param == self.limit_param or (
                    "max_completion_tokens" in _openai_message(exc)
                    and self.limit_param == "max_tokens"
                )
                if attempt or not wants_other:
                    raise
                self.limit_param = (
                    "max_completion_tokens" if self.limit_param == "max_tokens" else "max_tokens"
                )
        raise AssertionError("unreachable: the loop returns or raises")

    def complete(self, messages: list[Message], *, max_tokens: int, n: int = 1) -> Completion:
        try:
            answer = self._create(messages, max_tokens, n=n)
        except openai.OpenAIError as exc:
            raise _from_openai(exc) from None
        texts = [(c.message.content or "").strip() for c in answer.choices]
        reasons = [str(c.finish_reason or "") for c in answer.choices]
        if answer.usage is not None:
            prompt, completion = answer.usage.prompt_tokens, answer.usage.completion_tokens
        else:
            prompt = sum(estimate_tokens(m["content"]) for m in messages)
            completion = sum(estimate_tokens(t) for t in texts)
        return Completion(texts, prompt, completion, reasons)

    def stream(
        self, messages: list[Message], *, max_tokens: int, usage: StreamUsage
    ) -> Iterator[str]:
        """Text pieces as they arrive; ``usage`` holds the call's tokens when it ends."""
        written: list[str] = []
        reported = False
        try:
            chunks = self._create(
                messages, max_tokens, stream=True, stream_options={"include_usage": True}
            )
            for chunk in chunks:
                if chunk.usage is not None:
                    usage.prompt_tokens = chunk.usage.prompt_tokens
                    usage.completion_tokens = chunk.usage.completion_tokens
                    reported = True
                for choice in chunk.choices:
                    if choice.index == 0 and choice.delta.content:
                        written.append(choice.delta.content)
                        yield choice.delta.content
        except openai.OpenAIError as exc:
            raise _from_openai(exc) from None
        finally:
            if not reported:
                usage.prompt_tokens = sum(estimate_tokens(m["content"]) for m in messages)
                usage.completion_tokens = estimate_tokens("".join(written))

    def image(self, prompt: str, *, size: str) -> tuple[bytes, int]:
        """One image as bytes, and the tokens the server reported (0 when it reports none)."""
        model = self.runtime.image_model or "gpt-image-1"
        kwargs: dict[str, Any] = {"model": model, "prompt": prompt, "size": size, "n": 1}
        if model.startswith("dall-e"):
            kwargs["response_format"] = "b64_json"
        try:
            answer = self.client.images.generate(**kwargs)
        except openai.OpenAIError as exc:
            raise _from_openai(exc) from None
        if not answer.data:
            raise ProviderError("rejected", "the server returned no image")
        item = answer.data[0]
        tokens = int(getattr(answer.usage, "total_tokens", 0) or 0) if answer.usage else 0
        if item.b64_json:
            return base64.b64decode(item.b64_json), tokens
        if item.url:
            return _download(item.url, self.runtime.timeout_s), tokens
        raise ProviderError("rejected", "the server returned neither image data nor a URL")

    def check(self) -> str:
        try:
            models = [m.id for m in self.client.models.list()]
        except openai.OpenAIError as exc:
            raise _from_openai(exc) from None
        if self.runtime.model and models and self.runtime.model not in models:
            raise ProviderError(
                "rejected",
                f"the server has no model named {self.runtime.model!r} "
                f"(it offers {', '.join(sorted(models)[:8])})",
            )
        return f"Connected: the server offers {len(models)} models."


def _download(url: str, timeout: float) -> bytes:
    try:
        response = httpx.get(url, timeout=timeout, follow_redirects=True)
    except httpx.TimeoutException:
        raise ProviderError("timeout", "downloading the result timed out") from None
    except httpx.HTTPError as exc:
        raise ProviderError("connection", str(exc)) from None
    if response.status_code >= 400:
        raise ProviderError("server", f"downloading the result failed ({response.status_code})")
    return response.content


def _http_error(response: httpx.Response) -> ProviderError:
    """A non-2xx answer from ElevenLabs or D-ID as a ProviderError, in their own words."""
    status = response.status_code
    detail = response.text[:300]
    code = ""
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        body = None
    if isinstance(body, dict):
        inner = body.get("detail", body)
        if isinstance(inner, dict):
            code = str(inner.get("status") or inner.get("kind") or "")
            detail = str(inner.get("message") or inner.get("description") or detail)
        elif isinstance(inner, list) and inner and isinstance(inner[0], dict):
            detail = str(inner[0].get("msg") or detail)
        if "kind" in body:
            code = str(body["kind"])
            detail = str(body.get("description") or detail)
    if code in ("quota_exceeded", "InsufficientCreditsError") or status == 402:
        return ProviderError("quota", detail, status=status)
    if status in (401, 403):
        return ProviderError("auth", detail, status=status)
    if status == 429:
        return ProviderError(
            "rate_limit", detail, status=status, retry_after=_retry_after(response.headers)
        )
    if status >= 500:
        return ProviderError("server", detail, status=status)
    return ProviderError("rejected", detail, status=status)


class _HttpProvider:
    """Shared httpx plumbing: one client per call site, errors translated."""

    def __init__(self, runtime: ProviderRuntime, headers: dict[str, str]) -> None:
        self.runtime = runtime
        self.client = httpx.Client(
            base_url=runtime.base_url.rstrip("/"), headers=headers, timeout=runtime.timeout_s
        )

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.client.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise ProviderError("timeout", "the request timed out") from None
        except httpx.HTTPError as exc:
            raise ProviderError("connection", str(exc)) from None
        if response.status_code >= 400:
            raise _http_error(response)
        return response


class ElevenLabsVoice(_HttpProvider):
    """ElevenLabs text-to-speech: ``POST /v1/text-to-speech/{voice_id}`` → MP3 bytes."""

    def __init__(self, runtime: ProviderRuntime) -> None:
        super().__init__(runtime, {"xi-api-key": runtime.api_key, "accept": "audio/mpeg"})

    def speak(self, text: str, *, voice_id: str) -> bytes:
        response = self.request(
            "POST",
            f"/v1/text-to-speech/{voice_id}",
            params={"output_format": "mp3_44100_128"},
            json={"text": text, "model_id": self.runtime.model or "eleven_multilingual_v2"},
        )
        if not response.headers.get("content-type", "").startswith("audio/"):
            raise ProviderError("rejected", "the answer was not audio")
        return response.content

    def voices(self) -> list[dict[str, str]]:
        body = self.request("GET", "/v1/voices").json()
        return [
            {"voice_id": str(v.get("voice_id")), "name": str(v.get("name"))}
            for v in body.get("voices", [])
        ]

    def check(self) -> str:
        return f"Connected: {len(self.voices())} voices available."


class DIDVideo(_HttpProvider):
    """D-ID talks: a photo URL and a script become a talking-head video, rendered async."""

    def __init__(self, runtime: ProviderRuntime) -> None:
        super().__init__(runtime, {"authorization": f"Basic {runtime.api_key}"})

    def create_talk(self, *, script: str, image_url: str, voice_id: str) -> str:
        body = {
            "source_url": image_url,
            "script": {
                "type": "text",
                "input": script,
                "provider": {"type": "microsoft", "voice_id": voice_id},
            },
            "config": {"stitch": True},
        }
        answer = self.request("POST", "/talks", json=body).json()
        talk_id = answer.get("id")
        if not talk_id:
            raise ProviderError("rejected", "the answer had no talk id")
        return str(talk_id)

    def talk_status(self, talk_id: str) -> TalkStatus:
        body = self.request("GET", f"/talks/{talk_id}").json()
        error = body.get("error") or {}
        return TalkStatus(
            status=str(body.get("status", "")),
            result_url=str(body.get("result_url") or ""),
            duration_s=float(body.get("duration") or 0),
            error=str(error.get("description") or error.get("kind") or "")
            if isinstance(error, dict)
            else str(error),
        )

    def check(self) -> str:
        body = self.request("GET", "/credits").json()
        return f"Connected: {body.get('remaining', 0)} credits remaining."


def text_provider(runtime: ProviderRuntime) -> TextProvider:
    return OpenAICompatibleText(runtime)


def voice_provider(runtime: ProviderRuntime) -> VoiceProvider:
    return ElevenLabsVoice(runtime)


def video_provider(runtime: ProviderRuntime) -> VideoProvider:
    return DIDVideo(runtime)
