"""The AI panel: a brief and a text to work on, results that stream in, and "Use this".

Provider calls are blocking HTTP, so every action runs as a background event and calls the
service in a worker thread (the state lock is held only to read inputs and write results);
drafts stream piece by piece into their result card. What the person typed (brief, text)
lives in this state and is never cleared by a failure.
"""

from __future__ import annotations

import asyncio
import base64
import inspect
import io
from collections.abc import Callable
from typing import Any, TypeVar

import reflex as rx
from PIL import Image
from reflex.event import EventSpec
from sqlmodel import Session

from socialmuse.db import session_scope
from socialmuse.models.enums import Platform
from socialmuse.platforms import text_rules
from socialmuse.services import ai_config, guardrails, text_helpers
from socialmuse.services.ai import assistant
from socialmuse.services.ai_config import AINotConfigured
from socialmuse.services.errors import DomainError
from socialmuse.services.permissions import Actor
from socialmuse.state.auth import require_actor
from socialmuse.state.compose import ComposeState
from socialmuse.state.shell import ShellState

T = TypeVar("T")

VARIANTS = 3
NETWORKS: list[dict[str, str]] = [
    {"value": p.value, "label": name}
    for p, name in text_rules.NETWORK_NAMES.items()
    if p is not Platform.SANDBOX
]
_NETWORK_LABELS = {n["value"]: n["label"] for n in NETWORKS}
_END = object()
UNEXPECTED = DomainError("Something went wrong on our side; try again. What you typed is kept.")


def _in_thread(work: Callable[[Session], T]) -> T:
    """One unit of work on a fresh session, for ``asyncio.to_thread``."""
    with session_scope() as session:
        return work(session)


def _next(iterator: Any) -> Any:
    return next(iterator, _END)


def _problems(items: tuple[guardrails.GuardrailProblem, ...] | list[Any]) -> str:
    return " ".join(p.message for p in items)


def _thumbnail(data: bytes) -> str:
    """A small JPEG data URL to show the generated image without serving the original."""
    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail((320, 320))
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


def _result(
    kind: str, label: str, text: str = "", problems: str = "", **extra: str
) -> dict[str, str]:
    return {
        "kind": kind,
        "label": label,
        "text": text,
        "problems": problems,
        "state": "done",
        **extra,
    }


class AIAssistantState(rx.State):
    """Inputs, results and the text the person chose last."""

    brief: str = ""
    work_text: str = ""
    network: str = "x"
    configured: list[str] = []
    results: list[dict[str, str]] = []
    busy: str = ""
    error: str = ""
    error_field: str = ""
    chosen_text: str = ""
    brand_id: str = ""
    brand_name: str = ""

    @rx.var
    def text_ready(self) -> bool:
        return "text" in self.configured

    @rx.var
    def voice_ready(self) -> bool:
        return "voice" in self.configured

    @rx.var
    def network_label(self) -> str:
        return _NETWORK_LABELS.get(self.network, self.network)

    @rx.event
    async def load(self) -> None:
        """Which providers exist and which brand the panel writes for (the switcher's)."""
        shell = await self.get_state(ShellState)
        self.brand_id = shell.brand_id
        self.brand_name = shell.brand_name
        with session_scope() as session:
            self.configured = ai_config.configured_kinds(
                session, actor=await require_actor(self, session)
            )

    @rx.event
    def set_brief(self, value: str) -> None:
        self.brief = value

    @rx.event
    def set_work_text(self, value: str) -> None:
        self.work_text = value

    @rx.event
    def set_network(self, value: str) -> None:
        self.network = value if value in _NETWORK_LABELS else "x"

    @rx.event
    def clear_results(self) -> None:
        self.results = []
        self.error = ""

    # -- helpers used inside ``async with self`` -------------------------------------------

    async def _begin(self, action: str) -> tuple[Actor, int] | None:
        """Claim the panel for one action; None (and a message) when it cannot start."""
        if self.busy:
            return None
        shell = await self.get_state(ShellState)
        self.brand_id, self.brand_name = shell.brand_id, shell.brand_name
        if not self.brand_id.isdigit():
            self._fail("Create or choose a brand first: the AI writes in a brand's voice.", "")
            return None
        with session_scope() as session:
            actor = await require_actor(self, session)
        self.busy, self.error, self.error_field = action, "", ""
        return actor, int(self.brand_id)

    def _fail(self, message: str, field: str | None) -> None:
        self.error, self.error_field = message, field or ""

    def _text_for_work(self) -> str:
        return self.work_text.strip() or self.brief.strip()

    async def _finish(self, exc: DomainError | None = None) -> None:
        async with self:
            self.busy = ""
            if exc is not None:
                self._fail(exc.message, exc.field)
                if isinstance(exc, AINotConfigured):
                    self.configured = []

    # -- AI actions (background: they wait on a provider) ----------------------------------

    @rx.event(background=True)
    async def draft(self) -> None:
        """Stream ``VARIANTS`` drafts from the brief, one after another, into the panel."""
        async with self:
            started = await self._begin("draft")
            if started is None:
                return
            brief, network = self.brief, self.network
            self.results = []
        actor, brand_id = started
        try:
            for variant in range(VARIANTS):
                stream = await asyncio.to_thread(
                    _in_thread,
                    lambda s, v=variant: assistant.stream_draft(
                        s,
                        actor=actor,
                        brand_id=brand_id,
                        brief=brief,
                        networks=[network],
                        variant=v,
                    ),
                )
                async with self:
                    self.results = [
                        *self.results,
                        {**_result("draft", f"Draft {variant + 1}"), "state": "streaming"},
                    ]
                pieces = iter(stream)
                while (piece := await asyncio.to_thread(_next, pieces)) is not _END:
                    async with self:
                        rows = list(self.results)
                        rows[-1] = {**rows[-1], "text": rows[-1]["text"] + str(piece)}
                        self.results = rows
                async with self:
                    rows = list(self.results)
                    rows[-1] = {
                        **rows[-1],
                        "text": stream.text,
                        "problems": _problems(stream.problems),
                        "state": "done",
                    }
                    self.results = rows
        except DomainError as exc:
            await self._finish(exc)
            return
        except Exception:
            await self._finish(UNEXPECTED)  # the panel never stays busy; the log has the rest
            raise
        await self._finish()

    async def _run(
        self, action: str, work: Callable[[Session, Actor, int], list[dict[str, str]]]
    ) -> None:
        async with self:
            started = await self._begin(action)
            if started is None:
                return
        actor, brand_id = started
        try:
            rows = await asyncio.to_thread(_in_thread, lambda s: work(s, actor, brand_id))
        except DomainError as exc:
            await self._finish(exc)
            return
        except Exception:
            await self._finish(UNEXPECTED)
            raise
        async with self:
            self.results = [*rows, *self.results]
        await self._finish()

    @rx.event(background=True)
    async def rewrite(self) -> None:
        """The text rewritten to fit the chosen network."""
        async with self:
            text, network = self._text_for_work(), self.network
        label = f"For {_NETWORK_LABELS.get(network, network)}"

        def work(s: Session, actor: Actor, brand_id: int) -> list[dict[str, str]]:
            out = assistant.rewrite_for_network(
                s, actor=actor, brand_id=brand_id, text=text, platform=network
            )
            return [_result("rewrite", label, str(out), _problems(out.problems))]

        await self._run("rewrite", work)

    @rx.event(background=True)
    async def hashtags(self) -> None:
        """Hashtags for the text (those it already has are left out)."""
        async with self:
            text = self._text_for_work()

        def work(s: Session, actor: Actor, brand_id: int) -> list[dict[str, str]]:
            tags = assistant.suggest_hashtags(s, actor=actor, brand_id=brand_id, text=text)
            problems = [p for t in tags for p in t.problems]
            return [_result("hashtags", "Hashtags", " ".join(tags), _problems(problems))]

        await self._run("hashtags", work)

    @rx.event(background=True)
    async def script(self) -> None:
        """A 30-second video script from the brief."""
        async with self:
            brief = self.brief

        def work(s: Session, actor: Actor, brand_id: int) -> list[dict[str, str]]:
            out = assistant.video_script(s, actor=actor, brand_id=brand_id, brief=brief)
            return [_result("script", "Video script", str(out), _problems(out.problems))]

        await self._run("script", work)

    @rx.event(background=True)
    async def image(self) -> None:
        """An image from the brief, saved to the brand's media library."""
        async with self:
            prompt = self.brief

        def work(s: Session, actor: Actor, brand_id: int) -> list[dict[str, str]]:
            made = assistant.generate_image(s, actor=actor, brand_id=brand_id, prompt=prompt)
            return [
                _result(
                    "image",
                    "Image (saved to the media library)",
                    prompt,
                    image=_thumbnail(made.data),
                    media_id=str(made.media_id),
                )
            ]

        await self._run("image", work)

    @rx.event(background=True)
    async def voice(self) -> None:
        """The text read aloud by the configured voice."""
        async with self:
            text = self._text_for_work()

        def work(s: Session, actor: Actor, brand_id: int) -> list[dict[str, str]]:
            audio = assistant.voice_over(s, actor=actor, brand_id=brand_id, text=text)
            url = "data:audio/mpeg;base64," + base64.b64encode(audio).decode()
            return [_result("voice", "Voice-over", text, audio=url)]

        await self._run("voice", work)

    # -- rule-based helpers (no provider needed, and they say so) --------------------------

    async def _rule_result(self, kind: str, label: str, text: str) -> None:
        shell = await self.get_state(ShellState)
        self.brand_id, self.brand_name = shell.brand_id, shell.brand_name
        problems = ""
        if self.brand_id.isdigit() and text:
            with session_scope() as session:
                actor = await require_actor(self, session)
                rules = guardrails.get_guardrails(session, actor=actor, brand_id=int(self.brand_id))
            problems = _problems(
                guardrails.check_rules(rules.model_dump(), text, brand_name=self.brand_name)
            )
        self.results = [_result(kind, label, text, problems), *self.results]

    @rx.event
    async def rule_hashtags(self) -> None:
        """Hashtags already in the text plus its most frequent longer words (no AI)."""
        source = self._text_for_work()
        if not source:
            self._fail("Write some text first.", "work_text")
            return
        tags = text_helpers.extract_hashtags(source) + text_helpers.keyword_hashtags(source)
        self.error = ""
        await self._rule_result("rule", "Hashtags from your text (no AI)", " ".join(tags))

    @rx.event
    async def rule_shorten(self) -> None:
        """Whole sentences that fit the network, or whole words and an ellipsis (no AI)."""
        source = self._text_for_work()
        if not source:
            self._fail("Write some text first.", "work_text")
            return
        platform = Platform(self.network)
        limit = text_rules.count(platform, "").limit
        short = text_helpers.shorten_text(source, limit, platform=platform)
        if not short:
            self._fail(
                f"The first word alone is longer than {limit} characters; nothing to keep.",
                "work_text",
            )
            return
        self.error = ""
        await self._rule_result(
            "rule", f"Shortened for {self.network_label} (no AI, whole sentences)", short
        )

    # -- choosing a result ----------------------------------------------------------------

    @rx.event
    async def use(self, index: int) -> EventSpec | list[EventSpec] | None:
        """Put a result's text into the composer (or the clipboard when there is none)."""
        if not 0 <= index < len(self.results):
            return None
        row = self.results[index]
        text = row["text"]
        compose = await self.get_state(ComposeState)
        if row["kind"] in ("hashtags", "rule") and row["label"].startswith("Hashtags"):
            text = f"{compose.text.rstrip()}\n\n{text}".strip()
        self.chosen_text = text
        handler = getattr(compose, "use_ai_text", None)
        if handler is None:
            return [rx.set_clipboard(text), rx.toast.info("Copied to the clipboard.")]
        outcome = handler(text)
        if inspect.isawaitable(outcome):
            outcome = await outcome
        return outcome if outcome is not None else rx.toast.success("Put into the composer.")
