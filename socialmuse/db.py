"""Engine and sessions; the only place that knows which database we talk to.

SQLite (the embedded default) runs in WAL mode with a busy timeout so the web process,
the worker and the scheduler can share one file. Alembic owns the schema: nothing here
calls ``create_all``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from socialmuse.settings import get_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class DatabaseUnavailable(RuntimeError):
    """The configured database cannot be reached; the message is one readable line."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


def build_engine(url: str) -> Engine:
    """Create an engine with the per-backend settings every process needs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    """The process-wide engine for the configured DATABASE_URL."""
    return build_engine(get_settings().database_url)


def reset_engine() -> None:
    """Drop the cached engine (tests switch databases between runs)."""
    if get_engine.cache_info().currsize:
        get_engine().dispose()
    get_engine.cache_clear()


@contextmanager
def session_scope() -> Iterator[Session]:
    """One unit of work: commit when the block succeeds, roll back when it raises."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def check_connection() -> None:
    """Fail fast with one line when the database is unreachable or the URL is wrong."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        original = getattr(exc, "orig", None) or exc
        reason = (str(original).strip().splitlines() or [type(original).__name__])[0]
        safe_url = make_url(get_settings().database_url).render_as_string(hide_password=True)
        raise DatabaseUnavailable(f"cannot reach the database at {safe_url}: {reason}") from None


def alembic_config() -> Any:
    """Alembic configuration pointing at the project's migrations."""
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    return config


def migrate(revision: str = "head") -> None:
    """Bring the configured database to ``revision``; safe to run on every start."""
    from alembic import command

    check_connection()
    command.upgrade(alembic_config(), revision)
