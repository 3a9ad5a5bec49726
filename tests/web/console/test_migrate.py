from sqlalchemy import inspect

from web.console import migrate
from web.console.db import make_engine
from web.console.tables import metadata


def test_upgrade_creates_console_tables_only_and_downgrade_removes_them(
    database_url,
) -> None:
    engine = make_engine(database_url)
    names = set(inspect(engine).get_table_names())
    assert {t.name for t in metadata.sorted_tables} <= names
    assert "console_alembic_version" in names and "alembic_version" not in names
    migrate.upgrade(database_url)  # idempotent
    migrate.downgrade(database_url)
    after = set(inspect(engine).get_table_names())
    assert not any(n.startswith("console_") and n != "console_alembic_version" for n in after)
    assert "events" in after
    migrate.upgrade(database_url)
    engine.dispose()
