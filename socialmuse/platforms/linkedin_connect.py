"""Connecting LinkedIn: 3-legged OAuth, the member's identity, the pages they may post as.

One LinkedIn app (``client_id``/``client_secret`` from settings) serves every account. The
member signs in once; ``list_authors`` then offers them and each organization they
administer, and ``as_author`` turns the choice into the account to store (the author URN
lives in the credentials). Access tokens live 60 days. Refresh tokens exist only for
LinkedIn's approved partners and expire 365 days after the first grant whatever is done
with them; without one, ``refresh`` says "reconnect".

PKCE: LinkedIn supports it only for native clients (platform-contracts §2.1), so this web
flow authenticates with the client secret and ignores ``code_challenge``/``code_verifier``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx

from socialmuse.platforms.base import AccountContext, AuthExpired, ConnectedAccount, Rejected
from socialmuse.platforms.http import shared_client
from socialmuse.platforms.linkedin_api import (
    API_BASE,
    NAME,
    OAUTH_BASE,
    VERSION,
    Call,
    access_token,
    send,
)

MEMBER_SCOPES = ("openid", "profile", "w_member_social")
ORGANIZATION_SCOPES = ("w_organization_social", "r_organization_social", "rw_organization_admin")
SCOPES = (*MEMBER_SCOPES, *ORGANIZATION_SCOPES)


@dataclass(frozen=True)
class LinkedInAuthor:
    """Someone the connected member can post as: themselves or an organization page."""

    urn: str
    name: str
    kind: str  # "member" or "organization"
    handle: str
    role: str | None = None


class LinkedInConnect:
    """The connection half of ``LinkedInAdapter`` (it satisfies ``OAuthConnect``)."""

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        client_id: str = "",
        client_secret: str = "",
        api_base: str = API_BASE,
        oauth_base: str = OAUTH_BASE,
        version: str = VERSION,
        scopes: tuple[str, ...] = SCOPES,
        media_poll_interval: float = 1.0,
        media_processing_timeout: float = 120.0,
        reconcile_window: timedelta = timedelta(hours=24),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._own_client = client
        self.client_id = client_id
        self.client_secret = client_secret
        self.api_base = api_base.rstrip("/")
        self.oauth_base = oauth_base.rstrip("/")
        self.version = version
        self.scopes = scopes
        self.media_poll_interval = media_poll_interval
        self.media_processing_timeout = media_processing_timeout
        self.reconcile_window = reconcile_window
        self._sleep = sleep
        self.clock = clock

    @property
    def client(self) -> httpx.Client:
        return self._own_client or shared_client()

    def _base(self, account: AccountContext) -> str:
        return (account.base_url or self.api_base).rstrip("/")

    def _send(
        self, method: str, url: str, token: str | None, call: Call, **kwargs: Any
    ) -> httpx.Response:
        return send(
            self.client,
            method,
            url,
            token=token,
            call=call,
            version=self.version,
            clock=self.clock,
            **kwargs,
        )

    def _api(
        self, account: AccountContext, method: str, path: str, call: Call, **kwargs: Any
    ) -> httpx.Response:
        """An authenticated call to the account's API host (``path`` starts with ``/``)."""
        return self._send(
            method, f"{self._base(account)}{path}", access_token(account), call, **kwargs
        )

    # OAuth

    def authorization_url(self, *, redirect_uri: str, state: str, code_challenge: str = "") -> str:
        """Where to send the person; ``code_challenge`` is unused (see the module docstring)."""
        if not self.client_id:
            raise ValueError(
                "LinkedIn needs a client_id: register an app at linkedin.com/developers"
            )
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "state": state,
                "scope": " ".join(self.scopes),
            }
        )
        return f"{self.oauth_base}/oauth/v2/authorization?{query}"

    def _token(self, form: dict[str, str]) -> dict[str, Any]:
        form = {**form, "client_id": self.client_id, "client_secret": self.client_secret}
        url = f"{self.oauth_base}/oauth/v2/accessToken"
        body: dict[str, Any] = self._send("POST", url, None, "oauth", data=form).json()
        return body

    def _token_credentials(self, token: dict[str, Any], now: datetime) -> dict[str, Any]:
        credentials: dict[str, Any] = {
            "access_token": token["access_token"],
            "access_token_expires_at": (
                now + timedelta(seconds=int(token["expires_in"]))
            ).isoformat(),
            "scope": str(token.get("scope") or ""),
        }
        if token.get("refresh_token"):
            held_for = timedelta(seconds=int(token.get("refresh_token_expires_in") or 0))
            credentials["refresh_token"] = token["refresh_token"]
            credentials["refresh_token_expires_at"] = (now + held_for).isoformat()
        return credentials

    def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str = ""
    ) -> ConnectedAccount:
        """The member, posting as themselves; ``list_authors`` offers their pages next."""
        now = self.clock()
        try:
            token = self._token(
                {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
            )
        except (Rejected, AuthExpired) as exc:
            raise Rejected(
                f"{NAME} did not accept the authorization. Start connecting the account again.",
                code="oauth_failed",
                http_status=exc.http_status,
                platform_message=exc.platform_message,
            ) from exc
        credentials = self._token_credentials(token, now)
        url = f"{self.api_base}/v2/userinfo"
        me = self._send("GET", url, credentials["access_token"], "read").json()
        member_urn = f"urn:li:person:{me['sub']}"
        credentials.update(member_urn=member_urn, author_urn=member_urn)
        name = me.get("name") or " ".join(
            filter(None, (me.get("given_name"), me.get("family_name")))
        )
        return ConnectedAccount(
            external_id=member_urn,
            handle=name or member_urn,
            display_name=name or member_urn,
            credentials=credentials,
            token_expires_at=_expiry(credentials),
            avatar_url=me.get("picture"),
        )

    def refresh(self, account: AccountContext) -> ConnectedAccount:
        """A new 60-day access token from the refresh token; AuthExpired when there is none."""
        refresh_token = account.credentials.get("refresh_token")
        if not refresh_token:
            raise AuthExpired(
                f"{NAME} access for {account.handle} has expired and {NAME} offers this app no "
                "way to renew it. Reconnect the account in Settings.",
                code="reconnect_needed",
            )
        now = self.clock()
        try:
            token = self._token(
                {"grant_type": "refresh_token", "refresh_token": str(refresh_token)}
            )
        except Rejected as exc:
            raise AuthExpired(
                f"{NAME} no longer renews access for {account.handle}. "
                "Reconnect the account in Settings.",
                code="refresh_refused",
                http_status=exc.http_status,
                platform_message=exc.platform_message,
            ) from exc
        fresh = self._token_credentials(token, now)
        account.update_credentials(**fresh)
        return ConnectedAccount(
            external_id=account.external_id,
            handle=account.handle,
            display_name=account.handle,
            credentials=dict(account.credentials),
            token_expires_at=_expiry(account.credentials),
        )

    # Who to post as

    def list_authors(self, account: AccountContext) -> list[LinkedInAuthor]:
        """The member, then each organization where they may post (admin or content roles)."""
        member_urn = str(account.credentials.get("member_urn") or account.external_id)
        authors = [LinkedInAuthor(member_urn, account.handle, "member", account.handle)]
        if not set(ORGANIZATION_SCOPES) & set(
            str(account.credentials.get("scope", "")).replace(",", " ").split()
        ):
            return authors
        acls = self._api(
            account,
            "GET",
            "/rest/organizationAcls",
            "read",
            params={"q": "roleAssignee", "state": "APPROVED"},
        ).json()
        for acl in acls.get("elements") or []:
            org_urn = str(acl["organization"])
            org_id = org_urn.rsplit(":", 1)[-1]
            org = self._api(account, "GET", f"/rest/organizations/{org_id}", "read").json()
            name = org.get("localizedName") or org_urn
            authors.append(
                LinkedInAuthor(
                    org_urn, name, "organization", org.get("vanityName") or name, acl.get("role")
                )
            )
        return authors

    @staticmethod
    def as_author(connected: ConnectedAccount, author: LinkedInAuthor) -> ConnectedAccount:
        """The account to store for posting as ``author`` (same member token underneath)."""
        if author.kind == "member":
            return connected
        return replace(
            connected,
            external_id=author.urn,
            handle=author.handle,
            display_name=author.name,
            credentials={**connected.credentials, "author_urn": author.urn},
            avatar_url=None,
        )


def _expiry(credentials: dict[str, Any]) -> datetime | None:
    """When the person must reconnect: the refresh token's end if any, else the access token's."""
    value = credentials.get("refresh_token_expires_at") or credentials.get(
        "access_token_expires_at"
    )
    return datetime.fromisoformat(str(value)) if value else None
