"""A database error is described by its kind, never by the values it was writing."""

from __future__ import annotations

import sqlite3

from sqlalchemy import exc as sa_exc

from assistant.plugins.db_errors import describe

SECRET = "Liam Okafor MRN 4471902"


def test_a_failed_statement_is_described_without_its_parameters():
    error = sa_exc.OperationalError(
        "INSERT INTO events VALUES (?)", (SECRET,), sqlite3.OperationalError("database is locked")
    )
    assert SECRET in str(error)  # SQLAlchemy's own message carries them
    assert describe(error) == "OperationalError (sqlite3.OperationalError: database is locked)"


def test_a_drivers_detail_lines_are_left_out():
    driver = Exception(
        'duplicate key value violates unique constraint "u"\nDETAIL: Key (text)=(Liam Okafor) exists.'
    )
    error = sa_exc.IntegrityError("INSERT", {"text": SECRET}, driver)
    assert "Liam" not in describe(error) and describe(error).startswith(
        "IntegrityError (builtins.Exception: duplicate key"
    )


def test_other_errors_keep_their_first_line():
    assert describe(ConnectionError("server closed the connection\nDETAIL: more")) == (
        "ConnectionError: server closed the connection"
    )
    assert describe(TimeoutError()) == "TimeoutError"
