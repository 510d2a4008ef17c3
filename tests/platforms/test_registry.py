"""Every network has an adapter behind the one protocol, sharing one HTTP client per process."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from socialmuse.emulators.base import EmulatorServer
from socialmuse.emulators.bluesky import BlueskyEmulator
from socialmuse.emulators.mastodon import MastodonEmulator
from socialmuse.models.enums import Platform
from socialmuse.platforms.base import AccountContext, Adapter, PostContent
from socialmuse.platforms.http import shared_client
from socialmuse.platforms.registry import adapter_for


def test_every_network_has_one_adapter_per_process(backend: dict[str, str]) -> None:
    for platform in Platform:
        adapter = adapter_for(platform)
        assert isinstance(adapter, Adapter), platform
        assert adapter_for(platform) is adapter
        assert adapter.platform == platform


def test_publishing_through_adapters_builds_no_client_of_its_own(
    backend: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = shared_client()
    built: list[httpx.Client] = []
    original = httpx.Client.__init__

    def counting(self: httpx.Client, *args: Any, **kwargs: Any) -> None:
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(httpx.Client, "__init__", counting)
    mastodon = MastodonEmulator()
    bluesky = BlueskyEmulator()
    with EmulatorServer(mastodon), EmulatorServer(bluesky):
        account, token = mastodon.create_account("shared")
        context = AccountContext(
            platform=Platform.MASTODON,
            external_id=account.id,
            handle="shared",
            base_url=mastodon.base_url,
            credentials={"access_token": token},
        )
        adapter_for(Platform.MASTODON).publish(
            context, PostContent(text="one client"), idempotency_key="k1"
        )
        bluesky.create_account("shared.test", "app-pass-word")
        connected = adapter_for(Platform.BLUESKY).connect_with_password(  # type: ignore[attr-defined]
            service_url=bluesky.base_url, identifier="shared.test", password="app-pass-word"
        )
        sky = AccountContext(
            platform=Platform.BLUESKY,
            external_id=connected.external_id,
            handle=connected.handle,
            base_url=connected.credentials["service_url"],
            credentials=connected.credentials,
        )
        adapter_for(Platform.BLUESKY).publish(
            sky, PostContent(text="one client"), idempotency_key="k2"
        )
    assert built == [] and shared_client() is client
