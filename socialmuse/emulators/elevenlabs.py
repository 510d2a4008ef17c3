"""An ElevenLabs text-to-speech server on loopback, written to the public v1 contract.

``POST /v1/text-to-speech/{voice_id}`` with ``xi-api-key`` and ``{"text", "model_id",
"voice_settings"}`` answers ``audio/mpeg`` bytes: real MPEG-1 Layer III frames (silent), as
many as the text would take to speak at about 15 characters a second, so players and
duration probes accept them. ``GET /v1/voices`` lists the voices. Errors use ElevenLabs'
``{"detail": {"status": ..., "message": ...}}`` shape: 401 ``invalid_api_key``, 401
``quota_exceeded`` when the character quota runs out, 404 ``voice_not_found``, 422 for a
missing text, 429 ``too_many_concurrent_requests`` via ``rate_limit``.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from socialmuse.emulators.base import Emulator

DEFAULT_KEY = "xi-emulator-key-0000"
MAX_TEXT = 5000
CHARS_PER_SECOND = 15
# MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding, joint stereo: 417-byte frames of 1152
# samples (26.1 ms each).
_FRAME_HEADER = bytes([0xFF, 0xFB, 0x90, 0x64])
_FRAME_BYTES = 417
_FRAMES_PER_SECOND = 44100 / 1152


@dataclass(frozen=True)
class Voice:
    voice_id: str
    name: str
    category: str = "premade"
    accent: str = "american"


VOICES = (
    Voice("21m00Tcm4TlvDq8ikWAM", "Rachel"),
    Voice("AZnzlk1XvdvUeBnXmlld", "Domi"),
    Voice("EXAVITQu4vr4xnSDxMaL", "Bella", accent="british"),
)


def silent_mp3(seconds: float) -> bytes:
    """Valid, silent MPEG audio lasting about ``seconds``."""
    frames = max(1, round(seconds * _FRAMES_PER_SECOND))
    frame = _FRAME_HEADER + bytes(_FRAME_BYTES - len(_FRAME_HEADER))
    return frame * frames


def _detail(status: int, code: str, message: str, **headers: str) -> Response:
    return JSONResponse(
        {"detail": {"status": code, "message": message}}, status_code=status, headers=headers
    )


class ElevenLabsEmulator(Emulator):
    """Voices and speech synthesis; ``character_quota`` models a plan's monthly characters."""

    name = "elevenlabs"

    def __init__(
        self,
        *,
        api_keys: tuple[str, ...] = (DEFAULT_KEY,),
        character_quota: int = 1_000_000,
        latency: float = 0.0,
    ) -> None:
        super().__init__(latency=latency)
        self.api_keys = set(api_keys)
        self.character_quota = character_quota
        self.characters_used = 0
        self.rate_limited = 0

    def reset(self) -> None:
        super().reset()
        with self.lock:
            self.characters_used = 0
            self.rate_limited = 0

    def rate_limit(self, requests: int = 1) -> None:
        with self.lock:
            self.rate_limited = requests

    def _gate(self, request: Request) -> Response | None:
        if request.headers.get("xi-api-key", "") not in self.api_keys:
            return _detail(401, "invalid_api_key", "Invalid API key")
        with self.lock:
            if self.rate_limited > 0:
                self.rate_limited -= 1
                return _detail(
                    429,
                    "too_many_concurrent_requests",
                    "Too many concurrent requests for your subscription.",
                )
        return None

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/v1/voices", self._voices, methods=["GET"]),
            Route("/v1/text-to-speech/{voice_id}", self._speech, methods=["POST"]),
            Route("/v1/user/subscription", self._subscription, methods=["GET"]),
        ]

    async def _voices(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        return JSONResponse(
            {
                "voices": [
                    {
                        "voice_id": v.voice_id,
                        "name": v.name,
                        "category": v.category,
                        "labels": {"accent": v.accent},
                        "preview_url": f"{self.base_url}/previews/{v.voice_id}.mp3",
                    }
                    for v in VOICES
                ]
            }
        )

    async def _subscription(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        with self.lock:
            used = self.characters_used
        return JSONResponse(
            {"tier": "creator", "character_count": used, "character_limit": self.character_quota}
        )

    async def _speech(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        voice_id = request.path_params["voice_id"]
        if voice_id not in {v.voice_id for v in VOICES}:
            return _detail(
                404, "voice_not_found", f"A voice with the voice_id {voice_id} was not found."
            )
        try:
            data: Any = json.loads(await request.body() or b"null")
        except ValueError:
            data = None
        text = data.get("text") if isinstance(data, dict) else None
        if not isinstance(text, str) or not text.strip():
            return JSONResponse(
                {
                    "detail": [
                        {
                            "type": "missing",
                            "loc": ["body", "text"],
                            "msg": "Field required",
                            "input": data,
                        }
                    ]
                },
                status_code=422,
            )
        if len(text) > MAX_TEXT:
            return _detail(
                400,
                "max_character_limit_exceeded",
                f"Text is {len(text)} characters; the limit per request is {MAX_TEXT}.",
            )
        with self.lock:
            if self.characters_used + len(text) > self.character_quota:
                left = self.character_quota - self.characters_used
                return _detail(
                    401,
                    "quota_exceeded",
                    f"This request exceeds your quota. You have {left} credits remaining, "
                    f"while {len(text)} credits are required for this request.",
                )
            self.characters_used += len(text)
        audio = silent_mp3(len(text) / CHARS_PER_SECOND)
        return Response(
            audio,
            media_type="audio/mpeg",
            headers={
                "character-cost": str(len(text)),
                "request-id": secrets.token_hex(10),
                "history-item-id": secrets.token_hex(10),
            },
        )
