"""The command line: ``python -m console_tools.seed``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from console_tools.seed.writing import _check_numbers, seed_events
from web.console.db import make_engine


# ------------------------------------------------------------------------------ the CLI
def _end_time(raw: str) -> float:
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date like 2025-06-01 or 2025-06-01T12:00, not {raw!r}"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m console_tools.seed",
        description="Fill Rasa's events table with realistic test conversations (never real data).",
    )
    parser.add_argument("--database-url", required=True, help="SQLAlchemy URL, e.g. sqlite:///var/seed.db")
    parser.add_argument(
        "--conversations", type=int, required=True, help="how many conversations (sender ids)"
    )
    parser.add_argument("--days", type=int, default=365, help="spread over the last N days (365)")
    parser.add_argument("--seed", type=int, default=7, help="random seed: same seed, same rows (7)")
    parser.add_argument("--batch", type=int, default=5000, help="rows per insert transaction (5000)")
    parser.add_argument("--end", type=_end_time, default=None,
                        help="UTC date/time the conversations end before (default: this hour)")  # fmt: skip
    parser.add_argument("--append", action="store_true", help="add to an events table that has rows")
    args = parser.parse_args(argv)
    try:
        _check_numbers(args.conversations, args.days, args.batch)
    except ValueError as error:
        parser.error(str(error))
    try:
        make_url(args.database_url)
    except ArgumentError:
        parser.error(f"--database-url: not a database URL: {args.database_url!r}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    engine = make_engine(args.database_url)
    last_report = [0.0]

    def report(sessions: int, written: int, seconds: float) -> None:
        if seconds - last_report[0] >= 2.0:
            last_report[0] = seconds
            rate = written / seconds if seconds else 0.0
            print(
                f"  {sessions:,} sessions, {written:,} events, {rate:,.0f} events/s",
                file=sys.stderr,
                flush=True,
            )

    try:
        result = seed_events(
            engine, args.conversations, args.days, args.seed, args.batch, args.end, args.append, report
        )
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except SQLAlchemyError as error:
        print(f"error: database: {error.__class__.__name__}: {str(error).splitlines()[0]}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(
        f"seeded {result.conversations:,} conversations, {result.events:,} events "
        f"({result.events / max(result.conversations, 1):.1f} per conversation) "
        f"in {result.seconds:.1f} s, {result.rate:,.0f} events/s"
    )
    return 0
