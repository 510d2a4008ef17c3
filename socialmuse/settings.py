"""The one reader of environment variables.

Every setting carries the ``SOCIALMUSE_`` prefix. Defaults give the embedded mode: a
SQLite file and a Valkey server, both living in ``DATA_DIR``. Pydantic-settings docs:
https://docs.pydantic.dev/latest/concepts/pydantic_settings/
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

SECRET_KEY_FILE = "secret_key"
_MIN_SECRET_LENGTH = 32


class SettingsError(ValueError):
    """A setting is unusable; the message is one line a person can act on."""


class QueueUnavailable(SettingsError):
    """The job queue (Redis/Valkey) is not configured or does not answer."""


class Settings(BaseSettings):
    """Runtime configuration, resolved once per process."""

    model_config = SettingsConfigDict(env_prefix="SOCIALMUSE_", extra="ignore")

    env: Literal["development", "production"] = "development"
    data_dir: Path = Path("./data")
    database_url: str = Field(default="", repr=False)
    redis_url: str | None = None
    secret_key: str = Field(default="", repr=False)
    old_secret_keys: str = Field(
        default="", repr=False, description="comma-separated previous keys, for rotation"
    )
    base_url: str = "http://localhost:3000"
    port: int = Field(default=3000, ge=1, le=65535, description="what `socialmuse run` serves")
    host: str = "0.0.0.0"
    web_mode: Literal["prod", "dev"] = "prod"
    web_workers: int | None = Field(
        default=None, ge=1, description="web server processes; default: Reflex's (2 x cores + 1)"
    )
    app_root: Path | None = Field(default=None, description="folder holding rxconfig.py")
    # OAuth apps registered with each network (developer portals); empty: connecting is off.
    x_client_id: str = ""
    x_client_secret: str = Field(default="", repr=False)
    # Where X lives; empty means x.com's own hosts. Set to an emulator's URL in tests/demos.
    x_api_url: str = ""
    x_authorize_url: str = ""
    linkedin_client_id: str = ""
    linkedin_client_secret: str = Field(default="", repr=False)
    meta_app_id: str = ""
    meta_app_secret: str = Field(default="", repr=False)
    threads_app_id: str = ""
    threads_app_secret: str = Field(default="", repr=False)
    session_days: int = Field(default=14, ge=1, description="absolute lifetime of a login")
    invitation_days: int = Field(default=7, ge=1)
    # Where media bytes live: "local" (DATA_DIR/media) or any S3-compatible object store.
    # boto3 client settings: https://boto3.amazonaws.com/v1/documentation/api/latest/guide/configuration.html
    storage_backend: Literal["local", "s3"] = "local"
    s3_endpoint_url: str = Field(default="", description="empty: AWS itself")
    s3_bucket: str = ""
    s3_region: str = "us-east-1"
    s3_access_key_id: str = Field(default="", repr=False)
    s3_secret_access_key: str = Field(default="", repr=False)
    s3_public_base_url: str = Field(
        default="", description="a public (CDN) address of the bucket; empty: presigned URLs"
    )

    @field_validator("data_dir")
    @classmethod
    def _absolute_data_dir(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("redis_url")
    @classmethod
    def _blank_redis_is_embedded(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise SettingsError(
                "SOCIALMUSE_REDIS_URL must start with redis://, rediss:// or unix:// "
                f"(got {value!r})"
            )
        return value.strip()

    @model_validator(mode="after")
    def _resolve(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'socialmuse.db'}"
        try:
            url = make_url(self.database_url)
        except ArgumentError:
            raise SettingsError(
                f"SOCIALMUSE_DATABASE_URL is not a database URL: {self.database_url!r} "
                "(expected e.g. postgresql+psycopg://user:pass@host/db or sqlite:///path)"
            ) from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise SettingsError(
                f"SOCIALMUSE_DATABASE_URL uses {url.get_backend_name()!r}; "
                "SocialMuse supports postgresql and sqlite"
            )
        if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
            self.database_url = url.set(drivername="postgresql+psycopg").render_as_string(
                hide_password=False
            )
        if self.secret_key:
            if len(self.secret_key) < _MIN_SECRET_LENGTH:
                raise SettingsError(
                    f"SOCIALMUSE_SECRET_KEY must be at least {_MIN_SECRET_LENGTH} characters"
                )
        elif self.env == "production":
            raise SettingsError(
                "SOCIALMUSE_SECRET_KEY must be set explicitly in production "
                "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        else:
            self.secret_key = _stored_secret_key(self.data_dir)
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def uses_embedded_redis(self) -> bool:
        return self.redis_url is None


def _stored_secret_key(data_dir: Path) -> str:
    """Generate the key once and keep it, so sessions and encrypted tokens survive restarts."""
    path = data_dir / SECRET_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(key)
    tmp.chmod(0o600)
    try:
        tmp.rename(path) if not path.exists() else tmp.unlink()
    except OSError:
        tmp.unlink(missing_ok=True)
    return path.read_text().strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings for this process; tests clear the cache after changing the environment."""
    try:
        return Settings()
    except SettingsError:
        raise
    except ValueError as exc:  # pydantic's ValidationError wraps our SettingsError
        raise SettingsError(_first_line(exc)) from None


def _first_line(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        for err in errors():
            ctx_error = err.get("ctx", {}).get("error")
            if isinstance(ctx_error, SettingsError):
                return str(ctx_error)
            loc = ".".join(str(p) for p in err.get("loc", ()))
            name = f"SOCIALMUSE_{loc.upper()}" if loc else "settings"
            return f"{name}: {err.get('msg', 'invalid value')}"
    return str(exc).splitlines()[0]
