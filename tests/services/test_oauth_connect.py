"""Connecting through a network's sign-in page, against the emulators on loopback.

The person's browser is played by httpx: it opens the authorization URL, the emulator
approves at once and redirects to the callback with ``code`` and ``state``, and the test
hands those to ``finish`` as the callback endpoint would.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlmodel import Session, select

from socialmuse.emulators.base import EmulatorServer
from socialmuse.emulators.graph import GraphEmulator
from socialmuse.emulators.linkedin import LinkedInEmulator
from socialmuse.emulators.mastodon import MastodonEmulator
from socialmuse.emulators.x import XEmulator
from socialmuse.models import SocialAccount
from socialmuse.models.enums import Platform
from socialmuse.platforms import registry
from socialmuse.platforms.facebook import FacebookAdapter
from socialmuse.platforms.linkedin import LinkedInAdapter
from socialmuse.platforms.x import XAdapter
from socialmuse.services import oauth_choices, oauth_connect
from socialmuse.services.errors import NotFound, ValidationError
from socialmuse.services.oauth_apps import CALLBACK_PATH
from socialmuse.services.secrets import decrypt_json
from socialmuse.settings import get_settings
from tests.factories import Person, brand, owner

NONCE = "browser-nonce-0123456789"


@pytest.fixture()
def configure(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set an app's settings for this test only (the operator's SOCIALMUSE_* variables)."""

    def _set(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setattr(get_settings(), name, value)

    return _set


@pytest.fixture()
def x(configure: Any) -> Iterator[XEmulator]:
    emulator = XEmulator()
    with EmulatorServer(emulator):
        app = emulator.default_client
        configure(x_client_id=app.client_id, x_client_secret=app.client_secret or "")
        adapter = XAdapter(
            client_id=app.client_id,
            client_secret=app.client_secret,
            api_url=emulator.base_url,
            authorize_url=f"{emulator.base_url}/i/oauth2/authorize",
        )
        with registry.overridden(Platform.X, adapter):
            yield emulator


@pytest.fixture()
def mastodon() -> Iterator[MastodonEmulator]:
    emulator = MastodonEmulator()
    with EmulatorServer(emulator):
        yield emulator


@pytest.fixture()
def linkedin(configure: Any) -> Iterator[LinkedInEmulator]:
    emulator = LinkedInEmulator()
    with EmulatorServer(emulator):
        client_id, secret, _ = emulator.default_app
        configure(linkedin_client_id=client_id, linkedin_client_secret=secret)
        adapter = LinkedInAdapter(
            client_id=client_id,
            client_secret=secret,
            api_base=emulator.base_url,
            oauth_base=emulator.base_url,
        )
        with registry.overridden(Platform.LINKEDIN, adapter):
            yield emulator


@pytest.fixture()
def graph(configure: Any) -> Iterator[GraphEmulator]:
    emulator = GraphEmulator()
    with EmulatorServer(emulator):
        configure(meta_app_id=emulator.app_id, meta_app_secret=emulator.app_secret)
        adapter = FacebookAdapter(
            app_id=emulator.app_id,
            app_secret=emulator.app_secret,
            graph_host=emulator.base_url,
            login_url=emulator.base_url,
        )
        with registry.overridden(Platform.FACEBOOK, adapter):
            yield emulator


def approve(url: str) -> tuple[str, str]:
    """The browser's trip: the network approves and sends back ``code`` and ``state``."""
    answer = httpx.get(url, follow_redirects=False, timeout=5)
    landing = urlsplit(answer.headers["location"])
    assert answer.status_code in (302, 303) and landing.path == CALLBACK_PATH
    query = parse_qs(landing.query)
    return query["code"][0], query["state"][0]


def accounts_of(session: Session, brand_id: int) -> list[SocialAccount]:
    session.expire_all()
    return list(session.exec(select(SocialAccount).where(SocialAccount.brand_id == brand_id)))


@pytest.fixture()
def ada(session: Session) -> Person:
    return owner(session, org="Ada's agency")


def test_x_sign_in_with_pkce_stores_an_encrypted_account(session, ada, x) -> None:
    x.create_user("bakery_x")
    brand_id = brand(session, ada, "Bakery")

    url = oauth_connect.start(
        session, actor=ada.actor, brand_id=brand_id, platform="x", browser_nonce=NONCE
    )
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    code, state = approve(url)
    result = oauth_connect.finish(session, state=state, code=code, browser_nonce=NONCE)
    session.commit()

    assert result.platform is Platform.X and result.account.handle == "bakery_x"
    assert result.choices == [] and result.pending_token is None
    (stored,) = accounts_of(session, brand_id)
    assert stored.handle == "bakery_x" and stored.status == "connected"
    assert "access_token" not in stored.credentials_encrypted
    credentials = decrypt_json(stored.credentials_encrypted)
    assert credentials["access_token"] in x.tokens and credentials["refresh_token"]
    (exchange,) = x.requests("POST", "/2/oauth2/token")
    assert "code_verifier=" in exchange.body.decode()  # the emulator checked it against S256


def test_a_tampered_or_expired_state_stores_nothing(session, ada, x, monkeypatch) -> None:
    brand_id = brand(session, ada)
    url = oauth_connect.start(
        session, actor=ada.actor, brand_id=brand_id, platform="x", browser_nonce=NONCE
    )
    code, state = approve(url)
    tampered = state[:-6] + ("A" if state[-6] != "A" else "B") + state[-5:]

    with pytest.raises(ValidationError, match="expired or was altered"):
        oauth_connect.finish(session, state=tampered, code=code, browser_nonce=NONCE)
    with pytest.raises(ValidationError, match="another browser"):
        oauth_connect.finish(session, state=state, code=code, browser_nonce="someone-elses")
    later = oauth_choices.clock() + oauth_connect.STATE_MAX_AGE_S + 1
    monkeypatch.setattr(oauth_choices, "clock", lambda: later)
    with pytest.raises(ValidationError, match="expired"):
        oauth_connect.finish(session, state=state, code=code, browser_nonce=NONCE)

    assert accounts_of(session, brand_id) == []
    assert x.requests("POST", "/2/oauth2/token") == []


def test_another_tenants_brand_is_refused_before_any_network_call(session, ada, x) -> None:
    other = owner(session, org="Other agency")
    their_brand = brand(session, other, "Theirs")

    with pytest.raises(NotFound):
        oauth_connect.start(
            session, actor=ada.actor, brand_id=their_brand, platform="x", browser_nonce=NONCE
        )
    assert x.requests() == []


def test_a_network_without_an_app_names_the_settings_to_set(session, ada, configure) -> None:
    configure(threads_app_id="", threads_app_secret="")
    brand_id = brand(session, ada)

    with pytest.raises(ValidationError) as refused:
        oauth_connect.start(
            session, actor=ada.actor, brand_id=brand_id, platform="threads", browser_nonce=NONCE
        )
    assert "SOCIALMUSE_THREADS_APP_ID and SOCIALMUSE_THREADS_APP_SECRET" in refused.value.message


def test_mastodon_registers_once_per_instance_and_connects(session, ada, mastodon) -> None:
    mastodon.create_account("baker")
    brand_id = brand(session, ada)

    first = oauth_connect.start(
        session,
        actor=ada.actor,
        brand_id=brand_id,
        platform="mastodon",
        browser_nonce=NONCE,
        instance_url=mastodon.base_url,
    )
    again = oauth_connect.start(
        session,
        actor=ada.actor,
        brand_id=brand_id,
        platform="mastodon",
        browser_nonce=NONCE,
        instance_url=mastodon.base_url,
    )
    assert len(mastodon.requests("POST", "/api/v1/apps")) == 1
    assert first.startswith(f"{mastodon.base_url}/oauth/authorize?") and first != again
    code, state = approve(again)
    result = oauth_connect.finish(session, state=state, code=code, browser_nonce=NONCE)
    session.commit()

    assert result.account.handle == f"baker@{urlsplit(mastodon.base_url).netloc}"
    (stored,) = accounts_of(session, brand_id)
    assert stored.instance_url == mastodon.base_url
    credentials = decrypt_json(stored.credentials_encrypted)
    assert credentials["access_token"] in mastodon.tokens and credentials["client_id"]


def test_mastodon_needs_an_instance_address(session, ada) -> None:
    brand_id = brand(session, ada)
    with pytest.raises(ValidationError) as refused:
        oauth_connect.start(
            session, actor=ada.actor, brand_id=brand_id, platform="mastodon", browser_nonce=NONCE
        )
    assert refused.value.field == "instance_url"


def test_linkedin_connects_the_member_then_offers_their_organization(
    session, ada, linkedin
) -> None:
    member, _ = linkedin.create_member("Carol", "Jones")
    acme = linkedin.create_organization("Acme Corp", admins=[member])
    linkedin.create_organization("Not Hers")
    brand_id = brand(session, ada)

    url = oauth_connect.start(
        session, actor=ada.actor, brand_id=brand_id, platform="linkedin", browser_nonce=NONCE
    )
    code, state = approve(url)
    result = oauth_connect.finish(session, state=state, code=code, browser_nonce=NONCE)
    session.commit()

    assert result.account.handle == "Carol Jones"
    assert [(c.name, c.kind) for c in result.choices] == [("Acme Corp", "organization")]
    assert result.pending_token and "access_token" not in result.pending_token
    pending = result.pending_token
    offered = oauth_choices.pending_choices(session, actor=ada.actor, pending_token=pending)
    assert [c.id for c in offered] == [f"urn:li:organization:{acme.id}"]

    page = oauth_choices.connect_choice(
        session, actor=ada.actor, pending_token=pending, choice_id=offered[0].id
    )
    session.commit()

    assert page.handle == "acme-corp"
    stored = {a.external_id: a for a in accounts_of(session, brand_id)}
    assert set(stored) == {member.urn, offered[0].id}
    page_credentials = decrypt_json(stored[offered[0].id].credentials_encrypted)
    assert page_credentials["author_urn"] == offered[0].id
    assert oauth_choices.pending_choices(session, actor=ada.actor, pending_token=pending) == []


def test_facebook_connects_the_first_page_and_offers_the_others(session, ada, graph) -> None:
    person = graph.create_person("Pat")
    first, _ = graph.create_page("First Page", person=person.id)
    second, second_token = graph.create_page("Second Page", person=person.id)
    graph.authorize_as = person.id
    brand_id = brand(session, ada)

    url = oauth_connect.start(
        session, actor=ada.actor, brand_id=brand_id, platform="facebook", browser_nonce=NONCE
    )
    code, state = approve(url)
    result = oauth_connect.finish(session, state=state, code=code, browser_nonce=NONCE)
    session.commit()

    assert result.account.handle == "First Page"
    assert [(c.id, c.name) for c in result.choices] == [(second.id, "Second Page")]
    assert result.pending_token is not None
    with pytest.raises(ValidationError, match="not among"):
        oauth_choices.connect_choice(
            session, actor=ada.actor, pending_token=result.pending_token, choice_id=first.id + "9"
        )

    oauth_choices.connect_choice(
        session, actor=ada.actor, pending_token=result.pending_token, choice_id=second.id
    )
    session.commit()

    stored = {a.external_id: a for a in accounts_of(session, brand_id)}
    assert set(stored) == {first.id, second.id}
    assert decrypt_json(stored[second.id].credentials_encrypted)["page_access_token"] == (
        second_token
    )


def test_someone_elses_choices_cannot_be_redeemed(session, ada, graph) -> None:
    person = graph.create_person("Pat")
    graph.create_page("First Page", person=person.id)
    second, _ = graph.create_page("Second Page", person=person.id)
    graph.authorize_as = person.id
    brand_id = brand(session, ada)
    url = oauth_connect.start(
        session, actor=ada.actor, brand_id=brand_id, platform="facebook", browser_nonce=NONCE
    )
    code, state = approve(url)
    pending = oauth_connect.finish(session, state=state, code=code, browser_nonce=NONCE)
    session.commit()
    intruder = owner(session, org="Elsewhere")

    with pytest.raises(NotFound):
        oauth_choices.connect_choice(
            session,
            actor=intruder.actor,
            pending_token=pending.pending_token or "",
            choice_id=second.id,
        )
    assert len(accounts_of(session, brand_id)) == 1
