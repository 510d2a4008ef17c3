"""Which adapter speaks for which network; one instance per network per process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from socialmuse.models.enums import Platform
from socialmuse.platforms.base import Adapter


class NetworkNotAvailable(LookupError):
    """The network has no adapter in this version."""


_overrides: dict[Platform, Adapter] = {}


def adapter_for(platform: Platform | str) -> Adapter:
    """The process-wide adapter of ``platform`` (adapters are stateless apart from caches)."""
    platform = Platform(platform)
    return _overrides.get(platform) or _default_adapter(platform)


@contextmanager
def overridden(platform: Platform, adapter: Adapter) -> Iterator[Adapter]:
    """Speak to ``adapter`` for ``platform`` inside the block (tests, benchmarks)."""
    _overrides[platform] = adapter
    try:
        yield adapter
    finally:
        _overrides.pop(platform, None)


@cache
def _default_adapter(platform: Platform) -> Adapter:
    if platform is Platform.SANDBOX:
        from socialmuse.platforms.sandbox import SandboxAdapter

        return SandboxAdapter()
    if platform is Platform.MASTODON:
        from socialmuse.platforms.mastodon import MastodonAdapter

        return MastodonAdapter()
    if platform is Platform.BLUESKY:
        from socialmuse.platforms.bluesky import BlueskyAdapter

        return BlueskyAdapter()
    return _oauth_adapter(platform)


def _oauth_adapter(platform: Platform) -> Adapter:
    """Networks connected through an OAuth app registered by the operator (settings)."""
    from socialmuse.settings import get_settings

    settings = get_settings()
    if platform is Platform.X:
        from socialmuse.platforms.x import XAdapter
        from socialmuse.platforms.x_api import API_URL
        from socialmuse.platforms.x_connect import AUTHORIZE_URL

        return XAdapter(
            client_id=settings.x_client_id or None,
            client_secret=settings.x_client_secret or None,
            api_url=settings.x_api_url or API_URL,
            authorize_url=settings.x_authorize_url or AUTHORIZE_URL,
        )
    if platform is Platform.LINKEDIN:
        from socialmuse.platforms.linkedin import LinkedInAdapter

        return LinkedInAdapter(
            client_id=settings.linkedin_client_id, client_secret=settings.linkedin_client_secret
        )
    if platform is Platform.FACEBOOK:
        from socialmuse.platforms.facebook import FacebookAdapter

        return FacebookAdapter(
            app_id=settings.meta_app_id or None, app_secret=settings.meta_app_secret or None
        )
    # Instagram and Threads fetch media from a URL: the registry (this process's wiring point
    # for adapters) hands them the media service's signed-link builder.
    if platform is Platform.INSTAGRAM:
        from socialmuse.platforms.instagram import InstagramAdapter
        from socialmuse.services.media import public_media_url

        return InstagramAdapter(
            app_id=settings.meta_app_id or None,
            app_secret=settings.meta_app_secret or None,
            media_url=public_media_url,
        )
    if platform is Platform.THREADS:
        from socialmuse.platforms.threads import ThreadsAdapter
        from socialmuse.services.media import public_media_url

        return ThreadsAdapter(
            app_id=settings.threads_app_id or None,
            app_secret=settings.threads_app_secret or None,
            media_url=public_media_url,
        )
    raise NetworkNotAvailable(f"{platform.value} is not supported yet")
