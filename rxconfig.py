"""Reflex configuration: the app module is ``socialmuse/socialmuse.py``.

Config fields: https://reflex.dev/docs/api-reference/config/ . Ports and the deploy URL come
from ``REFLEX_*`` environment variables at run time (see ``socialmuse.webapp``).
"""

import reflex as rx

from socialmuse.settings import get_settings

config = rx.Config(
    app_name="socialmuse",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # Per-tab UI state lives in the same Redis/Valkey as the job queue, so any number of web
    # processes (and Reflex's multi-worker production server) share it. Unset (a bare
    # `reflex run` without the runner) falls back to Reflex's on-disk state manager.
    redis_url=get_settings().redis_url,
    # Explicit, so Reflex does not warn about implicitly enabling Radix Themes.
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="violet", radius="medium"))],
    # No public sitemap: almost every page sits behind a login.
    disable_plugins=[rx.plugins.SitemapPlugin],
)
