"""The other accounts one sign-in may connect, and the sealed tokens the OAuth flow carries.

LinkedIn (the member and the organizations they administer) and Facebook (every Page the
person manages) offer several accounts per sign-in. ``oauth_connect.finish`` connects the
member / first Page; the others travel in a sealed ``pending_token`` (ids and names, never
tokens, valid 10 minutes) that ``connect_choice`` redeems with the credentials just stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlmodel import Session, col, select

from socialmuse.models import SocialAccount
from socialmuse.models.enums import AccountStatus, Platform
from socialmuse.platforms.base import AccountContext, ConnectedAccount, PlatformError
from socialmuse.platforms.facebook_connect import FacebookConnect
from socialmuse.platforms.linkedin_connect import LinkedInAuthor, LinkedInConnect
from socialmuse.platforms.registry import adapter_for
from socialmuse.services.accounts import AccountPublic, context_for, load_account, store_connection
from socialmuse.services.brands import load_brand
from socialmuse.services.errors import PermissionDenied, ValidationError
from socialmuse.services.permissions import Action, Actor
from socialmuse.services.secrets import open_sealed_json, seal_json

PENDING_PURPOSE = "oauth-choices"
PENDING_MAX_AGE_S = 600
clock: Callable[[], float] = time.time
"""Seconds since the epoch for every sealed OAuth value; tests move it forward."""

T = TypeVar("T")


class Choice(BaseModel):
    """Another account the same sign-in may connect: an organization page or a Page."""

    id: str
    name: str
    kind: str
    handle: str
    role: str | None = None


def seal_pending(
    actor: Actor, brand_id: int, platform: Platform, account_id: int, choices: list[Choice]
) -> str:
    """The choices as a sealed token (ids and names; the tokens stay on the stored account)."""
    payload = {
        "o": actor.organization_id,
        "u": actor.user_id,
        "b": brand_id,
        "p": platform.value,
        "a": account_id,
        "c": [c.model_dump() for c in choices],
    }
    return seal(payload, PENDING_PURPOSE)


def offered_by(adapter: object, connected: ConnectedAccount) -> list[Choice]:
    """What else this sign-in may post as, besides the account just connected."""
    if isinstance(adapter, LinkedInConnect):
        probe = AccountContext(
            Platform.LINKEDIN, connected.external_id, connected.handle, "", connected.credentials
        )
        return [
            Choice(id=a.urn, name=a.name, kind=a.kind, handle=a.handle, role=a.role)
            for a in adapter.list_authors(probe)
            if a.urn != connected.external_id
        ]
    if isinstance(adapter, FacebookConnect):
        pages = adapter.user_pages(str(connected.credentials["user_access_token"]))
        return [
            Choice(id=str(p["id"]), name=str(p.get("name") or p["id"]), kind="page", handle="")
            for p in pages
            if str(p["id"]) != connected.external_id
        ]
    return []


def _as_choice(adapter: object, source: SocialAccount, choice: Choice) -> ConnectedAccount:
    credentials = context_for(source).credentials
    if isinstance(adapter, LinkedInConnect):
        member = ConnectedAccount(
            external_id=source.external_id,
            handle=source.handle,
            display_name=source.display_name,
            credentials=credentials,
            token_expires_at=source.token_expires_at,
        )
        author = LinkedInAuthor(choice.id, choice.name, choice.kind, choice.handle, choice.role)
        return adapter.as_author(member, author)
    if isinstance(adapter, FacebookConnect):
        user_token = str(credentials.get("user_access_token") or "")
        page = next((p for p in adapter.user_pages(user_token) if str(p["id"]) == choice.id), None)
        if page is None:
            raise ValueError(
                f"Facebook no longer lists the Page {choice.name} for this login; "
                "connect Facebook again."
            )
        expiry = credentials.get("user_token_expires_at")
        return adapter.connect_page(
            page, user_token, datetime.fromisoformat(expiry) if expiry else None
        )
    raise ValueError("This network offers no other accounts to connect.")


def pending_choices(session: Session, *, actor: Actor, pending_token: str) -> list[Choice]:
    """The offered accounts not connected to the brand yet (none once the token expired)."""
    try:
        data = open_sealed_json(
            pending_token, purpose=PENDING_PURPOSE, max_age_s=PENDING_MAX_AGE_S, now=int(clock())
        )
    except ValueError:
        return []
    load_brand(session, actor=actor, brand_id=int(data["b"]), action=Action.ACCOUNT_MANAGE)
    if int(data["u"]) != actor.user_id:
        return []
    connected = set(
        session.exec(
            select(SocialAccount.external_id).where(
                SocialAccount.brand_id == int(data["b"]),
                SocialAccount.platform == Platform(data["p"]),
                col(SocialAccount.status) != AccountStatus.DISCONNECTED,
            )
        ).all()
    )
    return [c for c in _choices(data) if c.id not in connected]


def connect_choice(
    session: Session, *, actor: Actor, pending_token: str, choice_id: str
) -> AccountPublic:
    """Connect one more account the finished sign-in offered (an organization, a Page)."""
    data = unseal(
        pending_token,
        PENDING_PURPOSE,
        PENDING_MAX_AGE_S,
        "These choices have expired. Connect the account again to see them.",
    )
    brand_id = int(data["b"])
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.ACCOUNT_MANAGE)
    if int(data["u"]) != actor.user_id:
        raise PermissionDenied("These choices belong to another person's sign-in.")
    choice = next((c for c in _choices(data) if c.id == choice_id), None)
    if choice is None:
        raise ValidationError("That account is not among the ones this sign-in offered.")
    source = load_account(
        session, actor=actor, account_id=int(data["a"]), action=Action.ACCOUNT_MANAGE
    )
    platform = Platform(data["p"])
    connected = network_call(lambda: _as_choice(adapter_for(platform), source, choice))
    return store_connection(
        session, actor=actor, brand_id=brand_id, platform=platform, connected=connected
    )


def _choices(data: dict[str, Any]) -> list[Choice]:
    return [Choice.model_validate(c) for c in data.get("c") or []]


def seal(payload: dict[str, Any], purpose: str) -> str:
    return seal_json(payload, purpose=purpose, now=int(clock()))


def unseal(token: str, purpose: str, max_age_s: int, refusal: str) -> dict[str, Any]:
    try:
        return open_sealed_json(token or "", purpose=purpose, max_age_s=max_age_s, now=int(clock()))
    except ValueError:
        raise ValidationError(refusal) from None


def network_call(attempt: Callable[[], T], field: str | None = None) -> T:
    """A network's refusal becomes a ValidationError in its own words (nothing is stored)."""
    try:
        return attempt()
    except PlatformError as exc:
        said = exc.platform_message
        message = exc.message if not said or said in exc.message else f"{exc.message} ({said})"
        raise ValidationError(message, field=field) from None
    except ValueError as exc:
        raise ValidationError(str(exc), field=field) from None
