"""A fresh database per run, its size and its server's version."""

from __future__ import annotations

import secrets
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from web.console.db import make_engine


# --------------------------------------------------------------------------- databases
@contextmanager
def fresh_database(target: str, size: int, keep: bool) -> Iterator[str]:
    """A new, empty database for one run; removed afterwards unless ``keep``."""
    if target == "sqlite" or target.startswith("sqlite:"):
        given = make_url(target).database if target != "sqlite" else None
        folder = Path(given) if given else Path(tempfile.mkdtemp(prefix="console-scale-"))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"scale-{size}-{secrets.token_hex(3)}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            if keep:
                print(f"  kept {path}", file=sys.stderr)
            else:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
                if not given:
                    shutil.rmtree(folder, ignore_errors=True)
        return
    admin = make_engine(target).execution_options(isolation_level="AUTOCOMMIT")
    name = f"console_scale_{size}_{secrets.token_hex(3)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        if keep:
            print(f"  kept PostgreSQL database {name}", file=sys.stderr)
        else:
            with admin.connect() as conn:
                conn.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                    {"n": name},
                )
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def database_bytes(engine: Engine) -> int:
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0)
    path = engine.url.database or ""
    return sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists())


def server_version(engine: Engine) -> str:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            return str(conn.execute(text("SHOW server_version")).scalar()).split()[0]
    return sqlite3.sqlite_version
