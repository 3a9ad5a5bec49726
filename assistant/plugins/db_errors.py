"""What the logs may say about a database error: its kind, never the data it was writing.

SQLAlchemy's message for a failed statement carries the statement's bound parameters (the
parent's message, its parse data) and the driver's text may quote a row's values (PostgreSQL's
``DETAIL: Key (...)=(...)``). Both stay out of the logs: engines are made with
``hide_parameters=True`` and a failure is logged as `describe`'s one line.
"""

from __future__ import annotations

from sqlalchemy import exc as sa_exc

# The first line of the driver's message, cut to this many characters (values come later).
MAX_REASON = 120
# create_engine keyword arguments every engine of the project takes.
ENGINE_KWARGS = {"hide_parameters": True}


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:MAX_REASON] if lines else ""


def describe(error: BaseException) -> str:
    """``OperationalError (sqlite3.OperationalError: database is locked)``: the error's class,
    the driver's error class and the first line of the driver's message, without parameters;
    ``ConnectionError: server closed the connection`` for an error that is not SQLAlchemy's."""
    kind = type(error).__name__
    if not isinstance(error, sa_exc.StatementError):
        reason = _first_line(error)
        return f"{kind}: {reason}" if reason else kind
    original = error.orig
    if original is None:
        return kind  # SQLAlchemy's own text names the statement and its parameters
    driver = f"{type(original).__module__}.{type(original).__name__}"
    reason = _first_line(original)
    return f"{kind} ({driver}: {reason})" if reason else f"{kind} ({driver})"
