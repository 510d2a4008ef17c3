"""Connecting a Mastodon account: per-instance app registration, OAuth with PKCE, or a token.

``MastodonConnect`` also owns what every Mastodon call shares: the httpx client (the
process's shared one unless a test injects its own) and the per-instance text limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from socialmuse.platforms.base import AccountContext, AuthExpired, ConnectedAccount, Rejected
from socialmuse.platforms.http import shared_client
from socialmuse.platforms.mastodon_api import NAME, Call, instance_base, send

SCOPES = "read:accounts read:statuses read:notifications write:statuses write:media"
UPLOAD_TIMEOUT = httpx.Timeout(connect=5.0, read=60.0, write=300.0, pool=10.0)


class MastodonConnect:
    """The connection half of ``MastodonAdapter`` (it satisfies ``OAuthConnect``)."""

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        media_poll_interval: float = 1.0,
        media_processing_timeout: float = 120.0,
        reconcile_window: timedelta = timedelta(hours=24),
        reconcile_pages: int = 3,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._own_client = client
        self._upload_timeout: Any = httpx.USE_CLIENT_DEFAULT if client else UPLOAD_TIMEOUT
        self.media_poll_interval = media_poll_interval
        self.media_processing_timeout = media_processing_timeout
        self.reconcile_window = reconcile_window
        self.reconcile_pages = reconcile_pages
        self._sleep = sleep
        self._limits: dict[str, int] = {}  # instance URL -> max_characters

    @property
    def client(self) -> httpx.Client:
        return self._own_client or shared_client()

    def _send(
        self, method: str, url: str, token: str | None, call: Call, **kwargs: Any
    ) -> httpx.Response:
        return send(self.client, method, url, token=token, call=call, **kwargs)

    def instance_limit(self, instance_url: str) -> int:
        """The instance's ``max_characters`` (500 unless its admin changed it); cached."""
        base = instance_base(instance_url)
        if base not in self._limits:
            body = self._send("GET", f"{base}/api/v2/instance", None, "read").json()
            statuses = (body.get("configuration") or {}).get("statuses") or {}
            self._limits[base] = int(statuses.get("max_characters") or 500)
        return self._limits[base]

    def refresh(self, account: AccountContext) -> ConnectedAccount:
        """Mastodon tokens do not expire and have no refresh grant: only reconnecting helps."""
        raise AuthExpired(
            f"{NAME} access tokens cannot be refreshed; reconnect the account in Settings.",
            code="no_refresh",
        )

    def register_app(
        self,
        instance_url: str,
        redirect_uri: str,
        *,
        client_name: str = "SocialMuse",
        website: str | None = None,
    ) -> dict[str, str]:
        """Register SocialMuse on this instance (once per instance); keep what it returns."""
        base = instance_base(instance_url)
        body = {"client_name": client_name, "redirect_uris": redirect_uri, "scopes": SCOPES}
        if website:
            body["website"] = website
        app = self._send("POST", f"{base}/api/v1/apps", None, "read", data=body).json()
        return {"client_id": app["client_id"], "client_secret": app["client_secret"]}

    def authorization_url(
        self,
        *,
        redirect_uri: str,
        state: str,
        code_challenge: str,
        instance_url: str | None = None,
        client_id: str | None = None,
    ) -> str:
        """Where to send the person; Mastodon needs the instance and its ``client_id``."""
        if not instance_url or not client_id:
            raise ValueError("Mastodon needs instance_url and client_id (from register_app)")
        query = urlencode(
            {
                "response_type": "code",
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "scope": SCOPES,
                "state": state,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
            }
        )
        return f"{instance_base(instance_url)}/oauth/authorize?{query}"

    def exchange_code(
        self,
        *,
        code: str,
        redirect_uri: str,
        code_verifier: str,
        instance_url: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
    ) -> ConnectedAccount:
        if not instance_url or not client_id or not client_secret:
            raise ValueError("Mastodon needs instance_url, client_id and client_secret")
        base = instance_base(instance_url)
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": client_id,
            "client_secret": client_secret,
            "code_verifier": code_verifier,
            "scope": SCOPES,
        }
        try:
            token = self._send("POST", f"{base}/oauth/token", None, "read", data=form).json()
        except (Rejected, AuthExpired) as exc:
            raise Rejected(
                f"{NAME} did not accept the authorization ({exc.platform_message}). "
                "Start connecting the account again.",
                code="oauth_failed",
                http_status=exc.http_status,
                platform_message=exc.platform_message,
            ) from exc
        connected = self.connect_with_token(base, token["access_token"])
        connected.credentials.update(client_id=client_id, client_secret=client_secret)
        return connected

    def connect_with_token(self, instance_url: str, access_token: str) -> ConnectedAccount:
        """Connect with an access token made in the instance's Preferences → Development."""
        base = instance_base(instance_url)
        me = self._send(
            "GET", f"{base}/api/v1/accounts/verify_credentials", access_token, "read"
        ).json()
        return ConnectedAccount(
            external_id=str(me["id"]),
            handle=f"{me['username']}@{urlsplit(base).netloc}",
            display_name=me.get("display_name") or me["username"],
            credentials={
                "access_token": access_token,
                "instance_url": base,
                "max_characters": self.instance_limit(base),
            },
            token_expires_at=None,
            avatar_url=me.get("avatar"),
        )

    def revoke(self, account: AccountContext) -> None:
        """Revoke the token on the instance (disconnecting); needs the app's client pair."""
        creds = account.credentials
        if not creds.get("client_id"):
            return
        form = {
            "client_id": creds["client_id"],
            "client_secret": creds.get("client_secret", ""),
            "token": creds.get("access_token", ""),
        }
        self._send(
            "POST", f"{instance_base(account.base_url)}/oauth/revoke", None, "read", data=form
        )
