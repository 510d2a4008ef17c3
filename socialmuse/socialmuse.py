"""The Reflex app: creates ``app`` and imports the pages, which register themselves."""

from __future__ import annotations

import logging

import reflex as rx
from reflex.event import EventSpec

from socialmuse import pages  # noqa: F401  (importing it registers every page)
from socialmuse.api import build_api
from socialmuse.services.errors import AuthError, DomainError
from socialmuse.state.auth import redirect_to_login

logger = logging.getLogger(__name__)


def handle_backend_exception(exception: Exception) -> list[EventSpec]:
    """What a person sees when a handler raises instead of returning.

    An ended login (``AuthError`` from ``require_actor``) goes to the log-in page; any other
    refusal from a service is shown in its own plain words; anything else is logged with its
    traceback and reported without internals. (Reflex accepts only a few return
    annotations here; ``list[EventSpec]`` is one of them.)
    """
    if isinstance(exception, AuthError):
        return [rx.toast.info(exception.message), redirect_to_login()]
    if isinstance(exception, DomainError):
        return [rx.toast.error(exception.message)]
    logger.error("Unhandled error in an event handler", exc_info=exception)
    return [
        rx.toast.error(
            "Something went wrong on our side. Please try again; "
            "if it keeps happening, tell your administrator."
        )
    ]


app = rx.App(
    backend_exception_handler=handle_backend_exception,
    # /api/v1 (FastAPI) is mounted in front of Reflex's own routes.
    api_transformer=build_api(),
    stylesheets=["/styles.css"],
)
