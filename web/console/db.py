"""Database engine for the console (same URL as Rasa's tracker store)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event


def driver_url(url: str) -> str:
    """``postgresql://`` (the URL Rasa's SQLAlchemy 1.4 reads with psycopg2) names psycopg2
    for the console too: SQLAlchemy 2.1 would otherwise pick psycopg 3, not installed."""
    return "postgresql+psycopg2://" + url[len("postgresql://") :] if url.startswith("postgresql://") else url


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets a busy timeout since Rasa writes concurrently."""
    url = driver_url(url)
    # hide_parameters: a failed statement's message never carries a parent's text into a log.
    kwargs: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
    is_sqlite = url.startswith("sqlite")
    if is_sqlite:
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 15}
    engine = create_engine(url, **kwargs)
    if is_sqlite:

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine
