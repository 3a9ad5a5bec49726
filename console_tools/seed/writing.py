"""Writing the rows into Rasa's ``events`` table."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select

from console_tools.seed.constants import (
    COLUMNS,
    MAX_BATCH,
    MAX_CONVERSATIONS,
    MAX_DAYS,
    Row,
)
from console_tools.seed.corpus import load_corpus
from console_tools.seed.generate import generate
from web.console.tables import events, rasa_metadata


# ------------------------------------------------------------------------ the database
def create_events_table(conn: Connection) -> None:
    """The table Rasa's SQLTrackerStore creates (same columns), if it is missing."""
    rasa_metadata.create_all(conn, tables=[events], checkfirst=True)


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, float):
        return repr(value)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _write_copy(conn: Connection, rows: list[Row]) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_text(v) for v in row))
        buffer.write("\n")
    buffer.seek(0)
    cursor: Any = conn.connection.cursor()  # psycopg2's, for copy_expert
    try:
        cursor.copy_expert(f"COPY events ({', '.join(COLUMNS)}) FROM STDIN", buffer)
    finally:
        cursor.close()


def _write_insert(conn: Connection, rows: list[Row]) -> None:
    conn.execute(insert(events), [dict(zip(COLUMNS, row, strict=True)) for row in rows])


def _write_sqlite(conn: Connection, rows: list[Row]) -> None:
    marks = ", ".join("?" for _ in COLUMNS)
    conn.exec_driver_sql(f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({marks})", rows)


@dataclass
class SeedResult:
    conversations: int
    events: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


def seed_events(
    engine: Engine,
    conversations: int,
    days: int = 365,
    seed: int = 7,
    batch: int = 5000,
    end: float | None = None,
    append: bool = False,
    progress: Callable[[int, int, float], None] | None = None,
) -> SeedResult:
    """Insert the rows of ``generate`` into ``engine``'s ``events`` table, ``batch`` rows per
    transaction. ``progress(sessions_written, events_written, seconds)`` is called per batch."""
    _check_numbers(conversations, days, batch)
    corpus = load_corpus()
    with engine.begin() as conn:
        create_events_table(conn)
        existing = conn.execute(select(func.count()).select_from(events)).scalar() or 0
    if existing and not append:
        raise ValueError(f"the events table already holds {existing} events; pass --append to add to them")
    writers = {"postgresql": _write_copy, "sqlite": _write_sqlite}
    write = writers.get(engine.dialect.name, _write_insert)
    began = time.perf_counter()
    written = sessions = 0
    pending: list[Row] = []

    def flush() -> None:
        nonlocal written
        with engine.begin() as conn:
            write(conn, pending)
        written += len(pending)
        pending.clear()
        if progress:
            progress(sessions, written, time.perf_counter() - began)

    for row in generate(conversations, days, seed, end, corpus):
        sessions += row[1] == "session_started"
        pending.append(row)
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return SeedResult(conversations, written, time.perf_counter() - began)


def _check_numbers(conversations: int, days: int, batch: int) -> None:
    if not 1 <= conversations <= MAX_CONVERSATIONS:
        raise ValueError(f"--conversations must be between 1 and {MAX_CONVERSATIONS:,}, not {conversations}")
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"--days must be between 1 and {MAX_DAYS}, not {days}")
    if not 1 <= batch <= MAX_BATCH:
        raise ValueError(f"--batch must be between 1 and {MAX_BATCH:,}, not {batch}")
