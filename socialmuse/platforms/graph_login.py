"""What Instagram and Threads share: the adapter's wiring and the same login flow.

Both are container-publishing Graph APIs reached with their own app (Instagram Login,
Threads login), and both connect the same way: code → short-lived token → 60-day token
(``{grant}_exchange_token``) → the profile; the token refreshes
(``{grant}_refresh_token``) only while still valid. Subclasses name their network, hosts
and the few fields that differ as class attributes; Facebook (Page tokens through
Facebook Login) has its own ``FacebookConnect``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlencode

import httpx

from socialmuse.platforms.base import AccountContext, AuthExpired, ConnectedAccount, Rejected
from socialmuse.platforms.graph import GraphApi, expires_at, refuse_connect_failure, token_of
from socialmuse.platforms.graph_containers import Containers, Flavor, MediaUrl


class GraphLoginAdapter:
    """Base of ``InstagramAdapter`` and ``ThreadsAdapter`` (it satisfies ``OAuthConnect``)."""

    name: ClassVar[str]
    graph_host: ClassVar[str]
    graph_version: ClassVar[str]
    flavor: ClassVar[Flavor]
    default_login_url: ClassVar[str]
    default_token_url: ClassVar[str | None] = None  # None: the Graph host itself
    scopes: ClassVar[str]
    grant: ClassVar[str]  # "ig" | "th", the prefix of the exchange and refresh grant types
    avatar_field: ClassVar[str]
    app_needed: ClassVar[str]  # what to configure when the app id or secret is missing

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        media_url: MediaUrl | None = None,
        app_id: str | None = None,
        app_secret: str | None = None,
        graph_host: str | None = None,
        login_url: str | None = None,
        token_url: str | None = None,
        poll_interval: float = 2.0,
        max_polls: int = 30,
        reconcile_window: timedelta = timedelta(hours=24),
        reconcile_pages: int = 3,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api = GraphApi(
            self.name,
            default_host=graph_host or self.graph_host,
            version=self.graph_version,
            client=client,
            clock=clock,
        )
        self.containers = Containers(
            self.api, self.flavor, poll_interval=poll_interval, max_polls=max_polls, sleep=sleep
        )
        self.media_url = media_url
        self.app_id, self.app_secret = app_id, app_secret
        self.login_url = (login_url or self.default_login_url).rstrip("/")
        self.token_url = (token_url or self.default_token_url or self.api.default_host).rstrip("/")
        self.reconcile_window = reconcile_window
        self.reconcile_pages = reconcile_pages
        self.clock = clock

    def _app(self) -> tuple[str, str]:
        if not self.app_id or not self.app_secret:
            raise ValueError(self.app_needed)
        return self.app_id, self.app_secret

    def authorization_url(self, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        app_id, _ = self._app()
        query = urlencode(
            {
                "client_id": app_id,
                "redirect_uri": redirect_uri,
                "state": state,
                "scope": self.scopes,
                "response_type": "code",
            }
        )
        return f"{self.login_url}/oauth/authorize?{query}"

    def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str
    ) -> ConnectedAccount:
        """Code → short-lived token → 60-day token (``{grant}_exchange_token``) → the profile."""
        app_id, app_secret = self._app()
        form = {
            "client_id": app_id,
            "client_secret": app_secret,
            "grant_type": "authorization_code",
            "redirect_uri": redirect_uri,
            "code": code,
        }
        try:
            short = self.api.request(
                "POST", f"{self.token_url}/oauth/access_token", call="read", data=form
            )
            body = self.api.request(
                "GET",
                self.api.url(self.api.default_host, "access_token", versioned=False),
                call="read",
                params={
                    "grant_type": f"{self.grant}_exchange_token",
                    "client_secret": app_secret,
                    "access_token": short["access_token"],
                },
            )
        except (Rejected, AuthExpired) as exc:
            raise refuse_connect_failure(self.name, exc) from exc
        return self._connected(str(body["access_token"]), expires_at(body, self.clock()))

    def _connected(self, token: str, expiry: datetime | None) -> ConnectedAccount:
        me = self.api.request(
            "GET",
            self.api.url(self.api.default_host, "me"),
            call="read",
            token=token,
            params={"fields": f"id,username,name,{self.avatar_field}"},
        )
        return ConnectedAccount(
            external_id=str(me["id"]),
            handle=str(me["username"]),
            display_name=str(me.get("name") or me["username"]),
            credentials={
                "access_token": token,
                "token_expires_at": expiry.isoformat() if expiry else None,
            },
            token_expires_at=expiry,
            avatar_url=me.get(self.avatar_field),
        )

    def refresh(self, account: AccountContext) -> ConnectedAccount:
        """A new 60-day token; an expired one cannot be refreshed (AuthExpired)."""
        body: dict[str, Any] = self.api.request(
            "GET",
            self.api.url(self.api.host(account), "refresh_access_token", versioned=False),
            call="read",
            params={
                "grant_type": f"{self.grant}_refresh_token",
                "access_token": token_of(account, self.name),
            },
        )
        expiry = expires_at(body, self.clock())
        return ConnectedAccount(
            external_id=account.external_id,
            handle=account.handle,
            display_name=account.handle,
            credentials={
                "access_token": body["access_token"],
                "token_expires_at": expiry.isoformat() if expiry else None,
            },
            token_expires_at=expiry,
        )
