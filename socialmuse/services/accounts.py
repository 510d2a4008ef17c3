"""Social accounts: connecting them to a brand, listing, disconnecting, their credentials.

Credentials are stored Fernet-encrypted (``services.secrets``) and only ever decrypted into
an ``AccountContext`` handed to an adapter; views never carry them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from socialmuse.models import Brand, SocialAccount, utcnow
from socialmuse.models.enums import AccountStatus, Platform
from socialmuse.platforms.base import AccountContext, ConnectedAccount, PlatformError
from socialmuse.services import audit
from socialmuse.services.brands import load_brand
from socialmuse.services.errors import NotFound, ValidationError
from socialmuse.services.permissions import Action, Actor, can
from socialmuse.services.secrets import decrypt_json, encrypt_json

PLATFORM_LABELS = {
    Platform.X: "X",
    Platform.LINKEDIN: "LinkedIn",
    Platform.FACEBOOK: "Facebook",
    Platform.INSTAGRAM: "Instagram",
    Platform.THREADS: "Threads",
    Platform.MASTODON: "Mastodon",
    Platform.BLUESKY: "Bluesky",
    Platform.SANDBOX: "Sandbox",
}


class AccountPublic(BaseModel):
    id: int
    brand_id: int
    platform: Platform
    platform_label: str
    handle: str
    display_name: str
    instance_url: str | None
    status: AccountStatus
    status_label: str
    rate_limited_until: datetime | None
    last_error: str | None
    token_expires_at: datetime | None


def _status_label(account: SocialAccount) -> str:
    if account.status == AccountStatus.RATE_LIMITED and account.rate_limited_until:
        return f"rate-limited until {account.rate_limited_until:%Y-%m-%d %H:%M} UTC"
    return {
        AccountStatus.CONNECTED: "connected",
        AccountStatus.RECONNECT_NEEDED: "reconnect needed",
        AccountStatus.RATE_LIMITED: "rate-limited",
        AccountStatus.DISCONNECTED: "disconnected",
    }[AccountStatus(account.status)]


def to_public(account: SocialAccount) -> AccountPublic:
    platform = Platform(account.platform)
    return AccountPublic(
        id=account.id or 0,
        brand_id=account.brand_id,
        platform=platform,
        platform_label=PLATFORM_LABELS[platform],
        handle=account.handle,
        display_name=account.display_name,
        instance_url=account.instance_url,
        status=AccountStatus(account.status),
        status_label=_status_label(account),
        rate_limited_until=account.rate_limited_until,
        last_error=account.last_error,
        token_expires_at=account.token_expires_at,
    )


def store_connection(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    platform: Platform,
    connected: ConnectedAccount,
    instance_url: str | None = None,
) -> AccountPublic:
    """Add (or reconnect) an account; reconnecting the same profile updates it in place."""
    brand = load_brand(session, actor=actor, brand_id=brand_id, action=Action.ACCOUNT_MANAGE)
    if brand.archived_at is not None:
        raise ValidationError("This brand is archived; restore it to connect accounts.")
    account = session.exec(
        select(SocialAccount).where(
            SocialAccount.brand_id == brand.id,
            SocialAccount.platform == platform,
            SocialAccount.external_id == connected.external_id,
        )
    ).first() or SocialAccount(
        organization_id=actor.organization_id,
        brand_id=brand.id or 0,
        platform=platform,
        external_id=connected.external_id,
        handle=connected.handle,
    )
    account.handle = connected.handle
    account.display_name = connected.display_name
    account.avatar_url = connected.avatar_url
    account.instance_url = instance_url
    account.credentials_encrypted = encrypt_json(connected.credentials)
    account.token_expires_at = connected.token_expires_at
    account.status = AccountStatus.CONNECTED
    account.rate_limited_until = None
    account.last_error = None
    account.connected_by_user_id = actor.user_id or None
    account.updated_at = utcnow()
    session.add(account)
    session.flush()
    audit.record_for(
        session,
        actor,
        "account.connected",
        target_type="account",
        target_id=account.id,
        details={"platform": platform.value, "handle": account.handle, "brand_id": brand.id},
    )
    return to_public(account)


def connect_sandbox(session: Session, *, actor: Actor, brand_id: int, handle: str) -> AccountPublic:
    from socialmuse.platforms.sandbox import SandboxAdapter

    try:
        connected = SandboxAdapter().connect(handle=handle)
    except PlatformError as exc:
        raise ValidationError(exc.message, field="handle") from None
    return store_connection(
        session, actor=actor, brand_id=brand_id, platform=Platform.SANDBOX, connected=connected
    )


def _connected_or_field_error(
    attempt: Callable[[], ConnectedAccount], field: str
) -> ConnectedAccount:
    """A network's refusal while connecting is shown next to the field the person typed."""
    try:
        return attempt()
    except PlatformError as exc:
        said = f" ({exc.platform_message})" if exc.platform_message else ""
        message = (
            exc.message
            if exc.platform_message and exc.platform_message in exc.message
            else exc.message + said
        )
        raise ValidationError(message, field=field) from None
    except ValueError as exc:
        raise ValidationError(str(exc), field=field) from None


def connect_mastodon(
    session: Session, *, actor: Actor, brand_id: int, instance_url: str, access_token: str
) -> AccountPublic:
    """Connect with an access token made in the instance's Preferences → Development."""
    from socialmuse.platforms.mastodon import MastodonAdapter

    load_brand(session, actor=actor, brand_id=brand_id, action=Action.ACCOUNT_MANAGE)
    if not instance_url.strip():
        raise ValidationError("Enter the Mastodon instance's address.", field="instance_url")
    if not access_token.strip():
        raise ValidationError("Paste the access token.", field="access_token")
    adapter = MastodonAdapter()
    connected = _connected_or_field_error(
        lambda: adapter.connect_with_token(instance_url.strip(), access_token.strip()),
        "access_token",
    )
    return store_connection(
        session,
        actor=actor,
        brand_id=brand_id,
        platform=Platform.MASTODON,
        connected=connected,
        instance_url=connected.credentials.get("instance_url"),
    )


def connect_bluesky(
    session: Session,
    *,
    actor: Actor,
    brand_id: int,
    service_url: str,
    handle: str,
    app_password: str,
) -> AccountPublic:
    """Connect with a handle and an app password (never the account's main password)."""
    from socialmuse.platforms.bluesky import BlueskyAdapter

    load_brand(session, actor=actor, brand_id=brand_id, action=Action.ACCOUNT_MANAGE)
    if not handle.strip():
        raise ValidationError("Enter the Bluesky handle.", field="handle")
    if not app_password.strip():
        raise ValidationError("Paste an app password.", field="app_password")
    adapter = BlueskyAdapter()
    connected = _connected_or_field_error(
        lambda: adapter.connect_with_password(
            service_url=(service_url or "https://bsky.social").strip(),
            identifier=handle,
            password=app_password.strip(),
        ),
        "app_password",
    )
    return store_connection(
        session,
        actor=actor,
        brand_id=brand_id,
        platform=Platform.BLUESKY,
        connected=connected,
        instance_url=connected.credentials.get("service_url"),
    )


def load_account(
    session: Session, *, actor: Actor, account_id: int, action: Action
) -> SocialAccount:
    """An account the actor may use for ``action``; other tenants' accounts are not found."""
    account = session.get(SocialAccount, account_id)
    if (
        account is None
        or account.organization_id != actor.organization_id
        or not can(
            actor,
            Action.BRAND_VIEW,
            organization_id=account.organization_id,
            brand_id=account.brand_id,
        )
    ):
        raise NotFound(f"There is no account with id {account_id}.", field="account_ids")
    load_brand(session, actor=actor, brand_id=account.brand_id, action=action)
    return account


def list_accounts(session: Session, *, actor: Actor, brand_id: int) -> list[AccountPublic]:
    load_brand(session, actor=actor, brand_id=brand_id, action=Action.BRAND_VIEW)
    rows = session.exec(
        select(SocialAccount)
        .where(
            SocialAccount.organization_id == actor.organization_id,
            SocialAccount.brand_id == brand_id,
            SocialAccount.status != AccountStatus.DISCONNECTED,
        )
        .order_by(col(SocialAccount.platform), col(SocialAccount.handle))
    ).all()
    return [to_public(a) for a in rows]


def disconnect(session: Session, *, actor: Actor, account_id: int) -> AccountPublic:
    """Forget the credentials; history stays, and deliveries not yet sent are cancelled."""
    from socialmuse.models import PostTarget
    from socialmuse.models.enums import TargetStatus
    from socialmuse.services.publishing import rollup

    account = load_account(
        session, actor=actor, account_id=account_id, action=Action.ACCOUNT_MANAGE
    )
    pending = session.exec(
        select(PostTarget).where(
            PostTarget.social_account_id == account.id,
            col(PostTarget.status).in_([TargetStatus.SCHEDULED, TargetStatus.DRAFT]),
        )
    ).all()
    for target in pending:
        target.status = TargetStatus.CANCELLED
        target.last_error_message = "Cancelled: the account was disconnected."
        session.add(target)
    session.flush()
    for post_id in {t.post_id for t in pending}:
        rollup(session, post_id)
    account.status = AccountStatus.DISCONNECTED
    account.credentials_encrypted = ""
    account.updated_at = utcnow()
    session.add(account)
    audit.record_for(
        session,
        actor,
        "account.disconnected",
        target_type="account",
        target_id=account.id,
        details={"platform": account.platform, "handle": account.handle},
    )
    return to_public(account)


def context_for(account: SocialAccount) -> AccountContext:
    """Decrypted view of an account for an adapter (never stored in state or logs)."""
    return AccountContext(
        platform=Platform(account.platform),
        external_id=account.external_id,
        handle=account.handle,
        base_url=account.instance_url or "",
        credentials=decrypt_json(account.credentials_encrypted),
    )


def brand_of(session: Session, account: SocialAccount) -> Brand:
    brand = session.get(Brand, account.brand_id)
    if brand is None:
        raise NotFound("The account's brand no longer exists.")
    return brand


def rotate_credentials(session: Session) -> int:
    """Re-encrypt every stored credential under the current SECRET_KEY (after a rotation).

    Run with the previous key in SOCIALMUSE_OLD_SECRET_KEYS; afterwards that key can go.
    """
    from socialmuse.services.secrets import rotate_ciphertext

    rows = session.exec(
        select(SocialAccount).where(SocialAccount.credentials_encrypted != "")
    ).all()
    for account in rows:
        account.credentials_encrypted = rotate_ciphertext(account.credentials_encrypted)
        session.add(account)
    return len(rows)
