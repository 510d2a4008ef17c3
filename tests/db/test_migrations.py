"""Alembic builds an empty database to head, matches the models exactly, and rolls back."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from socialmuse import db
from socialmuse.settings import get_settings
from tests.conftest import BACKEND


@contextmanager
def pointed_at(url: str) -> Iterator[None]:
    """Run db/alembic code against ``url``, then restore the suite's database."""
    previous = os.environ["SOCIALMUSE_DATABASE_URL"]
    os.environ["SOCIALMUSE_DATABASE_URL"] = url
    get_settings.cache_clear()
    db.reset_engine()
    try:
        yield
    finally:
        db.reset_engine()
        os.environ["SOCIALMUSE_DATABASE_URL"] = previous
        get_settings.cache_clear()


def round_trip(url: str) -> None:
    with pointed_at(url):
        db.migrate()
        tables = set(inspect(db.get_engine()).get_table_names())
        assert set(SQLModel.metadata.tables) <= tables
        command.check(db.alembic_config())  # raises when models and migrations differ
        command.downgrade(db.alembic_config(), "base")
        assert set(inspect(db.get_engine()).get_table_names()) <= {"alembic_version"}
        db.migrate()
        command.check(db.alembic_config())


def test_empty_sqlite_to_head(backend: dict[str, str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    round_trip(url)
    with pointed_at(url), db.get_engine().connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def _empty_postgresql_to_head(backend: dict[str, str]) -> None:
    base = make_url(backend["SOCIALMUSE_DATABASE_URL"])
    name = f"{base.database}_migrations"
    admin = db.build_engine(base.render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        round_trip(base.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


if BACKEND == "external":  # defined only in the PostgreSQL pass, so nothing is ever skipped
    test_empty_postgresql_to_head = _empty_postgresql_to_head
