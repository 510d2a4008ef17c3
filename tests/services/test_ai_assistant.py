"""The AI assistant against the local emulators: drafts, streaming, limits, errors, caps, usage."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from socialmuse.emulators import openai_compat
from socialmuse.emulators.base import EmulatorServer, Fault
from socialmuse.emulators.did import DEFAULT_KEY as DID_KEY
from socialmuse.emulators.did import DIDEmulator
from socialmuse.emulators.elevenlabs import DEFAULT_KEY as XI_KEY
from socialmuse.emulators.elevenlabs import ElevenLabsEmulator
from socialmuse.emulators.openai_compat import OpenAICompatEmulator
from socialmuse.models import AIProviderConfig, AIUsage, MediaAsset
from socialmuse.models.enums import Platform, Role
from socialmuse.platforms import text_rules
from socialmuse.services import ai_config, guardrails
from socialmuse.services.ai import assistant
from socialmuse.services.ai_config import AINotConfigured
from socialmuse.services.errors import PermissionDenied, ValidationError
from tests.factories import Person, brand, owner, teammate


@pytest.fixture(scope="module")
def openai_server() -> Iterator[EmulatorServer]:
    with EmulatorServer(OpenAICompatEmulator()) as running:
        yield running


@pytest.fixture()
def llm(openai_server: EmulatorServer) -> OpenAICompatEmulator:
    emulator = openai_server.emulator
    assert isinstance(emulator, OpenAICompatEmulator)
    emulator.reset()
    return emulator


class Org:
    def __init__(self, boss: Person, brand_id: int) -> None:
        self.boss = boss
        self.brand_id = brand_id


@pytest.fixture()
def org(session: Session, llm: OpenAICompatEmulator) -> Org:
    boss = owner(session)
    b = brand(session, boss, "Bakery")
    ai_config.set_provider(
        session,
        actor=boss.actor,
        kind="text",
        base_url=f"{llm.base_url}/v1",
        model="gpt-4o-mini",
        image_model="gpt-image-1",
        api_key=openai_compat.DEFAULT_KEY,
    )
    session.commit()
    return Org(boss, b)


def _usage(session: Session) -> list[AIUsage]:
    session.expire_all()
    return list(session.exec(select(AIUsage).order_by(AIUsage.id)).all())  # type: ignore[arg-type]


def test_drafts_in_the_brand_voice_with_variants(
    session: Session, org: Org, llm: OpenAICompatEmulator
) -> None:
    from socialmuse.models import Brand

    row = session.get(Brand, org.brand_id)
    assert row is not None
    row.voice = "Warm and witty, never pushy."
    session.add(row)
    session.commit()
    drafts = assistant.draft_posts(
        session,
        actor=org.boss.actor,
        brand_id=org.brand_id,
        brief="sourdough workshop on Saturday",
        networks=["x", "linkedin"],
        variants=3,
    )
    assert len(drafts) == 3 and len(set(drafts)) == 3
    assert all("sourdough workshop on saturday" in d.lower() for d in drafts)
    assert all(not d.flagged for d in drafts)
    [call] = llm.requests("POST", "/v1/chat/completions")
    body = call.json()
    assert body["n"] == 3
    assert "Warm and witty, never pushy." in body["messages"][0]["content"]
    assert "at most 280 characters" in body["messages"][1]["content"]
    [used] = _usage(session)
    assert used.kind == "text" and used.operation == "draft" and used.succeeded
    assert used.units == used.prompt_tokens + used.completion_tokens > 0


def test_streaming_chunks_arrive_and_join(session: Session, org: Org) -> None:
    stream = assistant.stream_draft(
        session,
        actor=org.boss.actor,
        brand_id=org.brand_id,
        brief="new rye loaf",
        networks=[Platform.MASTODON],
    )
    pieces = list(stream)
    assert len(pieces) > 2
    assert stream.done and stream.text == "".join(pieces).strip()
    assert "new rye loaf" in stream.text.lower()
    [used] = _usage(session)
    assert used.operation == "draft_stream" and used.completion_tokens > 0


def test_rewrite_fits_the_network(session: Session, org: Org, llm: OpenAICompatEmulator) -> None:
    long_text = "Fresh bread every morning. " * 30
    out = assistant.rewrite_for_network(
        session, actor=org.boss.actor, brand_id=org.brand_id, text=long_text, platform="x"
    )
    assert text_rules.count(Platform.X, out).length <= 280
    assert len(llm.requests("POST", "/v1/chat/completions")) == 1


def test_rewrite_asks_again_once_then_refuses(
    session: Session, org: Org, llm: OpenAICompatEmulator
) -> None:
    too_long = "word " * 100
    llm.script_reply(too_long, "Short and sweet.")
    fixed = assistant.rewrite_for_network(
        session, actor=org.boss.actor, brand_id=org.brand_id, text="Anything", platform="bluesky"
    )
    assert fixed == "Short and sweet."
    second = llm.requests("POST", "/v1/chat/completions")[1].json()["messages"][-1]["content"]
    assert "Bluesky allows 300" in second and "Cut about" in second
    llm.script_reply(too_long, too_long)
    with pytest.raises(ValidationError) as err:
        assistant.rewrite_for_network(
            session,
            actor=org.boss.actor,
            brand_id=org.brand_id,
            text="Anything",
            platform="bluesky",
        )
    assert "could not fit" in err.value.message and err.value.field == "text"
    assert len(llm.requests("POST", "/v1/chat/completions")) == 4


def test_hashtags_and_video_script(session: Session, org: Org) -> None:
    tags = assistant.suggest_hashtags(
        session,
        actor=org.boss.actor,
        brand_id=org.brand_id,
        text="Sourdough workshop with our bakers #bread",
    )
    assert tags and all(t.startswith("#") for t in tags)
    assert "#bread" not in [t.lower() for t in tags]
    assert "#sourdough" in tags
    script = assistant.video_script(
        session, actor=org.boss.actor, brand_id=org.brand_id, brief="how we shape a baguette"
    )
    assert "Scene 1" in script and "baguette" in script


@pytest.mark.parametrize(
    ("arrange", "expected"),
    [
        ("bad_key", "refused the key"),
        ("rate_limit", "rate limiting; try again in 9 s"),
        ("server", "had a problem on its side (HTTP 500)"),
        ("timeout", "did not answer within 1 s"),
    ],
)
def test_provider_errors_become_plain_words(
    session: Session, org: Org, llm: OpenAICompatEmulator, arrange: str, expected: str
) -> None:
    if arrange == "bad_key":
        ai_config.set_provider(
            session,
            actor=org.boss.actor,
            kind="text",
            base_url=f"{llm.base_url}/v1",
            model="gpt-4o-mini",
            api_key="sk-revoked-000000000",
        )
        session.commit()
    elif arrange == "rate_limit":
        llm.rate_limit(1, retry_after=9)
    elif arrange == "server":
        llm.inject(
            Fault(
                "POST",
                "/v1/chat",
                "status",
                status=500,
                body=openai_compat.error_body("The server had an error", "server_error", None),
            )
        )
    else:
        llm.inject(Fault("POST", "/v1/chat", "timeout", delay=3))
        ai_config.set_provider(
            session,
            actor=org.boss.actor,
            kind="text",
            base_url=f"{llm.base_url}/v1",
            model="gpt-4o-mini",
            timeout_s=1,
        )
        session.commit()
    with pytest.raises(ValidationError) as err:
        assistant.draft_posts(
            session,
            actor=org.boss.actor,
            brand_id=org.brand_id,
            brief="spring menu",
            networks=["x"],
            variants=1,
        )
    assert expected in err.value.message
    assert "Traceback" not in err.value.message and "sk-" not in err.value.message
    [used] = _usage(session)
    assert not used.succeeded and used.units == 0


def test_monthly_cap_refuses_the_next_call(
    session: Session, org: Org, llm: OpenAICompatEmulator
) -> None:
    ai_config.set_provider(
        session,
        actor=org.boss.actor,
        kind="text",
        base_url=f"{llm.base_url}/v1",
        model="gpt-4o-mini",
        monthly_cap=10,
    )
    session.commit()
    first = assistant.video_script(
        session, actor=org.boss.actor, brand_id=org.brand_id, brief="oven tour"
    )
    assert first
    with pytest.raises(ValidationError) as err:
        assistant.video_script(session, actor=org.boss.actor, brand_id=org.brand_id, brief="again")
    assert "cap is reached" in err.value.message and "Settings → AI" in err.value.message
    assert len(llm.requests("POST", "/v1/chat/completions")) == 1
    assert ai_config.get_provider(session, actor=org.boss.actor, kind="text").used_this_month >= 10


def test_guardrail_flags_a_banned_claim(
    session: Session, org: Org, llm: OpenAICompatEmulator
) -> None:
    guardrails.update_guardrails(
        session,
        actor=org.boss.actor,
        brand_id=org.brand_id,
        banned_words=[],
        banned_claims=["cures anxiety"],
        required_disclosure="",
    )
    session.commit()
    llm.script_reply("Our chamomile bread cures anxiety!")
    [draft] = assistant.draft_posts(
        session,
        actor=org.boss.actor,
        brand_id=org.brand_id,
        brief="chamomile bread",
        networks=["x"],
        variants=1,
    )
    assert draft.flagged
    assert [p.kind for p in draft.problems] == ["banned_claim"]
    body = llm.requests("POST", "/v1/chat/completions")[0].json()
    assert "Never make these claims: cures anxiety." in body["messages"][0]["content"]


def test_image_lands_in_the_media_library(session: Session, org: Org) -> None:
    image = assistant.generate_image(
        session,
        actor=org.boss.actor,
        brand_id=org.brand_id,
        prompt="a loaf on a table",
        size="256x256",
    )
    session.commit()
    assert image.content_type == "image/png" and image.data.startswith(b"\x89PNG")
    asset = session.get(MediaAsset, image.media_id)
    assert asset is not None and asset.brand_id == org.brand_id
    assert asset.alt_text == "a loaf on a table"
    [used] = _usage(session)
    assert used.operation == "image" and used.units == assistant.IMAGE_UNITS


def test_without_a_provider_functions_say_where_to_configure(session: Session) -> None:
    boss = owner(session)
    b = brand(session, boss)
    with pytest.raises(AINotConfigured) as err:
        assistant.draft_posts(session, actor=boss.actor, brand_id=b, brief="x", networks=["x"])
    assert "Settings → AI" in err.value.message
    with pytest.raises(AINotConfigured):
        assistant.voice_over(session, actor=boss.actor, brand_id=b, text="hello")
    assert ai_config.configured_kinds(session, actor=boss.actor) == []


def test_keys_are_sealed_and_never_returned(session: Session, org: Org) -> None:
    row = session.exec(select(AIProviderConfig)).one()
    assert openai_compat.DEFAULT_KEY not in row.api_key_encrypted
    view = ai_config.get_provider(session, actor=org.boss.actor, kind="text")
    dumped = view.model_dump_json()
    assert openai_compat.DEFAULT_KEY not in dumped
    assert view.key_set and view.key_last4 == openai_compat.DEFAULT_KEY[-4:]
    # saving without a key keeps the stored one
    ai_config.set_provider(
        session,
        actor=org.boss.actor,
        kind="text",
        base_url=row.base_url,
        model="gpt-4.1",
        api_key="",
    )
    assert ai_config.get_provider(session, actor=org.boss.actor, kind="text").key_set
    assert "Connected" in ai_config.check_connection(session, actor=org.boss.actor, kind="text")


def test_only_admins_configure(session: Session, org: Org) -> None:
    mate = teammate(session, org.boss, role=Role.BRAND_OWNER)
    with pytest.raises(PermissionDenied):
        ai_config.list_providers(session, actor=mate.actor)
    with pytest.raises(PermissionDenied):
        ai_config.set_provider(
            session, actor=mate.actor, kind="text", base_url="http://x.test/v1", model="m"
        )
    assert ai_config.configured_kinds(session, actor=mate.actor) == ["text"]


def test_provider_settings_are_validated(session: Session, org: Org) -> None:
    with pytest.raises(ValidationError) as err:
        ai_config.set_provider(
            session, actor=org.boss.actor, kind="text", base_url="ftp://x", model="m"
        )
    assert err.value.field == "base_url"
    with pytest.raises(ValidationError) as err:
        ai_config.set_provider(
            session,
            actor=org.boss.actor,
            kind="voice",
            base_url="https://api.elevenlabs.io",
            model="",
            voice_id="v",
        )
    assert err.value.field == "api_key"


def test_voice_over_and_talking_head(session: Session, org: Org) -> None:
    with (
        EmulatorServer(ElevenLabsEmulator()) as voice,
        EmulatorServer(DIDEmulator(polls_to_finish=2)) as video,
    ):
        ai_config.set_provider(
            session,
            actor=org.boss.actor,
            kind="voice",
            base_url=voice.url,
            model="eleven_multilingual_v2",
            api_key=XI_KEY,
            voice_id="21m00Tcm4TlvDq8ikWAM",
        )
        ai_config.set_provider(
            session,
            actor=org.boss.actor,
            kind="video",
            base_url=video.url,
            model="",
            api_key=DID_KEY,
            voice_id="en-US-JennyNeural",
        )
        session.commit()
        audio = assistant.voice_over(
            session, actor=org.boss.actor, brand_id=org.brand_id, text="Fresh bread at nine."
        )
        assert audio[:2] == b"\xff\xfb"
        naps: list[float] = []
        url = assistant.talking_head(
            session,
            actor=org.boss.actor,
            brand_id=org.brand_id,
            script="Hello, the oven is hot and the bread is ready.",
            image_url="https://example.com/baker.jpg",
            sleep=naps.append,
        )
        assert url.startswith(video.url) and url.endswith(".mp4")
        assert len(naps) == 1
        units = {(u.kind, u.units) for u in _usage(session)}
        assert ("voice", len("Fresh bread at nine.")) in units
        assert any(kind == "video" and n >= 1 for kind, n in units)
        guardrails.update_guardrails(
            session,
            actor=org.boss.actor,
            brand_id=org.brand_id,
            banned_words=["oven"],
            banned_claims=[],
            required_disclosure="",
        )
        session.commit()
        with pytest.raises(ValidationError) as err:
            assistant.voice_over(
                session, actor=org.boss.actor, brand_id=org.brand_id, text="Our oven is hot"
            )
        assert "guardrails" in err.value.message
        assert len(voice.emulator.requests("POST", "/v1/text-to-speech")) == 1


def test_another_tenant_never_sees_or_uses_the_provider(
    session: Session, org: Org, llm: OpenAICompatEmulator
) -> None:
    assistant.video_script(session, actor=org.boss.actor, brand_id=org.brand_id, brief="oven")
    other = owner(session, org="Other")
    other_brand = brand(session, other)
    views = ai_config.list_providers(session, actor=other.actor)
    assert [v.configured for v in views] == [False, False, False]
    assert all(v.used_this_month == 0 for v in views)
    with pytest.raises(AINotConfigured):
        ai_config.load_runtime(session, actor=other.actor, kind="text")
    with pytest.raises(AINotConfigured):
        ai_config.check_connection(session, actor=other.actor, kind="text")
    with pytest.raises(AINotConfigured):
        assistant.video_script(session, actor=other.actor, brand_id=other_brand, brief="x")
    assert len(llm.requests("POST", "/v1/chat/completions")) == 1


def test_reasoning_models_get_max_completion_tokens(
    session: Session, org: Org, llm: OpenAICompatEmulator
) -> None:
    ai_config.set_provider(
        session,
        actor=org.boss.actor,
        kind="text",
        base_url=f"{llm.base_url}/v1",
        model="o4-mini",
    )
    session.commit()
    [draft] = assistant.draft_posts(
        session,
        actor=org.boss.actor,
        brand_id=org.brand_id,
        brief="rye on Sunday",
        networks=["x"],
        variants=1,
    )
    assert "rye on sunday" in draft.lower()
    first, second = (r.json() for r in llm.requests("POST", "/v1/chat/completions"))
    assert "max_tokens" in first and "max_completion_tokens" in second
