"""Credentials at rest: encrypted, and still readable after a key rotation."""

from __future__ import annotations

import pytest

from socialmuse.services import secrets
from socialmuse.settings import get_settings


@pytest.fixture()
def key(monkeypatch: pytest.MonkeyPatch, backend: dict[str, str]) -> None:
    monkeypatch.setenv("SOCIALMUSE_SECRET_KEY", "first-key-" + "a" * 30)
    monkeypatch.delenv("SOCIALMUSE_OLD_SECRET_KEYS", raising=False)
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_round_trip_hides_the_plaintext(key: None) -> None:
    blob = secrets.encrypt_json({"access_token": "tok-123", "refresh_token": "r-456"})
    assert "tok-123" not in blob and "r-456" not in blob
    assert secrets.decrypt_json(blob) == {"access_token": "tok-123", "refresh_token": "r-456"}


def test_rotation_keeps_old_ciphertexts_readable(
    key: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_key = get_settings().secret_key
    blob = secrets.encrypt_json({"access_token": "before-rotation"})
    monkeypatch.setenv("SOCIALMUSE_SECRET_KEY", "second-key-" + "b" * 30)
    get_settings.cache_clear()
    with pytest.raises(ValueError, match="SOCIALMUSE_OLD_SECRET_KEYS"):
        secrets.decrypt_json(blob)
    monkeypatch.setenv("SOCIALMUSE_OLD_SECRET_KEYS", old_key)
    get_settings.cache_clear()
    assert secrets.decrypt_json(blob) == {"access_token": "before-rotation"}
    rotated = secrets.rotate_ciphertext(blob)
    monkeypatch.delenv("SOCIALMUSE_OLD_SECRET_KEYS")
    get_settings.cache_clear()
    assert secrets.decrypt_json(rotated) == {"access_token": "before-rotation"}


def test_password_hashes_verify_and_differ() -> None:
    first, second = (
        secrets.hash_password("same words here"),
        secrets.hash_password("same words here"),
    )
    assert first != second
    assert secrets.verify_password(first, "same words here")
    assert not secrets.verify_password(first, "other words here")
    assert not secrets.verify_password(None, "same words here")


def test_stored_credentials_survive_a_key_rotation(
    session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialmuse.models import SocialAccount
    from socialmuse.services import accounts
    from tests.factories import brand, owner

    person = owner(session)
    account = accounts.connect_sandbox(
        session, actor=person.actor, brand_id=brand(session, person), handle="rot"
    )
    session.commit()
    old_key = get_settings().secret_key
    monkeypatch.setenv("SOCIALMUSE_SECRET_KEY", "rotated-key-" + "c" * 30)
    monkeypatch.setenv("SOCIALMUSE_OLD_SECRET_KEYS", old_key)
    get_settings.cache_clear()
    try:
        assert accounts.rotate_credentials(session) == 1
        session.commit()
        monkeypatch.delenv("SOCIALMUSE_OLD_SECRET_KEYS")
        get_settings.cache_clear()
        row = session.get(SocialAccount, account.id)
        assert row is not None
        assert accounts.context_for(row).credentials == {"kind": "sandbox"}
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
