"""Connecting an X account: OAuth 2.0 authorization code with PKCE S256, and token refresh.

X access tokens live two hours; a refresh token comes only with ``offline.access`` and is
single-use: every refresh returns a new pair, and the old refresh token stops working
(platform-contracts §1.1). So a refreshed pair is written back through
``AccountContext.update_credentials`` at once; losing it means reconnecting. Confidential
apps (a client secret) authenticate to the token endpoint with HTTP Basic, public apps send
``client_id`` in the form.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx

from socialmuse.models.enums import Platform
from socialmuse.platforms.base import AccountContext, AuthExpired, ConnectedAccount, Rejected
from socialmuse.platforms.http import shared_client
from socialmuse.platforms.x_api import API_URL, NAME, Call, access_token, api_base, send

SCOPES = "tweet.read tweet.write users.read media.write offline.access"
AUTHORIZE_URL = "https://x.com/i/oauth2/authorize"
UPLOAD_TIMEOUT = httpx.Timeout(connect=5.0, read=60.0, write=300.0, pool=10.0)


class XConnect:
    """The connection half of ``XAdapter`` (it satisfies ``OAuthConnect``)."""

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        api_url: str = API_URL,
        authorize_url: str = AUTHORIZE_URL,
        media_processing_timeout: float = 300.0,
        reconcile_window: timedelta = timedelta(hours=24),
        reconcile_pages: int = 3,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._own_client = client
        self._upload_timeout: Any = httpx.USE_CLIENT_DEFAULT if client else UPLOAD_TIMEOUT
        self.client_id = client_id
        self.client_secret = client_secret
        self.api_url = api_url.rstrip("/")
        self.authorize_url = authorize_url
        self.media_processing_timeout = media_processing_timeout
        self.reconcile_window = reconcile_window
        self.reconcile_pages = reconcile_pages
        self._sleep = sleep
        self._clock = clock

    @property
    def client(self) -> httpx.Client:
        return self._own_client or shared_client()

    def _send(
        self, method: str, url: str, token: str | None, call: Call, **kwargs: Any
    ) -> httpx.Response:
        return send(self.client, method, url, token=token, call=call, **kwargs)

    def _call(
        self, account: AccountContext, method: str, path: str, call: Call, **kwargs: Any
    ) -> httpx.Response:
        """A call to the account's API host with its access token."""
        url = f"{api_base(account, self.api_url)}{path}"
        return self._send(method, url, access_token(account), call, **kwargs)

    def _app(self, credentials: dict[str, Any] | None = None) -> tuple[str, str | None]:
        """The app's client id and secret: this adapter's, else the ones stored at connect."""
        stored = credentials or {}
        client_id = self.client_id or stored.get("client_id")
        if not client_id:
            raise ValueError(
                "X needs the app's OAuth 2.0 client id (X developer portal → your app → Keys)"
            )
        return str(client_id), self.client_secret or stored.get("client_secret")

    def _token(self, form: dict[str, str], credentials: dict[str, Any] | None = None) -> Any:
        client_id, secret = self._app(credentials)
        auth = httpx.BasicAuth(client_id, secret) if secret else None
        if auth is None:
            form = {**form, "client_id": client_id}
        base = (credentials or {}).get("api_url") or self.api_url
        return self._send(
            "POST", f"{base}/2/oauth2/token", None, "token", data=form, auth=auth
        ).json()

    def authorization_url(self, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        """Where to send the person to approve SocialMuse (PKCE S256)."""
        client_id, _ = self._app()
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
        return f"{self.authorize_url}?{query}"

    def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str
    ) -> ConnectedAccount:
        """Trade the code X sent back for tokens, then read who the account is."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        }
        try:
            token = self._token(form)
        except (Rejected, AuthExpired) as exc:
            raise Rejected(
                f"{NAME} did not accept the authorization ({exc.platform_message}). "
                "Start connecting the account again.",
                code="oauth_failed",
                http_status=exc.http_status,
                platform_message=exc.platform_message,
            ) from exc
        credentials = self._credentials(token, {})
        probe = AccountContext(Platform.X, "", "", self.api_url, credentials)
        me = self._call(
            probe, "GET", "/2/users/me", "read", params={"user.fields": "profile_image_url"}
        ).json()["data"]
        return ConnectedAccount(
            external_id=str(me["id"]),
            handle=me["username"],
            display_name=me.get("name") or me["username"],
            credentials=credentials,
            token_expires_at=datetime.fromisoformat(credentials["expires_at"]),
            avatar_url=me.get("profile_image_url"),
        )

    def _credentials(self, token: dict[str, Any], previous: dict[str, Any]) -> dict[str, Any]:
        expires_at = self._clock() + timedelta(seconds=int(token.get("expires_in") or 7200))
        return {
            **previous,
            "access_token": token["access_token"],
            "refresh_token": token.get("refresh_token") or previous.get("refresh_token"),
            "expires_at": expires_at.isoformat(),
            "scope": token.get("scope", SCOPES),
        }

    def refresh(self, account: AccountContext) -> ConnectedAccount:
        """A new token pair, written into ``account`` at once (the old refresh token is spent)."""
        refresh_token = account.credentials.get("refresh_token")
        if not refresh_token:
            raise AuthExpired(
                f"{NAME} gave no refresh token for @{account.handle}; reconnect the account.",
                code="no_refresh",
            )
        form = {"grant_type": "refresh_token", "refresh_token": str(refresh_token)}
        try:
            token = self._token(form, {**account.credentials, "api_url": account.base_url})
        except (Rejected, AuthExpired) as exc:
            raise AuthExpired(
                f"{NAME} refused to renew access for @{account.handle} "
                f"({exc.platform_message}). Reconnect the account in Settings.",
                code="refresh_refused",
                http_status=exc.http_status,
                platform_message=exc.platform_message,
            ) from exc
        account.update_credentials(**self._credentials(token, account.credentials))
        return ConnectedAccount(
            external_id=account.external_id,
            handle=account.handle,
            display_name=account.handle,
            credentials=dict(account.credentials),
            token_expires_at=datetime.fromisoformat(account.credentials["expires_at"]),
        )
