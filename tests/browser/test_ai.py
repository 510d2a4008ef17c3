"""Settings → AI and the assistant panel, against the OpenAI-compatible emulator.

A person sets brand guardrails, configures the provider (the key never shows again), tries
the rule-based helper that needs no provider, then drafts from a brief: three drafts stream
in, each flagged for the banned word the brief asked for.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from socialmuse.emulators.base import EmulatorServer
from socialmuse.emulators.openai_compat import DEFAULT_KEY, OpenAICompatEmulator
from tests.browser.people import create_brand, email_for, fill_form, navigate, sign_up, unique

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def llm() -> Iterator[EmulatorServer]:
    with EmulatorServer(OpenAICompatEmulator()) as running:
        yield running


def _settings_tab(page: Page, name: str, heading: str) -> None:
    page.get_by_role("navigation", name="Settings sections").get_by_role(
        "link", name=name, exact=True
    ).click()
    expect(page.locator("#page-heading")).to_have_text(heading)


def test_configure_the_provider_and_draft_with_guardrails(page: Page, llm: EmulatorServer) -> None:
    sign_up(page, email=email_for("ai"))
    navigate(page, "Settings")
    _settings_tab(page, "Brands", "Brands")
    bakery = unique("Bakery")
    create_brand(page, name=bakery, voice="Warm and short.")
    expect(page.locator("#guardrails-brand")).to_contain_text(bakery)

    # Guardrails for the brand: a banned word, checked on a sample text before saving anything.
    fill_form(page, "guardrails", banned_words="miracle\ncheap", required_disclosure="")
    page.locator("#guardrails-save").click()
    expect(page.locator("#guardrails-banned_words")).to_have_value("miracle\ncheap")
    page.locator("#guardrails-sample").fill("A miracle loaf")
    page.locator("#guardrails-check").click()
    expect(page.locator("#guardrails-sample-problems")).to_contain_text("“miracle”")

    # No provider yet: the panel says where to set one up; the no-AI helper still works.
    _settings_tab(page, "AI", "AI")
    expect(page.locator("#ai-not-configured")).to_contain_text("Settings → AI")
    expect(page.locator("#ai-draft")).to_have_count(0)
    page.locator("#ai-text").fill(
        "We bake every morning from six. Our rye is famous in the whole town. Come early."
    )
    page.locator("#ai-network").select_option("bluesky")
    page.locator("#ai-rule-shorten").click()
    first = page.locator(".ai-result").first
    expect(first).to_contain_text("no AI")
    expect(first.locator(".ai-result-text")).to_have_text(
        "We bake every morning from six. Our rye is famous in the whole town. Come early."
    )

    # Configure the text provider against the emulator; the key is write-only.
    form = page.locator("#ai-text-form")
    form.locator("#ai-text-base_url").fill(f"{llm.url}/v1")
    form.locator("#ai-text-model").fill("gpt-4o-mini")
    form.locator("#ai-text-api_key").fill(DEFAULT_KEY)
    form.locator("#ai-text-monthly_cap").fill("100000")
    form.locator("#ai-text-save").click()
    expect(form).to_contain_text("configured")
    expect(page.locator("#ai-text-api_key")).to_have_value("")
    expect(page.locator("#ai-text-api_key")).to_have_attribute(
        "placeholder", f"A key is set (ends in …{DEFAULT_KEY[-4:]}) (leave blank to keep it)"
    )
    assert DEFAULT_KEY not in page.content()
    page.locator("#ai-text-check").click()
    expect(page.locator("#ai-text-check-result")).to_contain_text("Connected")

    # Draft from a brief: three variants stream in, each flagged by the guardrail.
    expect(page.locator("#ai-not-configured")).to_have_count(0)
    expect(page.locator("#ai-draft")).to_be_visible()
    page.locator("#ai-brief").fill("our miracle sourdough is back on Friday")
    page.locator("#ai-network").select_option("x")
    page.locator("#ai-draft").click()
    drafts = page.locator('.ai-result[data-kind="draft"]')
    expect(drafts).to_have_count(3)
    for n in range(3):
        expect(drafts.nth(n).locator(".ai-result-text")).to_contain_text(
            "miracle sourdough is back on Friday"
        )
        expect(drafts.nth(n).locator(".ai-result-problems")).to_contain_text(
            f"“miracle” is a banned word for {bakery}"
        )
    expect(page.locator("#ai-draft")).to_be_enabled()
    drafts.nth(1).locator(".ai-use").click()
    expect(page.get_by_text("Copied to the clipboard.")).to_be_visible()
    expect(page.locator("#ai-text-usage")).to_contain_text("of 100,000 tokens")

    # Hashtags from the AI; an image from a brief that passes the guardrails lands in the
    # media library, while one that breaks them is refused before any call.
    page.locator("#ai-text").fill("Sourdough workshop with our bakers #bread")
    page.locator("#ai-hashtags").click()
    expect(page.locator('.ai-result[data-kind="hashtags"]')).to_contain_text("#sourdough")
    page.locator("#ai-image").click()
    expect(page.locator("#ai-error")).to_contain_text("breaks the brand's guardrails")
    page.locator("#ai-brief").fill("a sourdough loaf on a wooden table")
    page.locator("#ai-image").click()
    expect(page.locator('.ai-result[data-kind="image"] img')).to_be_visible()
    expect(page.locator("#ai-error")).to_have_count(0)
    page.locator("#ai-brief").fill("our miracle sourdough is back on Friday")

    # A provider error reads as plain words and keeps the brief.
    emulator = llm.emulator
    assert isinstance(emulator, OpenAICompatEmulator)
    emulator.rate_limit(1, retry_after=12)
    page.locator("#ai-script").click()
    expect(page.locator("#ai-error")).to_have_text(
        "The AI provider is rate limiting; try again in 12 s."
    )
    expect(page.locator("#ai-brief")).to_have_value("our miracle sourdough is back on Friday")
