"""REST API ``/api/v1``: a FastAPI app mounted into Reflex's backend (``api_transformer``).

Endpoints are thin: parse, call a service, return its view. Stage A serves health; later
stages add resources (posts, targets, media, analytics) behind API keys.
"""

from socialmuse.api.app import build_api

__all__ = ["build_api"]
