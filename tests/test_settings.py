"""Settings: defaults for the embedded mode, refusals in one readable line."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialmuse.settings import Settings, SettingsError, get_settings


def make(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> Settings:
    for key in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ENV", "BASE_URL"):
        monkeypatch.delenv(f"SOCIALMUSE_{key}", raising=False)
    monkeypatch.setenv("SOCIALMUSE_DATA_DIR", str(tmp_path))
    for key, value in env.items():
        monkeypatch.setenv(f"SOCIALMUSE_{key}", value)
    get_settings.cache_clear()
    try:
        return get_settings()
    finally:
        get_settings.cache_clear()


def test_embedded_defaults_live_in_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = make(monkeypatch, tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / 'socialmuse.db'}"
    assert settings.uses_embedded_redis and settings.env == "development"
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == settings.secret_key and len(settings.secret_key) >= 32
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert make(monkeypatch, tmp_path).secret_key == settings.secret_key  # generated once


def test_secrets_never_appear_in_repr(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = make(monkeypatch, tmp_path, DATABASE_URL="postgresql://u:hunter2-password@db/x")
    assert "hunter2" not in repr(settings) and settings.secret_key not in repr(settings)
    assert settings.database_url.startswith("postgresql+psycopg://")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": "mysql://x/y"}, "supports postgresql and sqlite"),
        ({"DATABASE_URL": "::not a url::"}, "is not a database URL"),
        ({"REDIS_URL": "http://cache"}, "must start with redis://"),
        ({"ENV": "production"}, "must be set explicitly in production"),
        ({"SECRET_KEY": "short"}, "at least 32 characters"),
        ({"ENV": "staging"}, "SOCIALMUSE_ENV"),
    ],
)
def test_bad_settings_give_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError) as err:
        make(monkeypatch, tmp_path, **env)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_production_accepts_an_explicit_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = make(monkeypatch, tmp_path, ENV="production", SECRET_KEY="k" * 40)
    assert settings.secret_key == "k" * 40
    assert not (tmp_path / "secret_key").exists()
