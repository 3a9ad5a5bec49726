"""The command line: ``python -m console_tools.scale_bench``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from console_tools import seed
from console_tools.scale_bench.databases import fresh_database, server_version
from console_tools.scale_bench.measuring import measure
from console_tools.scale_bench.model import (
    DEFAULT_OUTPUT,
    DEFAULT_SIZES,
    Run,
)
from console_tools.scale_bench.report import report
from web.console.db import make_engine


# ------------------------------------------------------------------------------- CLI
def _sizes(raw: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 10000,50000,100000, not {raw!r}") from None
    if not sizes or any(not 1 <= s <= seed.MAX_CONVERSATIONS for s in sizes):
        raise argparse.ArgumentTypeError(f"each size must be between 1 and {seed.MAX_CONVERSATIONS:,}")
    return sizes


def _target(raw: str) -> str:
    if raw == "sqlite":
        return raw
    try:
        url = make_url(raw)
    except ArgumentError:
        raise argparse.ArgumentTypeError(f"not a database URL: {raw!r}") from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise argparse.ArgumentTypeError("only sqlite and postgresql are benchmarked")
    return raw


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m console_tools.scale_bench",
        description="Seed fresh databases and time the console's pages and CSV export.",
    )
    parser.add_argument(
        "--database-url",
        dest="targets",
        action="append",
        type=_target,
        required=True,
        help="'sqlite' (temporary files), sqlite:///DIR, or a PostgreSQL server URL whose role "
        "may CREATE DATABASE (fresh databases are created and dropped); repeat for both",
    )
    parser.add_argument("--sizes", type=_sizes, default=list(DEFAULT_SIZES), help="conversations per run")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page (30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (3)")
    parser.add_argument("--export-runs", type=int, default=3, help="exports of each kind (3)")
    parser.add_argument("--days", type=int, default=365, help="conversations over the last N days (365)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="markdown report (results/...)")
    parser.add_argument("--keep", action="store_true", help="keep the databases (to EXPLAIN queries)")
    args = parser.parse_args(argv)
    for name in ("requests", "export_runs"):
        if not 1 <= getattr(args, name) <= 10_000:
            parser.error(f"--{name.replace('_', '-')} must be between 1 and 10000")
    if not 0 <= args.warmup <= 1000:
        parser.error("--warmup must be between 0 and 1000")
    if not 1 <= args.days <= seed.MAX_DAYS:
        parser.error(f"--days must be between 1 and {seed.MAX_DAYS}")
    return args


def _backend(target: str) -> str:
    return "SQLite" if target.startswith("sqlite") else "PostgreSQL"


def main(argv: Sequence[str] | None = None, say: Callable[[str], None] = print) -> int:
    args = parse_args(argv)
    end = seed.default_end()
    runs: list[Run] = []
    versions: dict[str, str] = {}
    log = args.output.with_suffix(".log")  # the children's output: seeding, sync, the server
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("")
    for target in args.targets:
        backend = _backend(target)
        for size in args.sizes:
            run = Run(backend, size)
            try:
                with fresh_database(target, size, args.keep) as url:
                    engine = make_engine(url)
                    versions[backend] = server_version(engine)
                    engine.dispose()
                    measure(run, url, args, log, end)
            except (SQLAlchemyError, RuntimeError, OSError, httpx.HTTPError) as error:
                run.notes.append(f"{size:,}: stopped: {str(error).strip().splitlines()[-1][:300]}")
                print(f"  failed: {error}", file=sys.stderr)
            runs.append(run)
    markdown = report(runs, args, versions)
    args.output.write_text(markdown, encoding="utf-8")
    say(markdown)
    print(f"written to {args.output} (server and child output: {log})", file=sys.stderr)
    return 0 if all(not any("stopped" in n for n in r.notes) for r in runs) else 1
