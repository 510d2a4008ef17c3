"""Per-organization AI providers: where to call, which model, the key (sealed), the monthly cap.

Three kinds: ``text`` (chat and images on any OpenAI-compatible server: OpenAI, Azure
gateways, Ollama, vLLM, llama.cpp), ``voice`` (ElevenLabs) and ``video`` (D-ID). Admins
configure them; a key is stored only encrypted (``secrets.encrypt_json``) and never
returned: views show whether one is set and its last four characters.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel
from sqlmodel import Session, select

from socialmuse.models import AIProviderConfig, utcnow
from socialmuse.services import audit
from socialmuse.services.ai.metering import UNITS, explain, used_this_month
from socialmuse.services.ai.providers import (
    DEFAULT_TIMEOUT_S,
    ProviderError,
    ProviderRuntime,
    text_provider,
    video_provider,
    voice_provider,
)
from socialmuse.services.errors import ValidationError
from socialmuse.services.permissions import Action, Actor, authorize
from socialmuse.services.secrets import decrypt_json, encrypt_json

KINDS = ("text", "voice", "video")
KIND_LABELS = {
    "text": "Text and images (OpenAI-compatible)",
    "voice": "Voice-over (ElevenLabs)",
    "video": "Talking-head video (D-ID)",
}
DEFAULTS: dict[str, dict[str, Any]] = {
    "text": {
        "base_url": "https://api.openai.com/v1",
        "model": "gpt-4o-mini",
        "image_model": "gpt-image-1",
    },
    "voice": {
        "base_url": "https://api.elevenlabs.io",
        "model": "eleven_multilingual_v2",
        "voice_id": "21m00Tcm4TlvDq8ikWAM",
    },
    "video": {"base_url": "https://api.d-id.com", "model": "", "voice_id": "en-US-JennyNeural"},
}
MAX_KEY_LENGTH = 512
MAX_CAP = 10**12
MIN_TIMEOUT_S = 1.0
MAX_TIMEOUT_S = 600.0
NOT_CONFIGURED = "configure a provider in Settings → AI"


class AINotConfigured(ValidationError):
    """No provider of this kind: the door links to Settings → AI instead of failing."""


class ProviderPublic(BaseModel):
    """A provider as pages see it: never the key, only whether it is set and its end."""

    kind: str
    label: str
    configured: bool
    base_url: str
    model: str
    image_model: str
    voice_id: str
    key_set: bool
    key_last4: str
    monthly_cap: int
    timeout_s: float
    used_this_month: int
    unit: str
    updated_at: datetime | None


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationError(
            f"Unknown provider kind {kind!r}; use text, voice or video.", field="kind"
        )
    return kind


def _row(session: Session, organization_id: int, kind: str) -> AIProviderConfig | None:
    return session.exec(
        select(AIProviderConfig).where(
            AIProviderConfig.organization_id == organization_id, AIProviderConfig.kind == kind
        )
    ).first()


def _key_of(row: AIProviderConfig) -> str:
    return (
        str(decrypt_json(row.api_key_encrypted).get("api_key", "")) if row.api_key_encrypted else ""
    )


def _public(
    session: Session, organization_id: int, kind: str, row: AIProviderConfig | None
) -> ProviderPublic:
    defaults = DEFAULTS[kind]
    key = _key_of(row) if row is not None else ""
    return ProviderPublic(
        kind=kind,
        label=KIND_LABELS[kind],
        configured=row is not None,
        base_url=row.base_url if row else defaults["base_url"],
        model=row.model if row else defaults["model"],
        image_model=(row.image_model if row else defaults.get("image_model", "")) or "",
        voice_id=str((row.options if row else {}).get("voice_id") or defaults.get("voice_id", "")),
        key_set=bool(key),
        key_last4=key[-4:] if len(key) >= 8 else "",
        monthly_cap=row.monthly_cap if row else 0,
        timeout_s=float((row.options if row else {}).get("timeout_s") or DEFAULT_TIMEOUT_S),
        used_this_month=used_this_month(session, organization_id, kind),
        unit=UNITS[kind],
        updated_at=row.updated_at if row else None,
    )


def list_providers(session: Session, *, actor: Actor) -> list[ProviderPublic]:
    """The three providers of the actor's organization, configured or not (admins)."""
    authorize(actor, Action.AI_MANAGE, organization_id=actor.organization_id)
    return [
        _public(session, actor.organization_id, k, _row(session, actor.organization_id, k))
        for k in KINDS
    ]


def get_provider(session: Session, *, actor: Actor, kind: str) -> ProviderPublic:
    authorize(actor, Action.AI_MANAGE, organization_id=actor.organization_id)
    kind = _check_kind(kind)
    return _public(session, actor.organization_id, kind, _row(session, actor.organization_id, kind))


def configured_kinds(session: Session, *, actor: Actor) -> list[str]:
    """Which kinds are set up, for any member (the composer's AI panel adapts to it)."""
    authorize(actor, Action.ORG_VIEW, organization_id=actor.organization_id)
    rows = session.exec(
        select(AIProviderConfig.kind).where(
            AIProviderConfig.organization_id == actor.organization_id
        )
    ).all()
    return [k for k in KINDS if k in set(rows)]


def _check_url(raw: str) -> str:
    url = (raw or "").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(
            "Enter the provider's base URL, starting with https:// "
            "(or http:// for a server on your network).",
            field="base_url",
        )
    if parts.username or parts.password:
        raise ValidationError("Put the key in the key field, not in the URL.", field="base_url")
    return url


def set_provider(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    base_url: str,
    model: str,
    api_key: str | None = None,
    image_model: str = "",
    monthly_cap: int = 0,
    voice_id: str = "",
    timeout_s: float | None = None,
) -> ProviderPublic:
    """Create or change a provider. ``api_key`` None or blank keeps the stored key.

    ``timeout_s`` (1-600; None keeps the current one, 60 by default) is how long one call
    may take: raise it for a slow local model.
    """
    authorize(actor, Action.AI_MANAGE, organization_id=actor.organization_id)
    kind = _check_kind(kind)
    url = _check_url(base_url)
    model = " ".join((model or "").split())
    image_model = " ".join((image_model or "").split())
    voice_id = (voice_id or "").strip()
    if kind == "text" and not model:
        raise ValidationError(
            "Name the chat model, for example gpt-4o-mini or llama3.2.", field="model"
        )
    if kind in ("voice", "video") and not voice_id:
        raise ValidationError("Choose the voice to speak with.", field="voice_id")
    if len(model) > 255 or len(image_model) > 255 or len(voice_id) > 255:
        raise ValidationError("Model and voice names are at most 255 characters.", field="model")
    if not isinstance(monthly_cap, int) or not 0 <= monthly_cap <= MAX_CAP:
        raise ValidationError(
            "The monthly cap is a whole number, 0 for no cap.", field="monthly_cap"
        )
    if timeout_s is not None and not MIN_TIMEOUT_S <= timeout_s <= MAX_TIMEOUT_S:
        raise ValidationError(
            f"The timeout is between {MIN_TIMEOUT_S:g} and {MAX_TIMEOUT_S:g} seconds.",
            field="timeout_s",
        )
    key = (api_key or "").strip()
    if len(key) > MAX_KEY_LENGTH or any(ch.isspace() for ch in key):
        raise ValidationError(
            "That does not look like an API key (no spaces, at most 512 characters).",
            field="api_key",
        )
    row = _row(session, actor.organization_id, kind)
    if row is None and not key and kind != "text":
        raise ValidationError("Paste the provider's API key.", field="api_key")
    created = row is None
    if row is None:
        row = AIProviderConfig(organization_id=actor.organization_id, kind=kind, base_url=url)
    row.base_url = url
    row.model = model
    row.image_model = image_model if kind == "text" else ""
    row.monthly_cap = monthly_cap
    options = dict(row.options or {})
    if kind != "text":
        options["voice_id"] = voice_id
    if timeout_s is not None:
        options["timeout_s"] = float(timeout_s)
    row.options = options
    if key:
        row.api_key_encrypted = encrypt_json({"api_key": key})
    row.updated_by_user_id = actor.user_id or None
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    audit.record_for(
        session,
        actor,
        "ai.provider_configured" if created else "ai.provider_updated",
        target_type="ai_provider",
        target_id=row.id,
        details={
            "kind": kind,
            "base_url": url,
            "model": model,
            "key_changed": bool(key),
            "monthly_cap": monthly_cap,
        },
    )
    return _public(session, actor.organization_id, kind, row)


def clear_provider(session: Session, *, actor: Actor, kind: str) -> ProviderPublic:
    """Forget a provider and its key; usage history stays for the month's totals."""
    authorize(actor, Action.AI_MANAGE, organization_id=actor.organization_id)
    kind = _check_kind(kind)
    row = _row(session, actor.organization_id, kind)
    if row is not None:
        audit.record_for(
            session,
            actor,
            "ai.provider_removed",
            target_type="ai_provider",
            target_id=row.id,
            details={"kind": kind},
        )
        session.delete(row)
        session.flush()
    return _public(session, actor.organization_id, kind, None)


def load_runtime(session: Session, *, actor: Actor, kind: str) -> ProviderRuntime:
    """The provider with its key opened, for one call; AINotConfigured when there is none."""
    authorize(actor, Action.ORG_VIEW, organization_id=actor.organization_id)
    kind = _check_kind(kind)
    row = _row(session, actor.organization_id, kind)
    if row is None:
        what = {"text": "text", "voice": "voice-over", "video": "video"}[kind]
        raise AINotConfigured(
            f"No {what} AI provider is set up for this organization: "
            f"an admin can {NOT_CONFIGURED}.",
            field="ai",
        )
    return ProviderRuntime(
        kind=kind,
        base_url=row.base_url,
        model=row.model,
        api_key=_key_of(row),
        image_model=row.image_model,
        options=dict(row.options or {}),
        timeout_s=float((row.options or {}).get("timeout_s") or DEFAULT_TIMEOUT_S),
    )


def monthly_cap(session: Session, organization_id: int, kind: str) -> int:
    row = _row(session, organization_id, kind)
    return row.monthly_cap if row else 0


def check_connection(session: Session, *, actor: Actor, kind: str) -> str:
    """Call the provider once with the stored settings; a plain-words result or error."""
    authorize(actor, Action.AI_MANAGE, organization_id=actor.organization_id)
    runtime = load_runtime(session, actor=actor, kind=kind)
    runtime = ProviderRuntime(**{**runtime.__dict__, "timeout_s": 15.0})
    try:
        if kind == "text":
            return text_provider(runtime).check()
        if kind == "voice":
            return voice_provider(runtime).check()
        return video_provider(runtime).check()
    except ProviderError as exc:
        raise explain(exc, kind, runtime.timeout_s) from None
