"""Alembic environment: the URL and metadata come from SocialMuse itself."""

from logging.config import fileConfig

from alembic import context
from sqlmodel import SQLModel

import socialmuse.models  # noqa: F401  (registers every table)
from socialmuse.db import get_engine
from socialmuse.services.search import heal_sqlite_index

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata

# Full-text search objects live outside the models (migration 0003_calendar): the FTS5 table
# and its shadow tables on SQLite, the generated tsvector column and its GIN index on
# PostgreSQL. Autogenerate must neither drop them nor report them as drift.
SEARCH_TABLE_PREFIX = "post_fts"
SEARCH_COLUMN = "search_vector"
SEARCH_INDEX = "ix_post_search_vector"


def include_name(name: str | None, type_: str, parent_names: dict[str, str | None]) -> bool:
    """Skip the reflected search objects by name."""
    if type_ == "table" and name and name.startswith(SEARCH_TABLE_PREFIX):
        return False
    if type_ == "column" and name == SEARCH_COLUMN and parent_names.get("table_name") == "post":
        return False
    return not (type_ == "index" and name == SEARCH_INDEX)


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Second guard for objects reached without a name check (e.g. an index's column)."""
    if type_ == "table" and name and name.startswith(SEARCH_TABLE_PREFIX):
        return False
    if type_ == "column" and name == SEARCH_COLUMN:
        return False
    if type_ == "index" and name == SEARCH_INDEX:
        return False
    # PostgreSQL-only BRIN indexes live in the migrations, not the models (0003_analytics).
    return not (type_ == "index" and reflected and (name or "").startswith("brin_"))


def run_migrations_offline() -> None:
    """Emit SQL without a connection (``alembic upgrade --sql``)."""
    context.configure(
        url=str(get_engine().url),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate through the engine every process uses (WAL pragmas included)."""
    with get_engine().connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=include_name,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        # SQLite runs DDL outside Alembic's transaction: commit the repair explicitly.
        if heal_sqlite_index(connection) and connection.in_transaction():
            connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
