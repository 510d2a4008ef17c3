"""Which networks can be connected through an OAuth redirect, and what each one still needs.

X, LinkedIn and Meta (Facebook, Instagram, Threads) need an app the operator registers in
the network's developer portal; its id and secret come from settings. Mastodon needs none:
SocialMuse registers itself on each instance the first time someone connects there.
"""

from __future__ import annotations

from socialmuse.models.enums import Platform
from socialmuse.settings import get_settings

CALLBACK_PATH = "/api/v1/oauth/callback"

# The settings each network's app needs, as (environment variable, Settings attribute).
_REQUIRED: dict[Platform, tuple[tuple[str, str], ...]] = {
    Platform.X: (("SOCIALMUSE_X_CLIENT_ID", "x_client_id"),),
    Platform.LINKEDIN: (
        ("SOCIALMUSE_LINKEDIN_CLIENT_ID", "linkedin_client_id"),
        ("SOCIALMUSE_LINKEDIN_CLIENT_SECRET", "linkedin_client_secret"),
    ),
    Platform.FACEBOOK: (
        ("SOCIALMUSE_META_APP_ID", "meta_app_id"),
        ("SOCIALMUSE_META_APP_SECRET", "meta_app_secret"),
    ),
    Platform.INSTAGRAM: (
        ("SOCIALMUSE_META_APP_ID", "meta_app_id"),
        ("SOCIALMUSE_META_APP_SECRET", "meta_app_secret"),
    ),
    Platform.THREADS: (
        ("SOCIALMUSE_THREADS_APP_ID", "threads_app_id"),
        ("SOCIALMUSE_THREADS_APP_SECRET", "threads_app_secret"),
    ),
    Platform.MASTODON: (),
}

OAUTH_PLATFORMS: tuple[Platform, ...] = tuple(_REQUIRED)
APP_PLATFORMS: tuple[Platform, ...] = tuple(p for p, needs in _REQUIRED.items() if needs)
"""Networks whose app the operator registers (every OAuth network but Mastodon)."""


def redirect_uri() -> str:
    """The one callback every network sends the person back to (register it with each app)."""
    return f"{get_settings().base_url}{CALLBACK_PATH}"


def missing_settings(platform: Platform) -> list[str]:
    """The environment variables still empty for ``platform``'s app (none: ready)."""
    settings = get_settings()
    return [env for env, attr in _REQUIRED.get(platform, ()) if not getattr(settings, attr)]


def setup_hint(platform: Platform) -> str:
    """One line telling the operator what to set; empty when the network is ready."""
    missing = missing_settings(platform)
    if not missing:
        return ""
    return (
        f"Set {' and '.join(missing)} (from the network's developer portal), register "
        f"{redirect_uri()} as the app's redirect URL, and restart SocialMuse."
    )


NONCE_COOKIE = "socialmuse_oauth_nonce"
"""The starting browser's half of the state's nonce; the callback must bring it back."""
CHOICES_COOKIE = "socialmuse_oauth_choices"
"""The sealed list of other accounts a sign-in offered (LinkedIn pages, Facebook Pages)."""
