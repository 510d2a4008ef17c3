"""``GET /api/v1/oauth/callback``: where every network sends the person back after sign-in.

The code and state arrive in the query string (OAuth's design); nothing here logs them or
puts a token in the URL it redirects to. The page learns the outcome from ``connected`` or
``oauth_error``, and other accounts the sign-in offered from a short-lived sealed cookie.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from socialmuse import routes
from socialmuse.db import session_scope
from socialmuse.services import oauth_choices, oauth_connect
from socialmuse.services.errors import DomainError
from socialmuse.services.oauth_apps import CALLBACK_PATH, CHOICES_COOKIE, NONCE_COOKIE
from socialmuse.settings import get_settings

router = APIRouter()


def _back(**query: str) -> RedirectResponse:
    return RedirectResponse(f"{routes.SETTINGS_ACCOUNTS}?{urlencode(query)}", status_code=303)


@router.get(CALLBACK_PATH, include_in_schema=False)
def oauth_callback(
    request: Request, code: str = "", state: str = "", error: str = "", error_description: str = ""
) -> RedirectResponse:
    """Finish the connection (a plain ``def``: FastAPI runs it off the event loop)."""
    if error:
        said = error_description or error
        return _back(oauth_error=f"The network did not grant access ({said}). Nothing changed.")
    try:
        with session_scope() as session:
            result = oauth_connect.finish(
                session, state=state, code=code, browser_nonce=request.cookies.get(NONCE_COOKIE, "")
            )
    except DomainError as exc:
        return _back(oauth_error=exc.message)
    response = _back(connected=result.platform.value, handle=result.account.handle)
    response.delete_cookie(NONCE_COOKIE, path="/")
    if result.pending_token:
        response.set_cookie(
            CHOICES_COOKIE,
            result.pending_token,
            max_age=oauth_choices.PENDING_MAX_AGE_S,
            path="/",
            samesite="lax",
            secure=get_settings().base_url.startswith("https://"),
        )
    return response
