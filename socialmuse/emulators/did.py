"""A D-ID talks server on loopback: a still photo and a script become a talking-head video.

``POST /talks`` (``Authorization: Basic <api key>``) with ``{"source_url", "script":
{"type": "text", "input", "provider"}}`` answers 201 ``{"id": "tlk_…", "status":
"created"}``; each ``GET /talks/{id}`` moves the talk one step through created → started →
done (``polls_to_finish`` reads), and a done talk carries ``result_url`` (an MP4 this server
serves) and ``duration`` in seconds. Errors use D-ID's ``{"kind", "description"}`` shape:
401 ``AuthorizationError``, 400 ``ValidationError``, 402 ``InsufficientCreditsError``
(credits are seconds of video), 404 ``NotFoundError``, 429 ``TooManyRequestsError``.
A source that is not an http(s) URL fails the talk (``status: "error"``) as D-ID does when
it cannot fetch the image.
"""

from __future__ import annotations

import json
import secrets
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from socialmuse.emulators.base import Emulator

DEFAULT_KEY = "ZGlkQGV4YW1wbGUuY29t:did-emulator-secret"
WORDS_PER_SECOND = 2.5
STEPS = ("created", "started", "done")


@dataclass
class Talk:
    id: str
    source_url: str
    script: str
    created_at: str
    duration: int
    polls: int = 0
    status: str = "created"
    error: dict[str, str] | None = field(default=None)


def _problem(status: int, kind: str, description: str) -> Response:
    return JSONResponse({"kind": kind, "description": description}, status_code=status)


def tiny_mp4() -> bytes:
    """An ``ftyp`` + empty ``mdat`` box: enough for a content sniffer to say video/mp4."""
    ftyp = b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41"
    return struct.pack(">I", 8 + len(ftyp)) + b"ftyp" + ftyp + struct.pack(">I", 8) + b"mdat"


class DIDEmulator(Emulator):
    """Talks, their progress, and a credit balance in seconds of video."""

    name = "did"

    def __init__(
        self,
        *,
        api_keys: tuple[str, ...] = (DEFAULT_KEY,),
        credits_seconds: int = 10_000,
        polls_to_finish: int = 2,
        latency: float = 0.0,
    ) -> None:
        super().__init__(latency=latency)
        self.api_keys = set(api_keys)
        self.credits_seconds = credits_seconds
        self.polls_to_finish = polls_to_finish
        self.talks: dict[str, Talk] = {}
        self.rate_limited = 0

    def reset(self) -> None:
        super().reset()
        with self.lock:
            self.talks.clear()
            self.rate_limited = 0

    def rate_limit(self, requests: int = 1) -> None:
        with self.lock:
            self.rate_limited = requests

    def _gate(self, request: Request) -> Response | None:
        auth = request.headers.get("authorization", "")
        key = auth[6:].strip() if auth.lower().startswith("basic ") else ""
        if key not in self.api_keys:
            return _problem(401, "AuthorizationError", "Unauthorized")
        with self.lock:
            if self.rate_limited > 0:
                self.rate_limited -= 1
                return _problem(429, "TooManyRequestsError", "Too Many Requests")
        return None

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/talks", self._create, methods=["POST"]),
            Route("/talks/{talk_id}", self._get, methods=["GET"]),
            Route("/credits", self._credits, methods=["GET"]),
            Route("/results/{talk_id}.mp4", self._result, methods=["GET"]),
        ]

    async def _credits(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        with self.lock:
            remaining = self.credits_seconds
        return JSONResponse({"remaining": remaining, "total": remaining})

    async def _create(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        try:
            data: Any = json.loads(await request.body() or b"null")
        except ValueError:
            return _problem(400, "ValidationError", "The request body is not valid JSON.")
        if not isinstance(data, dict):
            return _problem(400, "ValidationError", "The request body must be an object.")
        source = data.get("source_url")
        script = data.get("script")
        if not isinstance(source, str) or not source:
            return _problem(400, "ValidationError", '"source_url" is required')
        if not isinstance(script, dict) or script.get("type") not in ("text", "audio"):
            return _problem(400, "ValidationError", '"script.type" must be one of [text, audio]')
        text = script.get("input")
        if script["type"] == "text" and (not isinstance(text, str) or not text.strip()):
            return _problem(400, "ValidationError", '"script.input" is not allowed to be empty')
        words = len(str(text or "").split())
        duration = max(1, round(words / WORDS_PER_SECOND))
        with self.lock:
            if duration > self.credits_seconds:
                return _problem(
                    402, "InsufficientCreditsError", "not enough credits to create this talk"
                )
            self.credits_seconds -= duration
            talk = Talk(
                id=f"tlk_{secrets.token_urlsafe(12)}",
                source_url=source,
                script=str(text or ""),
                created_at=datetime.now(UTC).isoformat().replace("+00:00", "Z"),
                duration=duration,
            )
            if not source.startswith(("http://", "https://")):
                talk.error = {
                    "kind": "FaceError",
                    "description": "Failed to fetch the source image.",
                }
            self.talks[talk.id] = talk
        return JSONResponse(
            {
                "id": talk.id,
                "created_at": talk.created_at,
                "created_by": "emulator-user",
                "status": "created",
                "object": "talk",
            },
            status_code=201,
        )

    async def _get(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        with self.lock:
            talk = self.talks.get(request.path_params["talk_id"])
            if talk is None:
                return _problem(404, "NotFoundError", "talk not found")
            talk.polls += 1
            if talk.error is not None and talk.polls >= 1:
                talk.status = "error"
            else:
                step = min(talk.polls * (len(STEPS) - 1) // max(1, self.polls_to_finish), 2)
                talk.status = STEPS[step]
            body: dict[str, Any] = {
                "id": talk.id,
                "object": "talk",
                "created_at": talk.created_at,
                "source_url": talk.source_url,
                "status": talk.status,
            }
            if talk.status == "done":
                body |= {
                    "result_url": f"{self.base_url}/results/{talk.id}.mp4",
                    "duration": talk.duration,
                }
            if talk.status == "error":
                body["error"] = talk.error
        return JSONResponse(body)

    async def _result(self, request: Request) -> Response:
        with self.lock:
            talk = self.talks.get(request.path_params["talk_id"])
        if talk is None or talk.status != "done":
            return _problem(404, "NotFoundError", "result not found")
        return Response(tiny_mp4(), media_type="video/mp4")
