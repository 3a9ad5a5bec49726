"""Create the PostgreSQL database a URL names, if it is missing: the one place that does it.

    ensure_database("postgresql://postgres@127.0.0.1:5432/crs_scale")   # True if created

Used by `launcher.scale run`, the benchmark and the scale-out tests. Rasa's SQL tracker
store then creates its `events` table. Other URLs (SQLite) need nothing: False.
SQLAlchemy is imported on call, so the rest of `launcher/` stays standard library only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

MAINTENANCE_DATABASE = "postgres"


class DatabaseError(RuntimeError):
    """The server could not be reached or refused to create the database."""


def ensure_database(url: str) -> bool:
    """Create the database of a PostgreSQL `url` unless it exists; True if this call created it.

    Connects to the server's `postgres` database as the URL's user, who needs the
    CREATEDB right only when the database is missing.
    """
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return False
    name = parsed.database
    if not name:
        raise DatabaseError(f"no database name in {parsed.render_as_string(hide_password=True)}")
    admin = sa.create_engine(parsed.set(database=MAINTENANCE_DATABASE), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            if _exists(connection, name):
                return False
            quoted = admin.dialect.identifier_preparer.quote_identifier(name)
            try:
                connection.execute(sa.text(f"CREATE DATABASE {quoted}"))
            except sa.exc.ProgrammingError:
                if _exists(connection, name):  # created by someone else meanwhile
                    return False
                raise
            return True
    except sa.exc.SQLAlchemyError as error:
        where = parsed.render_as_string(hide_password=True)
        detail = (str(getattr(error, "orig", None) or error).strip().splitlines() or [""])[0]
        raise DatabaseError(f"could not create database {name!r} ({where}): {detail}") from error
    finally:
        admin.dispose()


def _exists(connection: Connection, name: str) -> bool:
    import sqlalchemy as sa

    query = sa.text("SELECT 1 FROM pg_database WHERE datname = :name")
    return connection.execute(query, {"name": name}).scalar() is not None
