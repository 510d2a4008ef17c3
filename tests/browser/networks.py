"""Networks the app under test signs in to: emulators on loopback, configured through env.

They start before the app (whose settings are read once) and live as long as it does.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from socialmuse.emulators.base import EmulatorServer
from socialmuse.emulators.x import XEmulator


@pytest.fixture(scope="package")
def x_network() -> Iterator[XEmulator]:
    """The X emulator, with the confidential app the app under test is registered as."""
    emulator = XEmulator()
    with EmulatorServer(emulator):
        emulator.default_client  # noqa: B018 - the app exists before anyone signs in
        yield emulator


@pytest.fixture(scope="package")
def network_env(x_network: XEmulator) -> dict[str, str]:
    """The SOCIALMUSE_* settings that point the app's adapters at the emulators."""
    app = x_network.default_client
    return {
        "SOCIALMUSE_X_CLIENT_ID": app.client_id,
        "SOCIALMUSE_X_CLIENT_SECRET": app.client_secret or "",
        "SOCIALMUSE_X_API_URL": x_network.base_url,
        "SOCIALMUSE_X_AUTHORIZE_URL": f"{x_network.base_url}/i/oauth2/authorize",
    }
