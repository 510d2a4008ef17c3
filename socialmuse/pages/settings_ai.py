"""Settings → AI: providers for text and images, voice-over and video; usage; "Try it"."""

import reflex as rx

from socialmuse import routes
from socialmuse.components.ai_panel import ai_panel
from socialmuse.components.forms import error_text
from socialmuse.components.layout import protected_page
from socialmuse.components.settings_nav import denied, settings_nav
from socialmuse.state.ai_settings import AISettingsState as State

_HELP = {
    "text": "Any server that speaks the OpenAI API: OpenAI (https://api.openai.com/v1), "
    "a gateway, or a local model such as Ollama (http://localhost:11434/v1, no key needed).",
    "voice": "ElevenLabs text-to-speech (https://api.elevenlabs.io). The voice is an "
    "ElevenLabs voice id.",
    "video": "D-ID talking heads (https://api.d-id.com). The key is the one D-ID shows "
    "(user:secret); the voice is a Microsoft neural voice such as en-US-JennyNeural.",
}


def _field(
    label: str,
    name: str,
    kind: str,
    provider: rx.Var[dict[str, str]],
    *,
    field_type: str = "text",
    placeholder: str | rx.Var[str] = "",
    default: bool = True,
) -> rx.Component:
    errors = State.errors.get(kind, {}).to(dict[str, str])
    error = errors.get(name, "").to(str)
    element_id = f"ai-{kind}-{name}"
    return rx.vstack(
        rx.el.label(label, html_for=element_id, class_name="field-label"),
        rx.input(
            name=name,
            id=element_id,
            type=field_type,
            default_value=provider[name] if default else "",
            placeholder=placeholder,
            auto_complete="off",
            width="100%",
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=f"{element_id}-error",
        ),
        error_text(error, element_id=f"{element_id}-error"),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _provider_form(kind: str, provider: rx.Var[dict[str, str]]) -> rx.Component:
    errors = State.errors.get(kind, {}).to(dict[str, str])
    form_error = errors.get("form", "").to(str) + errors.get("ai", "").to(str)
    fields = [
        _field("Base URL", "base_url", kind, provider),
        _field("Model", "model", kind, provider)
        if kind != "video"
        else rx.el.input(type="hidden", name="model", value=""),
    ]
    if kind == "text":
        fields.append(_field("Image model", "image_model", kind, provider))
    else:
        fields.append(_field("Voice", "voice_id", kind, provider))
    fields += [
        _field(
            "API key",
            "api_key",
            kind,
            provider,
            field_type="password",
            placeholder=provider["key"] + " (leave blank to keep it)",
            default=False,
        ),
        _field("Monthly cap (0 = none)", "monthly_cap", kind, provider),
        _field("Timeout (seconds)", "timeout_s", kind, provider),
    ]
    return rx.form(
        rx.vstack(
            rx.hstack(
                rx.heading(provider["label"], size="4"),
                rx.cond(
                    provider["configured"] == "yes",
                    rx.badge("configured", color_scheme="green"),
                    rx.badge("not set up", color_scheme="gray"),
                ),
                align="center",
                spacing="2",
            ),
            rx.text(_HELP[kind], size="2", color_scheme="gray"),
            rx.el.input(type="hidden", name="kind", value=kind),
            *fields,
            rx.vstack(
                rx.text("Usage: ", provider["usage"], size="2", id=f"ai-{kind}-usage"),
                rx.progress(value=provider["share"].to(int), max=100, width="100%"),
                spacing="1",
                width="100%",
            ),
            rx.cond(
                form_error != "",
                rx.callout(form_error, icon="triangle_alert", color_scheme="red", width="100%"),
            ),
            rx.cond(
                State.results.get(kind, "").to(str) != "",
                rx.callout(
                    State.results.get(kind, "").to(str),
                    icon="plug",
                    color_scheme=rx.cond(
                        State.results.get(kind, "").to(str).startswith("Failed"), "red", "green"
                    ),
                    id=f"ai-{kind}-check-result",
                    width="100%",
                ),
            ),
            rx.hstack(
                rx.button("Save", type="submit", id=f"ai-{kind}-save"),
                rx.cond(
                    provider["configured"] == "yes",
                    rx.hstack(
                        rx.button(
                            "Test connection",
                            type="button",
                            variant="soft",
                            on_click=State.check(kind),
                            id=f"ai-{kind}-check",
                        ),
                        rx.button(
                            "Remove",
                            type="button",
                            variant="soft",
                            color_scheme="red",
                            on_click=State.remove(kind),
                            id=f"ai-{kind}-remove",
                        ),
                    ),
                ),
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=State.save,
        id=f"ai-{kind}-form",
        width="100%",
    )


def _providers() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Keys are stored encrypted and never shown again. Usage counts calendar months in "
            "UTC: tokens for text and images, characters for voice, seconds for video. At the "
            "cap, AI requests are refused until the 1st.",
            size="2",
            color_scheme="gray",
        ),
        rx.foreach(
            State.providers,
            lambda p: rx.card(
                rx.match(
                    p["kind"],
                    ("text", _provider_form("text", p)),
                    ("voice", _provider_form("voice", p)),
                    _provider_form("video", p),
                ),
                width="100%",
                max_width="40em",
                key=p["kind"] + State.version.to(str),
            ),
        ),
        rx.heading("Try it", size="5", id="ai-try-it"),
        ai_panel(),
        spacing="4",
        width="100%",
    )


@protected_page(routes.SETTINGS_AI, "AI", on_load=[State.load])
def settings_ai() -> rx.Component:
    return rx.vstack(
        settings_nav(),
        rx.cond(State.denied != "", denied(State.denied), _providers()),
        spacing="4",
        width="100%",
    )
