"""Connecting a Facebook Page through Facebook Login (platform-contracts §3.3).

code → short-lived user token → long-lived (60-day) user token (``fb_exchange_token``) →
the person's Pages (``/me/accounts``), each with a Page token that does not expire. The
Page's token is what publishing uses; the user token is kept only to list Pages again.
With several Pages, ``exchange_code(page_id=...)`` picks one; without, the first is taken
and ``user_pages`` lists the rest for the person to choose (``connect_page``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import httpx

from socialmuse.platforms.base import AuthExpired, ConnectedAccount, PlatformError, Rejected
from socialmuse.platforms.graph import (
    FACEBOOK_GRAPH,
    GRAPH_VERSION,
    GraphApi,
    expires_at,
    refuse_connect_failure,
)

NAME = "Facebook"
LOGIN_URL = "https://www.facebook.com"
SCOPES = (
    "pages_show_list,pages_read_engagement,pages_manage_posts,pages_manage_engagement,"
    "pages_read_user_engagement,read_insights"
)


class FacebookConnect:
    """The connection half of ``FacebookAdapter`` (it satisfies ``OAuthConnect``)."""

    def __init__(
        self,
        client: httpx.Client | None,
        *,
        app_id: str | None,
        app_secret: str | None,
        graph_host: str | None,
        login_url: str | None,
        clock: Callable[[], datetime],
    ) -> None:
        self.api = GraphApi(
            NAME,
            default_host=graph_host or FACEBOOK_GRAPH,
            version=GRAPH_VERSION,
            client=client,
            clock=clock,
        )
        self.app_id = app_id
        self.app_secret = app_secret
        self.login_url = (login_url or LOGIN_URL).rstrip("/")
        self.clock = clock

    def _app(self) -> tuple[str, str]:
        if not self.app_id or not self.app_secret:
            raise ValueError("Facebook needs the Meta app's id and secret (app_id, app_secret)")
        return self.app_id, self.app_secret

    def authorization_url(self, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        """The Facebook Login dialog (PKCE S256 is accepted alongside the app secret)."""
        app_id, _ = self._app()
        query = urlencode(
            {
                "client_id": app_id,
                "redirect_uri": redirect_uri,
                "state": state,
                "scope": SCOPES,
                "response_type": "code",
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
            }
        )
        return f"{self.login_url}/{GRAPH_VERSION}/dialog/oauth?{query}"

    def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str, page_id: str | None = None
    ) -> ConnectedAccount:
        app_id, app_secret = self._app()
        url = self.api.url(self.api.default_host, "oauth/access_token")
        try:
            short = self.api.request(
                "GET",
                url,
                call="read",
                params={
                    "client_id": app_id,
                    "client_secret": app_secret,
                    "redirect_uri": redirect_uri,
                    "code": code,
                    "code_verifier": code_verifier,
                },
            )
            user_token, user_expiry = self.long_lived_user_token(str(short["access_token"]))
        except (Rejected, AuthExpired) as exc:
            raise refuse_connect_failure(NAME, exc) from exc
        pages = self.user_pages(user_token)
        if not pages:
            raise Rejected(
                f"{NAME} shows no Page this login can manage. Give SocialMuse access to a Page "
                "when Facebook asks, then connect again.",
                code="no_pages",
            )
        chosen = next((p for p in pages if p["id"] == page_id), None) if page_id else pages[0]
        if chosen is None:
            raise Rejected(f"{NAME} login has no access to Page {page_id}.", code="no_such_page")
        return self.connect_page(chosen, user_token, user_expiry)

    def long_lived_user_token(self, short_token: str) -> tuple[str, datetime | None]:
        """``fb_exchange_token``: a 60-day user token (an expired one cannot be exchanged)."""
        app_id, app_secret = self._app()
        body = self.api.request(
            "GET",
            self.api.url(self.api.default_host, "oauth/access_token"),
            call="read",
            params={
                "grant_type": "fb_exchange_token",
                "client_id": app_id,
                "client_secret": app_secret,
                "fb_exchange_token": short_token,
            },
        )
        return str(body["access_token"]), expires_at(body, self.clock())

    def user_pages(self, user_token: str) -> list[dict[str, Any]]:
        """The Pages the person manages, each with its Page ``access_token``."""
        url = self.api.url(self.api.default_host, "me/accounts")
        try:
            body = self.api.request(
                "GET",
                url,
                call="read",
                token=user_token,
                params={"fields": "id,name,access_token,picture", "limit": 100},
            )
        except PlatformError as exc:
            raise refuse_connect_failure(NAME, exc) from exc
        return [p for p in body.get("data") or [] if p.get("access_token")]

    def connect_page(
        self, page: dict[str, Any], user_token: str, user_expiry: datetime | None = None
    ) -> ConnectedAccount:
        picture = ((page.get("picture") or {}).get("data") or {}).get("url")
        return ConnectedAccount(
            external_id=str(page["id"]),
            handle=str(page.get("name") or page["id"]),
            display_name=str(page.get("name") or page["id"]),
            credentials={
                "page_access_token": page["access_token"],
                "user_access_token": user_token,
                "user_token_expires_at": user_expiry.isoformat() if user_expiry else None,
            },
            token_expires_at=None,  # Page tokens from a long-lived user token do not expire
            avatar_url=picture,
        )
