"""What the AI assistant does for a writer: drafts, rewrites, hashtags, scripts, images, voice.

Every function: loads the brand for ``POST_CREATE`` (another tenant's brand is not found),
opens the organization's provider (``AINotConfigured`` when there is none), refuses when the
month's cap is reached, calls the provider, meters the call (failures too), and turns
provider failures into plain-words ValidationErrors. Generated text is checked against the
brand's guardrails: each result is a ``Suggestion`` (a ``str``) carrying its ``problems``,
so a violating output is shown flagged, never silently passed on. Text that becomes audio or
video (voice-over, talking head) is checked before the call and refused when it violates.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from socialmuse.models import Brand
from socialmuse.models.enums import Platform
from socialmuse.platforms import text_rules
from socialmuse.platforms.base import MediaFile
from socialmuse.platforms.rules.networks import NETWORK_NAMES
from socialmuse.services import ai_config, guardrails, media
from socialmuse.services.ai import metering
from socialmuse.services.ai.providers import (
    Completion,
    Message,
    ProviderError,
    ProviderRuntime,
    StreamUsage,
    text_provider,
    video_provider,
    voice_provider,
)
from socialmuse.services.errors import ValidationError
from socialmuse.services.guardrails import GuardrailProblem
from socialmuse.services.permissions import Action, Actor
from socialmuse.services.text_helpers import extract_hashtags
from socialmuse.services.validation import parse_platform, sniff_content_type
from socialmuse.settings import get_settings

MAX_BRIEF = 2000
MAX_TEXT = 10_000
MAX_VARIANTS = 5
MAX_VOICE_TEXT = 5000
IMAGE_SIZES = ("1024x1024", "1024x1536", "1536x1024", "512x512", "256x256")
# Servers that do not report image usage are metered at this many tokens per image.
IMAGE_UNITS = 1000
DEFAULT_LIMIT = 500


class Suggestion(str):
    """Generated text plus the guardrail problems it has (empty: fine to use)."""

    problems: tuple[GuardrailProblem, ...]

    def __new__(cls, text: str, problems: Sequence[GuardrailProblem] = ()) -> Suggestion:
        made = super().__new__(cls, text)
        made.problems = tuple(problems)
        return made

    @property
    def flagged(self) -> bool:
        return bool(self.problems)


@dataclass(frozen=True)
class GeneratedImage:
    """An image made by the provider, already in the brand's media library."""

    media_id: int
    content_type: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class _Call:
    brand: Brand
    runtime: ProviderRuntime
    meter: metering.Metered
    engine: Engine


def _prepare(session: Session, actor: Actor, brand_id: int, kind: str, operation: str) -> _Call:
    from socialmuse.services.brands import load_brand

    brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.POST_CREATE)
    runtime = ai_config.load_runtime(session, actor=actor, kind=kind)
    metering.check_cap(
        session,
        actor.organization_id,
        kind,
        ai_config.monthly_cap(session, actor.organization_id, kind),
    )
    model = runtime.image_model if operation == "image" else runtime.model
    meter = metering.Metered(
        organization_id=actor.organization_id,
        user_id=actor.user_id or None,
        kind=kind,
        operation=operation,
        model=model,
    )
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    return _Call(brand, runtime, meter, engine)


def _record(
    call: _Call,
    *,
    units: int,
    prompt_tokens: int = 0,
    completion_tokens: int = 0,
    succeeded: bool = True,
) -> None:
    metering.record(
        call.engine,
        call.meter,
        units=units,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        succeeded=succeeded,
    )


def _system_prompt(brand: Brand) -> str:
    rules = brand.guardrails or {}
    lines = [
        f"You write social media posts for the brand “{brand.name}”.",
        f"Brand voice: {brand.voice.strip() or 'friendly, clear and concrete'}.",
    ]
    words = [str(w) for w in rules.get("banned_words") or []]
    claims = [str(c) for c in rules.get("banned_claims") or []]
    disclosure = str(rules.get("required_disclosure") or "").strip()
    if words:
        lines.append("Never use these words: " + ", ".join(words) + ".")
    if claims:
        lines.append("Never make these claims: " + "; ".join(claims) + ".")
    if disclosure:
        lines.append(f"Every post must include “{disclosure}”.")
    lines.append("Answer with the requested text only: no preamble, no quotes, no markdown.")
    return "\n".join(lines)


def _clean(text: str) -> str:
    """Drop wrapping quotes and a leading label some models add ("Post: ...")."""
    text = text.strip()
    text = re.sub(r"^(?:post|tweet|caption|text)\s*:\s*", "", text, flags=re.I)
    if len(text) >= 2 and text[0] in "\"“'" and text[-1] in "\"”'":
        text = text[1:-1].strip()
    return text


def _suggest(brand: Brand, text: str) -> Suggestion:
    return Suggestion(text, guardrails.check(brand, text))


def _complete(call: _Call, messages: list[Message], *, max_tokens: int, n: int = 1) -> Completion:
    provider = text_provider(call.runtime)
    try:
        answer = provider.complete(messages, max_tokens=max_tokens, n=n)
    except ProviderError as exc:
        _record(call, units=0, succeeded=False)
        raise metering.explain(exc, "text", call.runtime.timeout_s) from None
    _record(
        call,
        units=answer.total_tokens,
        prompt_tokens=answer.prompt_tokens,
        completion_tokens=answer.completion_tokens,
    )
    return answer


def _first(answer: Completion) -> str:
    return _clean(answer.texts[0]) if answer.texts else ""


def _required(value: str, field_name: str, what: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(f"Write {what} first.", field=field_name)
    if len(value) > limit:
        raise ValidationError(
            f"Keep {what} under {limit:,} characters (it has {len(value):,}).", field=field_name
        )
    return value


def _platforms(networks: Sequence[Platform | str]) -> list[Platform]:
    return list(dict.fromkeys(parse_platform(n) for n in networks))


def _limit(platforms: Sequence[Platform]) -> int:
    limits = [text_rules.count(p, "").limit for p in platforms if p is not Platform.SANDBOX]
    return min(limits) if limits else DEFAULT_LIMIT


def _draft_messages(
    brand: Brand, brief: str, platforms: Sequence[Platform], variant: int
) -> list[Message]:
    names = ", ".join(NETWORK_NAMES[p] for p in platforms) or "social media"
    limit = _limit(platforms)
    angle = f"\nVariant {variant + 1}: take a different angle from the others." if variant else ""
    return [
        {"role": "system", "content": _system_prompt(brand)},
        {
            "role": "user",
            "content": f"Write one post for {names}.\n"
            f"Keep it to at most {limit} characters.{angle}\nBrief: {brief}",
        },
    ]


def _max_tokens(limit: int) -> int:
    return min(2048, limit // 2 + 100)


def draft_posts(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    brief: str,
    networks: Sequence[Platform | str],
    variants: int = 3,
) -> list[Suggestion]:
    """``variants`` different posts from a brief, in the brand's voice, within the networks' limits.

    Asks for all variants in one call (``n``); servers that ignore ``n`` are asked again, one
    variant at a time with a different angle, until there are enough distinct drafts.
    """
    brief = _required(brief, "brief", "a brief", MAX_BRIEF)
    platforms = _platforms(networks)
    if not 1 <= variants <= MAX_VARIANTS:
        raise ValidationError(f"Ask for 1 to {MAX_VARIANTS} variants.", field="variants")
    call = _prepare(session, actor, brand_id, "text", "draft")
    limit = _limit(platforms)
    answer = _complete(
        call,
        _draft_messages(call.brand, brief, platforms, 0),
        max_tokens=_max_tokens(limit),
        n=variants,
    )
    drafts = list(dict.fromkeys(t for t in (_clean(x) for x in answer.texts) if t))
    attempt = 1
    while len(drafts) < variants and attempt < 2 * variants:
        more = _complete(
            call,
            _draft_messages(call.brand, brief, platforms, attempt),
            max_tokens=_max_tokens(limit),
        )
        for text in (_clean(x) for x in more.texts):
            if text and text not in drafts:
                drafts.append(text)
        attempt += 1
    if not drafts:
        raise ValidationError("The AI provider answered with empty text; try again.", field="ai")
    return [_suggest(call.brand, t) for t in drafts[:variants]]


class DraftStream:
    """One draft as it is written: iterate for text pieces; ``text`` and ``problems`` after.

    Errors while streaming surface as plain-words ValidationErrors from the iteration; the
    call is metered either way once the stream ends.
    """

    def __init__(self, call: _Call, messages: list[Message], max_tokens: int) -> None:
        self._call = call
        self._messages = messages
        self._max_tokens = max_tokens
        self.text = ""
        self.problems: tuple[GuardrailProblem, ...] = ()
        self.done = False

    def __iter__(self) -> Iterator[str]:
        usage = StreamUsage()
        pieces: list[str] = []
        provider = text_provider(self._call.runtime)
        try:
            for piece in provider.stream(self._messages, max_tokens=self._max_tokens, usage=usage):
                pieces.append(piece)
                yield piece
        except ProviderError as exc:
            _record(self._call, units=usage.total_tokens, succeeded=False)
            raise metering.explain(exc, "text", self._call.runtime.timeout_s) from None
        _record(
            self._call,
            units=usage.total_tokens,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
        )
        self.text = _clean("".join(pieces))
        self.problems = tuple(guardrails.check(self._call.brand, self.text))
        self.done = True

    @property
    def suggestion(self) -> Suggestion:
        return Suggestion(self.text, self.problems)


def stream_draft(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    brief: str,
    networks: Sequence[Platform | str],
    variant: int = 0,
) -> DraftStream:
    """A draft streamed piece by piece (checks, cap and configuration happen before the call)."""
    brief = _required(brief, "brief", "a brief", MAX_BRIEF)
    platforms = _platforms(networks)
    call = _prepare(session, actor, brand_id, "text", "draft_stream")
    limit = _limit(platforms)
    return DraftStream(
        call, _draft_messages(call.brand, brief, platforms, variant), _max_tokens(limit)
    )


def rewrite_for_network(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    text: str,
    platform: Platform | str,
    limit: int | None = None,
) -> Suggestion:
    """``text`` rewritten for one network, within its limits as that network counts them.

    When the answer breaks the network's rules the model is asked once more with the
    overage; if it still does not fit, a ValidationError says so (nothing is truncated).
    ``limit`` overrides the network's default (a Mastodon instance's own maximum).
    """
    text = _required(text, "text", "the post's text", MAX_TEXT)
    network = parse_platform(platform)
    name = NETWORK_NAMES[network]
    measured = text_rules.count(network, "", limit=limit)
    cap = measured.limit
    call = _prepare(session, actor, brand_id, "text", "rewrite")
    messages: list[Message] = [
        {"role": "system", "content": _system_prompt(call.brand)},
        {
            "role": "user",
            "content": f"Rewrite this post for {name}. It must be at most {cap} characters "
            f"as {name} counts them ({measured.unit}). Keep its meaning, language and links.\n"
            f"Text: {text}",
        },
    ]
    answer = _first(_complete(call, messages, max_tokens=_max_tokens(cap)))
    problems = text_rules.check_text(network, answer, limit=limit)
    if problems and answer:
        over = text_rules.count(network, answer, limit=limit).length - cap
        hint = f" Cut about {over} characters." if over > 0 else ""
        messages += [
            {"role": "assistant", "content": answer},
            {
                "role": "user",
                "content": "That version breaks the rules: "
                + " ".join(p.message for p in problems)
                + f" Rewrite it to at most {cap} characters.{hint}\nText: {answer}",
            },
        ]
        answer = _first(_complete(call, messages, max_tokens=_max_tokens(cap)))
        problems = text_rules.check_text(network, answer, limit=limit)
    if not answer:
        raise ValidationError("The AI provider answered with empty text; try again.", field="text")
    if problems:
        raise ValidationError(
            f"The AI could not fit the text into {name}'s rules after two tries: "
            f"{problems[0].message} Your text is unchanged; shorten it by hand or use "
            "“Shorten” (keeps whole sentences).",
            field="text",
        )
    return _suggest(call.brand, answer)


def suggest_hashtags(
    session: Session, *, actor: Actor, brand_id: int, text: str, count: int = 5
) -> list[Suggestion]:
    """Up to ``count`` hashtags for the text (not those it already has), each checked."""
    text = _required(text, "text", "the post's text", MAX_TEXT)
    if not 1 <= count <= 30:
        raise ValidationError("Ask for 1 to 30 hashtags.", field="count")
    call = _prepare(session, actor, brand_id, "text", "hashtags")
    messages: list[Message] = [
        {"role": "system", "content": _system_prompt(call.brand)},
        {
            "role": "user",
            "content": f"Suggest {count} relevant hashtags for this post. Answer with the "
            f"hashtags only, separated by spaces.\nText: {text}",
        },
    ]
    answer = _first(_complete(call, messages, max_tokens=20 * count + 20))
    tags = extract_hashtags(answer) or [
        f"#{w}" for w in re.findall(r"[^\W_][\w]*", answer, flags=re.UNICODE)
    ]
    present = {t.casefold() for t in extract_hashtags(text)}
    fresh = [t for t in tags if t.casefold() not in present]
    return [_suggest(call.brand, t) for t in fresh[:count]]


def video_script(
    session: Session, *, actor: Actor, brand_id: int, brief: str, seconds: int = 30
) -> Suggestion:
    """A short video script (numbered scenes: what is said, what is shown), checked."""
    brief = _required(brief, "brief", "a brief", MAX_BRIEF)
    if not 5 <= seconds <= 600:
        raise ValidationError("Choose a length between 5 seconds and 10 minutes.", field="seconds")
    call = _prepare(session, actor, brand_id, "text", "video_script")
    words = round(seconds * 2.5)
    messages: list[Message] = [
        {"role": "system", "content": _system_prompt(call.brand)},
        {
            "role": "user",
            "content": f"Write a video script of about {seconds} seconds (about {words} spoken "
            "words) for a short social video, as numbered scenes saying what is said and "
            f"what is shown.\nBrief: {brief}",
        },
    ]
    answer = _first(_complete(call, messages, max_tokens=words * 3 + 200))
    if not answer:
        raise ValidationError("The AI provider answered with empty text; try again.", field="ai")
    return _suggest(call.brand, answer)


def _refuse_violations(brand: Brand, text: str, field_name: str) -> None:
    problems = guardrails.check(brand, text)
    if problems:
        raise ValidationError(
            "This text breaks the brand's guardrails: " + guardrails.summary(problems),
            field=field_name,
        )


def generate_image(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    prompt: str,
    size: str = "1024x1024",
) -> GeneratedImage:
    """An image from a description, stored in the brand's media library (alt text: the prompt)."""
    prompt = _required(prompt, "prompt", "a description of the image", MAX_BRIEF)
    if size not in IMAGE_SIZES:
        raise ValidationError(f"Choose one of these sizes: {', '.join(IMAGE_SIZES)}.", field="size")
    call = _prepare(session, actor, brand_id, "text", "image")
    _refuse_violations(call.brand, prompt, "prompt")
    try:
        data, tokens = text_provider(call.runtime).image(prompt, size=size)
    except ProviderError as exc:
        _record(call, units=0, succeeded=False)
        raise metering.explain(exc, "text", call.runtime.timeout_s) from None
    _record(call, units=tokens or IMAGE_UNITS)
    content_type = sniff_content_type(data[:16])
    if not content_type.startswith("image/"):
        raise ValidationError("The AI provider sent something that is not an image.", field="ai")
    scratch = get_settings().data_dir / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=scratch, prefix="ai-image-", delete=False) as handle:
        handle.write(data)
        path = Path(handle.name)
    try:
        asset = media.store_file(
            session,
            actor=actor,
            brand_id=brand_id,
            file=MediaFile(
                path=path,
                content_type=content_type,
                size_bytes=len(data),
                alt_text=prompt[:1000],
            ),
        )
    finally:
        path.unlink(missing_ok=True)
    return GeneratedImage(media_id=asset.id or 0, content_type=content_type, data=data)


def voice_over(
    session: Session, *, actor: Actor, brand_id: int, text: str, voice_id: str | None = None
) -> bytes:
    """The text spoken by the configured voice, as MP3 bytes (metered in characters)."""
    text = _required(text, "text", "the text to speak", MAX_VOICE_TEXT)
    call = _prepare(session, actor, brand_id, "voice", "voice_over")
    _refuse_violations(call.brand, text, "text")
    voice = (voice_id or str(call.runtime.options.get("voice_id") or "")).strip()
    try:
        audio = voice_provider(call.runtime).speak(text, voice_id=voice)
    except ProviderError as exc:
        _record(call, units=0, succeeded=False)
        raise metering.explain(exc, "voice", call.runtime.timeout_s) from None
    _record(call, units=len(text))
    return audio


def talking_head(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    script: str,
    image_url: str,
    voice_id: str | None = None,
    poll_interval_s: float = 2.0,
    timeout_s: float = 300.0,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """A talking-head video of the photo at ``image_url`` saying ``script``; its result URL.

    D-ID renders asynchronously: the talk is created, then polled until done, failed, or
    ``timeout_s`` passes. Metered in seconds of video once it is done.
    """
    script = _required(script, "script", "the script", MAX_VOICE_TEXT)
    image_url = (image_url or "").strip()
    if not image_url.startswith(("http://", "https://")):
        raise ValidationError(
            "Give the address of a photo of a face, starting with https://.", field="image_url"
        )
    call = _prepare(session, actor, brand_id, "video", "talking_head")
    _refuse_violations(call.brand, script, "script")
    voice = (voice_id or str(call.runtime.options.get("voice_id") or "")).strip()
    provider = video_provider(call.runtime)
    try:
        talk_id = provider.create_talk(script=script, image_url=image_url, voice_id=voice)
        deadline = time.monotonic() + timeout_s
        while True:
            status = provider.talk_status(talk_id)
            if status.status == "done":
                break
            if status.status in ("error", "rejected"):
                _record(call, units=0, succeeded=False)
                raise ValidationError(
                    "The video provider could not make the video"
                    + (f": {status.error}" if status.error else ".")
                    + " Check that the image is a clear, front-facing photo of one face.",
                    field="image_url",
                )
            if time.monotonic() > deadline:
                _record(call, units=0, succeeded=False)
                raise ValidationError(
                    f"The video is still rendering after {timeout_s:g} s; try again later.",
                    field="ai",
                )
            sleep(poll_interval_s)
    except ProviderError as exc:
        _record(call, units=0, succeeded=False)
        raise metering.explain(exc, "video", call.runtime.timeout_s) from None
    _record(call, units=max(1, round(status.duration_s)))
    if not status.result_url:
        raise ValidationError("The video provider finished without a video link.", field="ai")
    return status.result_url
