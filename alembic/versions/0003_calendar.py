"""calendar full-text search over post text

Revision ID: 0003_calendar
Revises: 0003_media

PostgreSQL: a generated ``tsvector`` column on ``post`` (text + first comment, 'simple'
configuration, so no language's stemming surprises anyone) with a GIN index.
SQLite: an FTS5 external-content table ``post_fts`` mirroring ``post`` and kept in step by
triggers. Neither object is in the SQLModel metadata (alembic/env.py skips them), so
``alembic check`` compares only what the models describe.

Note for later migrations: SQLite batch operations on ``post`` rebuild the table and drop
its triggers; such a migration must re-create them (``_create_sqlite``) and rebuild the index.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003_calendar"
down_revision: str | None = "0003_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_UP = (
    "CREATE VIRTUAL TABLE post_fts USING fts5("
    "text, first_comment, content='post', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER post_fts_ai AFTER INSERT ON post BEGIN "
    "INSERT INTO post_fts(rowid, text, first_comment) "
    "VALUES (new.id, new.text, new.first_comment); END",
    "CREATE TRIGGER post_fts_ad AFTER DELETE ON post BEGIN "
    "INSERT INTO post_fts(post_fts, rowid, text, first_comment) "
    "VALUES ('delete', old.id, old.text, old.first_comment); END",
    "CREATE TRIGGER post_fts_au AFTER UPDATE OF text, first_comment ON post BEGIN "
    "INSERT INTO post_fts(post_fts, rowid, text, first_comment) "
    "VALUES ('delete', old.id, old.text, old.first_comment); "
    "INSERT INTO post_fts(rowid, text, first_comment) "
    "VALUES (new.id, new.text, new.first_comment); END",
    "INSERT INTO post_fts(post_fts) VALUES ('rebuild')",
)

_SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS post_fts_au",
    "DROP TRIGGER IF EXISTS post_fts_ad",
    "DROP TRIGGER IF EXISTS post_fts_ai",
    "DROP TABLE IF EXISTS post_fts",
)

_POSTGRESQL_UP = (
    "ALTER TABLE post ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "to_tsvector('simple'::regconfig, coalesce(text, '') || ' ' || coalesce(first_comment, ''))"
    ") STORED",
    "CREATE INDEX ix_post_search_vector ON post USING gin (search_vector)",
)

_POSTGRESQL_DOWN = (
    "DROP INDEX IF EXISTS ix_post_search_vector",
    "ALTER TABLE post DROP COLUMN IF EXISTS search_vector",
)


def _run(statements: Sequence[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        _run(_POSTGRESQL_UP)
    elif dialect == "sqlite":
        _run(_SQLITE_UP)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        _run(_POSTGRESQL_DOWN)
    elif dialect == "sqlite":
        _run(_SQLITE_DOWN)
