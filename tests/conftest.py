"""Test backends: the whole suite runs on the embedded default or on PostgreSQL + Redis.

SOCIALMUSE_TEST_BACKEND=embedded (default): a fresh SQLite file and an embedded Valkey in a
temporary data directory. SOCIALMUSE_TEST_BACKEND=external: SOCIALMUSE_TEST_DATABASE_URL
and SOCIALMUSE_TEST_REDIS_URL, which must answer: a missing service fails the run, it is
never skipped. Either way the schema comes from the Alembic migrations, not create_all.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import text
from sqlmodel import Session, SQLModel

from socialmuse import db
from socialmuse.settings import get_settings

BACKEND = os.environ.get("SOCIALMUSE_TEST_BACKEND", "embedded")


def pytest_report_header(config: pytest.Config) -> str:
    if BACKEND == "external":
        return "socialmuse backend: PostgreSQL + Redis (external)"
    return "socialmuse backend: SQLite + embedded Valkey"


def _reset_schema(url: str) -> None:
    """Start PostgreSQL from an empty schema so the migrations are what builds it."""
    engine = db.build_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Configure the process environment for one backend and migrate it to head."""
    data_dir = tmp_path_factory.mktemp("data")
    env = {"SOCIALMUSE_DATA_DIR": str(data_dir), "SOCIALMUSE_ENV": "development"}
    valkey = None
    if BACKEND == "external":
        database_url = os.environ.get("SOCIALMUSE_TEST_DATABASE_URL")
        redis_url = os.environ.get("SOCIALMUSE_TEST_REDIS_URL")
        if not database_url or not redis_url:
            pytest.fail(
                "external backend needs SOCIALMUSE_TEST_DATABASE_URL and SOCIALMUSE_TEST_REDIS_URL"
            )
        try:
            redis.Redis.from_url(redis_url).ping()
        except redis.RedisError as exc:
            pytest.fail(f"Redis at {redis_url} does not answer: {exc}")
        _reset_schema(database_url)
        redis.Redis.from_url(redis_url).flushdb()
        env |= {"SOCIALMUSE_DATABASE_URL": database_url, "SOCIALMUSE_REDIS_URL": redis_url}
    else:
        from socialmuse.embedded_redis import EmbeddedValkey

        valkey = EmbeddedValkey(Path(data_dir))
        env |= {
            "SOCIALMUSE_DATABASE_URL": f"sqlite:///{data_dir / 'socialmuse.db'}",
            "SOCIALMUSE_REDIS_URL": valkey.start(),
        }
    os.environ.update(env)
    get_settings.cache_clear()
    db.reset_engine()
    db.migrate()
    try:
        yield env
    finally:
        db.reset_engine()
        if valkey is not None:
            valkey.stop()


def _wipe(session: Session) -> None:
    for table in reversed(SQLModel.metadata.sorted_tables):
        session.execute(table.delete())
    session.commit()


@pytest.fixture()
def session(backend: dict[str, str]) -> Iterator[Session]:
    """A session on an empty database (schema kept), emptied again afterwards.

    Emptied first too: the browser tests share the database with a running app and
    leave their sign-ups behind.
    """
    with Session(db.get_engine(), expire_on_commit=False) as s:
        _wipe(s)
        try:
            yield s
        finally:
            s.rollback()
            _wipe(s)


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Argon2id with the smallest cost inside the test process (~1 ms instead of ~130 ms).

    Hundreds of tests sign people up; the production cost is a property of the hasher's
    parameters, not of the code under test, and argon2 hashes carry their parameters, so
    verification works across both. Processes the tests start (the app in browser tests)
    keep the real cost.
    """
    from argon2 import PasswordHasher

    from socialmuse.services import secrets

    real = secrets._hasher
    secrets._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    try:
        yield
    finally:
        secrets._hasher = real
