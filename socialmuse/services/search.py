"""Full-text search over post text: one condition, built for the database in use.

PostgreSQL matches the generated ``post.search_vector`` (GIN index); SQLite matches the FTS5
table ``post_fts`` (migration 0003_calendar). What a person types is never passed through as
query syntax: it is cut into words, each quoted as a literal and matched as a prefix, all
words required. So ``"foo``, ``AND`` or ``a:b*`` search for those words instead of raising.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, Connection, Integer, bindparam, column, text
from sqlmodel import Session, col

from socialmuse.models import Post

MAX_TERMS = 12

# The triggers that keep SQLite's ``post_fts`` in step with ``post`` (migration 0003_calendar).
# A later batch migration on ``post`` rebuilds the table and loses them: alembic/env.py puts
# back any that are missing (and rebuilds the index) after every upgrade.
SQLITE_TRIGGERS: dict[str, str] = {
    "post_fts_ai": "CREATE TRIGGER post_fts_ai AFTER INSERT ON post BEGIN "
    "INSERT INTO post_fts(rowid, text, first_comment) "
    "VALUES (new.id, new.text, new.first_comment); END",
    "post_fts_ad": "CREATE TRIGGER post_fts_ad AFTER DELETE ON post BEGIN "
    "INSERT INTO post_fts(post_fts, rowid, text, first_comment) "
    "VALUES ('delete', old.id, old.text, old.first_comment); END",
    "post_fts_au": "CREATE TRIGGER post_fts_au AFTER UPDATE OF text, first_comment ON post BEGIN "
    "INSERT INTO post_fts(post_fts, rowid, text, first_comment) "
    "VALUES ('delete', old.id, old.text, old.first_comment); "
    "INSERT INTO post_fts(rowid, text, first_comment) "
    "VALUES (new.id, new.text, new.first_comment); END",
}


def heal_sqlite_index(connection: Connection) -> list[str]:
    """Re-create missing FTS triggers and rebuild the index; returns the triggers re-made."""
    if connection.dialect.name != "sqlite":
        return []
    names = {
        row[0]
        for row in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')"
        )
    }
    if not {"post", "post_fts"} <= names:
        return []
    missing = [name for name in SQLITE_TRIGGERS if name not in names]
    for name in missing:
        connection.exec_driver_sql(SQLITE_TRIGGERS[name])
    if missing:
        connection.exec_driver_sql("INSERT INTO post_fts(post_fts) VALUES ('rebuild')")
    return missing


_WORD = re.compile(r"\w+", re.UNICODE)


def terms(query: str | None) -> list[str]:
    """The words of a search box, lower-cased, deduplicated, at most ``MAX_TERMS``."""
    words = [w.lower() for w in _WORD.findall(query or "")]
    return list(dict.fromkeys(words))[:MAX_TERMS]


def fts5_query(words: list[str]) -> str:
    """An FTS5 MATCH string: every word a quoted prefix (``"word"*``), implicitly ANDed."""
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


def tsquery(words: list[str]) -> str:
    """A ``to_tsquery`` string: every word a quoted prefix lexeme, joined with ``&``."""
    return " & ".join("'" + w.replace("'", "''").replace("\\", "\\\\") + "':*" for w in words)


def post_matches(session: Session, query: str | None) -> ColumnElement[bool] | None:
    """A WHERE condition on ``post`` for the words of ``query``; None when there are none."""
    words = terms(query)
    if not words:
        return None
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return text("post.search_vector @@ to_tsquery('simple', :search_q)").bindparams(
            bindparam("search_q", tsquery(words))
        )  # type: ignore[return-value]
    if dialect == "sqlite":
        matching = text("SELECT rowid FROM post_fts WHERE post_fts MATCH :search_q").bindparams(
            bindparam("search_q", fts5_query(words))
        )
        return col(Post.id).in_(matching.columns(column("rowid", Integer)))
    # Any other database: a plain, unindexed substring match on every word.
    from sqlalchemy import and_, func

    return and_(*[func.lower(col(Post.text)).contains(w, autoescape=True) for w in words])
