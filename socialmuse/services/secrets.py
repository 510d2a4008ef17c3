"""Passwords, opaque tokens and encryption of third-party credentials at rest.

Passwords: argon2id (argon2-cffi's defaults follow RFC 9106's recommendations).
Tokens: 256-bit CSPRNG values; the database stores only their SHA-256, so a leaked
database row cannot be replayed as a login or an invitation.
Credentials: Fernet (AES-CBC + HMAC) keyed from SECRET_KEY; ``MultiFernet`` lets an
operator rotate by listing the old key in SOCIALMUSE_OLD_SECRET_KEYS.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from socialmuse.settings import get_settings

_hasher = PasswordHasher()
# Verifying against this keeps the time of a login for an unknown email like a real one.
_DUMMY_HASH = _hasher.hash("socialmuse-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-work check: an unknown user costs the same as a wrong password."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _fernet_for(secret: str) -> Fernet:
    digest = hashlib.sha256(f"socialmuse-credentials:{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _cipher() -> MultiFernet:
    settings = get_settings()
    old = [k.strip() for k in settings.old_secret_keys.split(",") if k.strip()]
    return MultiFernet([_fernet_for(k) for k in [settings.secret_key, *old]])


def encrypt_json(data: dict[str, Any]) -> str:
    return _cipher().encrypt(json.dumps(data).encode()).decode()


def decrypt_json(blob: str) -> dict[str, Any]:
    """Decrypt credentials; a key mismatch is an operator error worth a clear message."""
    if not blob:
        return {}
    try:
        return dict(json.loads(_cipher().decrypt(blob.encode())))
    except InvalidToken:
        raise ValueError(
            "stored credentials cannot be decrypted with SOCIALMUSE_SECRET_KEY; "
            "list the previous key in SOCIALMUSE_OLD_SECRET_KEYS"
        ) from None


def _purpose_cipher(purpose: str) -> MultiFernet:
    """A key of its own per purpose, so a sealed value of one kind never opens as another."""
    settings = get_settings()
    old = [k.strip() for k in settings.old_secret_keys.split(",") if k.strip()]
    return MultiFernet([_fernet_for(f"{purpose}:{k}") for k in [settings.secret_key, *old]])


def seal_json(data: dict[str, Any], *, purpose: str, now: int | None = None) -> str:
    """Encrypt and sign ``data`` into a URL- and cookie-safe string (no ``=`` padding)."""
    raw = json.dumps(data).encode()
    cipher = _purpose_cipher(purpose)
    token = cipher.encrypt_at_time(raw, now) if now is not None else cipher.encrypt(raw)
    return token.decode().rstrip("=")


def open_sealed_json(
    sealed: str, *, purpose: str, max_age_s: int, now: int | None = None
) -> dict[str, Any]:
    """The data of a ``seal_json`` value; ValueError when tampered with, foreign or too old."""
    token = (sealed + "=" * (-len(sealed) % 4)).encode()
    cipher = _purpose_cipher(purpose)
    try:
        raw = (
            cipher.decrypt_at_time(token, max_age_s, now)
            if now is not None
            else cipher.decrypt(token, ttl=max_age_s)
        )
        return dict(json.loads(raw))
    except (InvalidToken, ValueError, TypeError):
        raise ValueError(f"not a valid or current {purpose} value") from None


def rotate_ciphertext(blob: str) -> str:
    """Re-encrypt under the current key (after a key rotation)."""
    return _cipher().rotate(blob.encode()).decode() if blob else blob
