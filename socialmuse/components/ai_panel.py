"""The AI assistant panel, for the composer and Settings → AI's "Try it".

``ai_panel()`` is self-contained: it loads on mount, writes for the switcher's brand, and
"Use this" hands the chosen text to ``ComposeState.use_ai_text`` (or the clipboard where
there is no composer). Without a provider it says where to configure one and still offers
the rule-based helpers, labelled as such.
"""

from __future__ import annotations

import reflex as rx

from socialmuse import routes
from socialmuse.state.ai_assistant import NETWORKS
from socialmuse.state.ai_assistant import AIAssistantState as State


def _not_configured() -> rx.Component:
    return rx.callout(
        rx.text(
            "No AI provider is set up for this organization yet. An admin can configure one "
            "(OpenAI, a compatible server or a local model) in ",
            rx.link("Settings → AI", href=routes.SETTINGS_AI, id="ai-configure-link"),
            ". The helpers below that say “no AI” work without one.",
        ),
        icon="info",
        color_scheme="blue",
        id="ai-not-configured",
        width="100%",
    )


def _inputs() -> rx.Component:
    return rx.vstack(
        rx.el.label("Brief", html_for="ai-brief", class_name="field-label"),
        rx.text_area(
            value=State.brief,
            on_change=State.set_brief,
            id="ai-brief",
            placeholder="What the post is about: news, offer, audience, link…",
            rows="2",
            width="100%",
        ),
        rx.el.label("Text to work on (rewrite, hashtags, voice-over)", html_for="ai-text"),
        rx.text_area(
            value=State.work_text,
            on_change=State.set_work_text,
            id="ai-text",
            placeholder="Paste a post; when empty, the brief is used",
            rows="3",
            width="100%",
        ),
        rx.hstack(
            rx.el.label("Network", html_for="ai-network"),
            rx.el.select(
                *[rx.el.option(n["label"], value=n["value"]) for n in NETWORKS],
                value=State.network,
                on_change=State.set_network,
                id="ai-network",
            ),
            align="center",
            spacing="2",
        ),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _button(
    label: rx.Var[str] | str, action: str, handler: rx.EventHandler, **props: str
) -> rx.Component:
    return rx.button(
        rx.cond(State.busy == action, rx.spinner(size="1"), rx.fragment()),
        label,
        on_click=handler,
        disabled=State.busy != "",
        size="2",
        id=f"ai-{action}",
        **props,
    )


def _actions() -> rx.Component:
    ai_buttons = rx.hstack(
        _button("Draft", "draft", State.draft),
        _button(
            rx.Var.create("Rewrite for ") + State.network_label,
            "rewrite",
            State.rewrite,
            variant="soft",
        ),
        _button("Hashtags", "hashtags", State.hashtags, variant="soft"),
        _button("Video script", "script", State.script, variant="soft"),
        _button("Image", "image", State.image, variant="soft"),
        rx.cond(State.voice_ready, _button("Voice-over", "voice", State.voice, variant="soft")),
        wrap="wrap",
        spacing="2",
    )
    rule_buttons = rx.hstack(
        rx.button(
            "Hashtags from text (no AI)",
            on_click=State.rule_hashtags,
            variant="outline",
            size="1",
            id="ai-rule-hashtags",
        ),
        rx.button(
            rx.Var.create("Shorten for ") + State.network_label + " (no AI)",
            on_click=State.rule_shorten,
            variant="outline",
            size="1",
            id="ai-rule-shorten",
        ),
        wrap="wrap",
        spacing="2",
    )
    return rx.vstack(rx.cond(State.text_ready, ai_buttons), rule_buttons, spacing="2")


def _result(row: rx.Var[dict[str, str]], index: rx.Var[int]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(row["label"], weight="bold", size="2"),
                rx.cond(row["state"] == "streaming", rx.spinner(size="1")),
                align="center",
                spacing="2",
            ),
            rx.cond(
                row["kind"] == "image",
                rx.image(src=row["image"], alt=row["text"], max_width="320px"),
            ),
            rx.cond(
                row["kind"] == "voice",
                rx.vstack(
                    rx.el.audio(src=row["audio"], controls=True),
                    rx.link("Download MP3", href=row["audio"], download="voice-over.mp3"),
                ),
            ),
            rx.text(row["text"], white_space="pre-wrap", size="2", class_name="ai-result-text"),
            rx.cond(
                row["problems"] != "",
                rx.callout(
                    rx.text("Guardrails: ", row["problems"]),
                    icon="triangle_alert",
                    color_scheme="amber",
                    size="1",
                    class_name="ai-result-problems",
                ),
            ),
            rx.cond(
                (row["state"] == "done") & (row["kind"] != "image") & (row["kind"] != "voice"),
                rx.button(
                    "Use this",
                    size="1",
                    variant="soft",
                    on_click=State.use(index),
                    class_name="ai-use",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="ai-result",
        data_kind=row["kind"],
    )


def ai_panel() -> rx.Component:
    """Brief, text, network, AI actions, rule-based helpers and the results with "Use this"."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("AI assistant", size="4"),
                rx.cond(
                    State.brand_name != "",
                    rx.text("writing for ", State.brand_name, size="2", color_scheme="gray"),
                ),
                align="baseline",
                spacing="2",
            ),
            rx.cond(State.text_ready, rx.fragment(), _not_configured()),
            _inputs(),
            _actions(),
            rx.cond(
                State.error != "",
                rx.callout(
                    State.error,
                    icon="triangle_alert",
                    color_scheme="red",
                    id="ai-error",
                    width="100%",
                ),
            ),
            rx.cond(
                State.results.length() > 0,
                rx.vstack(
                    rx.foreach(State.results, _result),
                    rx.button(
                        "Clear results",
                        size="1",
                        variant="ghost",
                        color_scheme="gray",
                        on_click=State.clear_results,
                    ),
                    spacing="2",
                    width="100%",
                    id="ai-results",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        on_mount=State.load,
        id="ai-panel",
        width="100%",
    )
