"""Alembic environment for the console's own tables (prefix ``console_``).

Uses its own version table, ``console_alembic_version``, so it never clashes with
anything else in the tracker-store database, and ignores every other table.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from web.console.db import make_engine
from web.console.tables import metadata

VERSION_TABLE = "console_alembic_version"


def _include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table":
        return bool(name) and name.startswith("console_")
    return True


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        include_object=_include_object,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no sqlalchemy.url: run the migrations with web.console.migrate")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("The console's migrations run online only (python -m web.console.cli migrate).")
run_migrations_online()
