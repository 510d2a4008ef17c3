"""An OpenAI-compatible server on loopback: chat completions (plain and streamed), images, models.

Written to the public contract of ``/v1/chat/completions``, ``/v1/images/generations`` and
``/v1/models`` as the ``openai`` SDK calls them: Bearer keys (401 ``invalid_api_key``),
unknown models (404 ``model_not_found``), malformed bodies (400 ``invalid_request_error``),
rate limits (429 ``rate_limit_exceeded`` with ``retry-after``), server errors and timeouts
through the base's scripted faults, and usage counts in every answer.

Replies are deterministic and built from the prompt so tests can assert on them:
  - a prompt asking for hashtags answers with hashtags made from its longest words;
  - a prompt asking for a video script answers with numbered scenes;
  - otherwise the reply restates the request's "Brief:"/"Text:" line (or the last user
    message) after an opener chosen by the choice index, so variants differ;
  - "at most N characters" in the prompt is obeyed (cut at a word boundary);
  - ``max_tokens`` / ``max_completion_tokens`` cut the reply (``finish_reason: "length"``).
``script_reply`` queues exact replies for the next calls (e.g. one too long for a network).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import secrets
import time
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

from PIL import Image, ImageDraw
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from socialmuse.emulators.base import Emulator, Receive, Scope, Send

DEFAULT_KEY = "sk-emulator-0000000000000000"
CHAT_MODELS = ("gpt-4o-mini", "gpt-4.1", "llama3.2", "o4-mini")
# Like OpenAI's reasoning models: they refuse ``max_tokens`` (``max_completion_tokens`` only).
COMPLETION_TOKENS_ONLY = ("o4-mini",)
IMAGE_MODELS = ("gpt-image-1", "dall-e-3", "dall-e-2")
SIZES = {
    "256x256",
    "512x512",
    "1024x1024",
    "1024x1536",
    "1536x1024",
    "1024x1792",
    "1792x1024",
    "auto",
}
OPENERS = ("Big news:", "Here's the short version:", "Worth knowing:", "Quick one:", "Today:")
_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_LIMIT = re.compile(r"(?:at most|under|no more than|within|maximum of)\s+(\d+)\s+characters", re.I)
_VARIANT = re.compile(r"\bvariant\s+(\d+)", re.I)
_FIELD = re.compile(r"^(?:brief|text|topic)\s*:\s*(.+)$", re.I | re.M)


def count_tokens(text: str) -> int:
    """A stable stand-in for a tokenizer: words and punctuation marks."""
    return len(_TOKEN.findall(text))


def error_body(
    message: str, type_: str, code: str | None, param: str | None = None
) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def _error(status: int, message: str, type_: str, code: str | None, **headers: str) -> Response:
    return JSONResponse(error_body(message, type_, code), status_code=status, headers=headers)


def _content_text(content: Any) -> str:
    """Message content as text: a string or a list of ``{"type": "text", "text": ...}`` parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(
            str(p.get("text", ""))
            for p in content
            if isinstance(p, dict) and p.get("type") == "text"
        )
    return ""


def _cut_tokens(text: str, max_tokens: int) -> str:
    """The prefix of ``text`` holding at most ``max_tokens`` tokens."""
    matches = list(_TOKEN.finditer(text))
    if len(matches) <= max_tokens:
        return text
    return text[: matches[max_tokens - 1].end()] if max_tokens > 0 else ""


def _fit(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut if len(cut) <= limit else text[:limit]


def compose_reply(messages: list[dict[str, Any]], index: int = 0) -> str:
    """The deterministic reply to a conversation (see the module docstring)."""
    user = next(
        (_content_text(m.get("content")) for m in reversed(messages) if m.get("role") == "user"),
        "",
    )
    system = " ".join(
        _content_text(m.get("content"))
        for m in messages
        if m.get("role") in ("system", "developer")
    )
    whole = f"{system}\n{user}"
    fields = _FIELD.findall(user)
    subject = " ".join(fields[-1].split()) if fields else " ".join(user.split())
    subject = subject.rstrip(".!?") or "our news"
    lowered = user.lower()
    if "hashtag" in lowered:
        words = sorted(
            {w for w in re.findall(r"[^\W\d_]{4,}", subject)}, key=lambda w: (-len(w), w.lower())
        )
        reply = " ".join(f"#{w.lower()}" for w in words[:5]) or "#news"
    elif "video script" in lowered or "script" in lowered.split():
        reply = (
            f"Scene 1 (hook): {subject}.\n"
            f"Scene 2 (why it matters): what {subject.lower()} means for you.\n"
            "Scene 3 (call to action): follow us to hear more."
        )
    else:
        asked = _VARIANT.search(user)  # "Variant 2 of 3" picks another opener, like n=2
        opener = OPENERS[(index + (int(asked.group(1)) - 1 if asked else 0)) % len(OPENERS)]
        reply = f"{opener} {subject[0].upper()}{subject[1:]}."
    limits = [int(n) for n in _LIMIT.findall(whole)]
    if limits:
        reply = _fit(reply, min(limits))
    return reply


def placeholder_png(prompt: str, size: str) -> bytes:
    """A real PNG whose colours come from the prompt, so the same prompt gives the same image."""
    width, height = (1024, 1024) if size == "auto" else (int(v) for v in size.split("x"))
    digest = hashlib.sha256(prompt.encode()).digest()
    image = Image.new("RGB", (width, height), (digest[0], digest[1], digest[2]))
    draw = ImageDraw.Draw(image)
    draw.ellipse(
        (width // 4, height // 4, 3 * width // 4, 3 * height // 4),
        fill=(digest[3], digest[4], digest[5]),
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class EventStream(Response):
    """Server-sent events sent chunk by chunk.

    Starlette's StreamingResponse also waits on ``receive`` for a disconnect; behind the
    base's recorder (which replays the buffered body forever) that wait never yields, so
    this response only sends.
    """

    media_type = "text/event-stream"

    def __init__(self, events: AsyncIterator[bytes]) -> None:
        super().__init__(headers={"cache-control": "no-cache"}, media_type=self.media_type)
        self.raw_headers = [(k, v) for k, v in self.raw_headers if k != b"content-length"]
        self.events = events

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        async for event in self.events:
            await send({"type": "http.response.body", "body": event, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


class OpenAICompatEmulator(Emulator):
    """Chat, images and models, with the keys, models and limits a test configures."""

    name = "openai"

    def __init__(
        self,
        *,
        api_keys: tuple[str, ...] = (DEFAULT_KEY,),
        chat_models: tuple[str, ...] = CHAT_MODELS,
        image_models: tuple[str, ...] = IMAGE_MODELS,
        latency: float = 0.0,
    ) -> None:
        super().__init__(latency=latency)
        self.api_keys = set(api_keys)
        self.chat_models = chat_models
        self.image_models = image_models
        self.scripted: deque[str] = deque()
        self.rate_limited = 0
        self.retry_after = 20
        self.images: dict[str, bytes] = {}

    def reset(self) -> None:
        super().reset()
        with self.lock:
            self.scripted.clear()
            self.rate_limited = 0
            self.images.clear()

    def script_reply(self, *replies: str) -> None:
        """The next completions answer exactly these texts, in order."""
        with self.lock:
            self.scripted.extend(replies)

    def rate_limit(self, requests: int = 1, *, retry_after: int = 20) -> None:
        """Answer the next ``requests`` calls with 429 and ``retry-after: <retry_after>``."""
        with self.lock:
            self.rate_limited = requests
            self.retry_after = retry_after

    # -- gatekeeping shared by every route ------------------------------------------------

    def _gate(self, request: Request) -> Response | None:
        auth = request.headers.get("authorization", "")
        key = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        if key not in self.api_keys:
            shown = f"{key[:3]}***{key[-4:]}" if len(key) > 8 else "***"
            return _error(
                401,
                f"Incorrect API key provided: {shown}. You can find your API key at "
                "https://platform.openai.com/account/api-keys.",
                "invalid_request_error",
                "invalid_api_key",
            )
        with self.lock:
            if self.rate_limited > 0:
                self.rate_limited -= 1
                return _error(
                    429,
                    f"Rate limit reached for requests. Please try again in {self.retry_after}s.",
                    "requests",
                    "rate_limit_exceeded",
                    **{"retry-after": str(self.retry_after)},
                )
        return None

    async def _json(self, request: Request) -> dict[str, Any] | Response:
        try:
            data = json.loads(await request.body() or b"null")
        except ValueError:
            return _error(
                400,
                "We could not parse the JSON body of your request.",
                "invalid_request_error",
                None,
            )
        if not isinstance(data, dict):
            return _error(400, "The body must be a JSON object.", "invalid_request_error", None)
        return data

    # -- routes -------------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/v1/chat/completions", self._chat, methods=["POST"]),
            Route("/v1/images/generations", self._images, methods=["POST"]),
            Route("/v1/models", self._models, methods=["GET"]),
            Route("/v1/files/images/{image_id}", self._image_file, methods=["GET"]),
        ]

    async def _models(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        created = 1_700_000_000
        return JSONResponse(
            {
                "object": "list",
                "data": [
                    {"id": m, "object": "model", "created": created, "owned_by": "emulator"}
                    for m in (*self.chat_models, *self.image_models)
                ],
            }
        )

    def _check_chat(self, data: dict[str, Any]) -> Response | None:
        model = data.get("model")
        if not isinstance(model, str) or not model:
            return _error(400, "you must provide a model parameter", "invalid_request_error", None)
        messages = data.get("messages")
        if not isinstance(messages, list) or not messages:
            return _error(
                400,
                "[] is too short - 'messages'",
                "invalid_request_error",
                "invalid_value",
            )
        for i, message in enumerate(messages):
            if not isinstance(message, dict) or message.get("role") not in (
                "system",
                "developer",
                "user",
                "assistant",
                "tool",
            ):
                return _error(
                    400,
                    f"Invalid value for 'messages[{i}].role'.",
                    "invalid_request_error",
                    "invalid_value",
                )
        if model not in self.chat_models:
            return _error(
                404,
                f"The model `{model}` does not exist or you do not have access to it.",
                "invalid_request_error",
                "model_not_found",
            )
        if model in COMPLETION_TOKENS_ONLY and "max_tokens" in data:
            return JSONResponse(
                error_body(
                    "Unsupported parameter: 'max_tokens' is not supported with this model. "
                    "Use 'max_completion_tokens' instead.",
                    "invalid_request_error",
                    "unsupported_parameter",
                    param="max_tokens",
                ),
                status_code=400,
            )
        limit = data.get("max_completion_tokens", data.get("max_tokens"))
        if limit is not None and (not isinstance(limit, int) or limit < 1):
            return _error(
                400,
                "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1.",
                "invalid_request_error",
                "integer_below_min_value",
            )
        n = data.get("n", 1)
        if not isinstance(n, int) or not 1 <= n <= 8:
            return _error(
                400, "Invalid 'n': expected 1 to 8.", "invalid_request_error", "invalid_value"
            )
        return None

    def _replies(self, data: dict[str, Any]) -> list[tuple[str, str]]:
        """(text, finish_reason) per choice, honouring scripts and the token limit."""
        limit = data.get("max_completion_tokens", data.get("max_tokens"))
        out: list[tuple[str, str]] = []
        for index in range(int(data.get("n", 1))):
            with self.lock:
                scripted = self.scripted.popleft() if self.scripted else None
            text = scripted if scripted is not None else compose_reply(data["messages"], index)
            finish = "stop"
            if limit is not None and count_tokens(text) > limit:
                text, finish = _cut_tokens(text, int(limit)), "length"
            out.append((text, finish))
        return out

    async def _chat(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        data = await self._json(request)
        if isinstance(data, Response):
            return data
        if (invalid := self._check_chat(data)) is not None:
            return invalid
        prompt_tokens = sum(
            count_tokens(_content_text(m.get("content"))) + 4 for m in data["messages"]
        )
        replies = self._replies(data)
        completion_tokens = sum(count_tokens(t) for t, _ in replies)
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        ident = f"chatcmpl-{secrets.token_hex(12)}"
        created = int(time.time())
        model = data["model"]
        if data.get("stream"):
            include_usage = bool((data.get("stream_options") or {}).get("include_usage"))
            return EventStream(
                self._sse(ident, created, model, replies, usage if include_usage else None)
            )
        return JSONResponse(
            {
                "id": ident,
                "object": "chat.completion",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_emulator",
                "choices": [
                    {
                        "index": i,
                        "message": {"role": "assistant", "content": text, "refusal": None},
                        "logprobs": None,
                        "finish_reason": finish,
                    }
                    for i, (text, finish) in enumerate(replies)
                ],
                "usage": usage,
            }
        )

    async def _sse(
        self,
        ident: str,
        created: int,
        model: str,
        replies: list[tuple[str, str]],
        usage: dict[str, int] | None,
    ) -> AsyncIterator[bytes]:
        def chunk(choices: list[dict[str, Any]], **extra: Any) -> bytes:
            body = {
                "id": ident,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_emulator",
                "choices": choices,
                **extra,
            }
            return f"data: {json.dumps(body)}\n\n".encode()

        for i, (text, finish) in enumerate(replies):
            yield chunk(
                [{"index": i, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]
            )
            for piece in re.findall(r"\S+\s*|\s+", text):
                yield chunk([{"index": i, "delta": {"content": piece}, "finish_reason": None}])
            yield chunk([{"index": i, "delta": {}, "finish_reason": finish}])
        if usage is not None:
            yield chunk([], usage=usage)
        yield b"data: [DONE]\n\n"

    async def _images(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        data = await self._json(request)
        if isinstance(data, Response):
            return data
        prompt = data.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            return _error(
                400, "Missing required parameter: 'prompt'.", "invalid_request_error", None
            )
        model = str(data.get("model") or "dall-e-2")
        if model not in self.image_models:
            return _error(
                404,
                f"The model `{model}` does not exist or you do not have access to it.",
                "invalid_request_error",
                "model_not_found",
            )
        size = str(data.get("size") or "1024x1024")
        if size not in SIZES:
            return _error(
                400,
                f"'{size}' is not one of {sorted(SIZES)} - 'size'",
                "invalid_request_error",
                "invalid_value",
            )
        n = data.get("n", 1)
        if not isinstance(n, int) or not 1 <= n <= 4:
            return _error(
                400, "Invalid 'n': expected 1 to 4.", "invalid_request_error", "invalid_value"
            )
        # gpt-image-1 always answers base64; DALL·E honours response_format (default url).
        fmt = "b64_json" if model == "gpt-image-1" else str(data.get("response_format") or "url")
        items: list[dict[str, Any]] = []
        for i in range(n):
            png = placeholder_png(f"{prompt}#{i}", size)
            if fmt == "b64_json":
                items.append({"b64_json": base64.b64encode(png).decode(), "revised_prompt": prompt})
            else:
                image_id = f"img-{secrets.token_hex(8)}.png"
                with self.lock:
                    self.images[image_id] = png
                root = self.base_url or str(request.base_url).rstrip("/")
                url = f"{root}/v1/files/images/{image_id}"
                items.append({"url": url, "revised_prompt": prompt})
        return JSONResponse({"created": int(time.time()), "data": items})

    async def _image_file(self, request: Request) -> Response:
        with self.lock:
            png = self.images.get(request.path_params["image_id"])
        if png is None:
            return _error(404, "No such image.", "invalid_request_error", None)
        return Response(png, media_type="image/png")
