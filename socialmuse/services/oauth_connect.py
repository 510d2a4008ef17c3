"""Connecting a network through an OAuth 2.0 redirect: start, the callback's finish, choices.

``start`` sends the person to the network with a ``state`` that is a sealed token (Fernet,
valid 10 minutes) carrying who started, for which brand, the PKCE verifier (RFC 7636, S256)
and, for Mastodon, the app SocialMuse registered on that instance. ``finish`` trusts nothing
else: it re-derives the actor from the state's user and organization, so a role lost in the
meantime stops the connection. The state also holds a nonce the starting browser keeps in a
cookie and the callback must present: a sign-in link started by someone else cannot attach
a victim's network account to the starter's brand (OAuth login CSRF, RFC 6749 §10.12).

When the sign-in offers more accounts (LinkedIn pages, Facebook Pages), the first is
connected and the others are listed for ``oauth_choices.connect_choice``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from socialmuse.models.enums import Platform
from socialmuse.platforms.base import ConnectedAccount, OAuthConnect
from socialmuse.platforms.mastodon_api import instance_base
from socialmuse.platforms.mastodon_connect import MastodonConnect
from socialmuse.platforms.registry import adapter_for
from socialmuse.services import auth
from socialmuse.services.accounts import PLATFORM_LABELS, AccountPublic, store_connection
from socialmuse.services.brands import load_brand
from socialmuse.services.errors import ValidationError
from socialmuse.services.oauth_apps import OAUTH_PLATFORMS, redirect_uri, setup_hint
from socialmuse.services.oauth_choices import (
    Choice,
    network_call,
    offered_by,
    seal,
    seal_pending,
    unseal,
)
from socialmuse.services.permissions import Action, Actor

STATE_PURPOSE = "oauth-state"
STATE_MAX_AGE_S = 600
_mastodon_apps: dict[tuple[str, str], dict[str, str]] = {}
_mastodon_lock = threading.Lock()


class FinishResult(BaseModel):
    platform: Platform
    account: AccountPublic
    choices: list[Choice] = []
    pending_token: str | None = None


def pkce_pair() -> tuple[str, str]:
    """A fresh code verifier (86 characters) and its S256 challenge."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def start(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    platform: Platform | str,
    browser_nonce: str,
    instance_url: str | None = None,
) -> str:
    """The network's authorization URL to send the browser to (nothing is stored)."""
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.ACCOUNT_MANAGE)
    platform = Platform(platform)
    label = PLATFORM_LABELS[platform]
    if platform not in OAUTH_PLATFORMS:
        raise ValidationError(f"{label} is not connected through a sign-in on the network.")
    hint = setup_hint(platform)
    if hint:
        raise ValidationError(f"Connecting {label} is not set up on this server. {hint}")
    if len(browser_nonce) < 16:
        raise ValidationError("This browser did not keep the sign-in's cookie; reload the page.")
    verifier, challenge = pkce_pair()
    redirect = redirect_uri()
    payload: dict[str, Any] = {
        "o": actor.organization_id,
        "b": brand_id,
        "u": actor.user_id,
        "p": platform.value,
        "v": verifier,
        "n": browser_nonce,
    }
    adapter = adapter_for(platform)
    if isinstance(adapter, MastodonConnect):
        base = _instance(instance_url)
        app = network_call(lambda: _mastodon_app(adapter, base, redirect), "instance_url")
        payload.update(i=base, ci=app["client_id"], cs=app["client_secret"])
        state = seal(payload, STATE_PURPOSE)
        return adapter.authorization_url(
            redirect_uri=redirect,
            state=state,
            code_challenge=challenge,
            instance_url=base,
            client_id=app["client_id"],
        )
    if not isinstance(adapter, OAuthConnect):
        raise ValidationError(f"{label} is not connected through a sign-in on the network.")
    state = seal(payload, STATE_PURPOSE)
    return network_call(
        lambda: adapter.authorization_url(
            redirect_uri=redirect, state=state, code_challenge=challenge
        )
    )


def finish(session: Session, *, state: str, code: str, browser_nonce: str) -> FinishResult:
    """The callback: check the state, exchange the code, store the account, list the others."""
    data = unseal(
        state,
        STATE_PURPOSE,
        STATE_MAX_AGE_S,
        "This sign-in has expired or was altered. Start connecting the account again.",
    )
    if not browser_nonce or not hmac.compare_digest(str(data["n"]), browser_nonce):
        raise ValidationError(
            "This sign-in was started in another browser, or a newer one replaced it. "
            "Start connecting again from Settings → Accounts in this browser."
        )
    if not code:
        raise ValidationError("The network sent no authorization code. Start connecting again.")
    platform = Platform(data["p"])
    actor = auth.actor_for_user(session, user_id=int(data["u"]), organization_id=int(data["o"]))
    brand_id = int(data["b"])
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.ACCOUNT_MANAGE)
    adapter = adapter_for(platform)
    connected = network_call(lambda: _exchange(adapter, data, code))
    account = store_connection(
        session,
        actor=actor,
        brand_id=brand_id,
        platform=platform,
        connected=connected,
        instance_url=data.get("i"),
    )
    choices = network_call(lambda: offered_by(adapter, connected))
    pending = None
    if choices:
        pending = seal_pending(actor, brand_id, platform, account.id, choices)
    return FinishResult(platform=platform, account=account, choices=choices, pending_token=pending)


def _exchange(adapter: object, data: dict[str, Any], code: str) -> ConnectedAccount:
    redirect = redirect_uri()
    if isinstance(adapter, MastodonConnect):
        return adapter.exchange_code(
            code=code,
            redirect_uri=redirect,
            code_verifier=str(data["v"]),
            instance_url=str(data["i"]),
            client_id=str(data["ci"]),
            client_secret=str(data["cs"]),
        )
    if not isinstance(adapter, OAuthConnect):
        raise ValueError("This network is not connected through a sign-in.")
    return adapter.exchange_code(code=code, redirect_uri=redirect, code_verifier=str(data["v"]))


def _mastodon_app(adapter: MastodonConnect, base: str, redirect: str) -> dict[str, str]:
    """SocialMuse's app on ``base``: registered once per instance (and callback) per process."""
    with _mastodon_lock:
        if (base, redirect) not in _mastodon_apps:
            _mastodon_apps[(base, redirect)] = adapter.register_app(base, redirect)
        return _mastodon_apps[(base, redirect)]


def _instance(instance_url: str | None) -> str:
    if not (instance_url or "").strip():
        raise ValidationError(
            "Enter your Mastodon instance's address, e.g. https://mastodon.social.",
            field="instance_url",
        )
    return instance_base(instance_url or "")
