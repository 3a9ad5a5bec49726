"""Console administration: ``python -m web.console.cli <command>``.

Commands: migrate, create-user, disable-user, enable-user, unlock-user (end a lockout after
failed sign-ins and reset the count; audited), purge-old (events past
CRS_CONSOLE_RETENTION_DAYS, audit rows past CRS_CONSOLE_AUDIT_RETENTION_DAYS), sync-summary
(summarise every conversation not summarised yet: after an upgrade over a year of data,
instead of letting page views catch up a batch at a time), redact-again (after an upgrade
whose redaction learned a format: the stored, already redacted text is redacted again).
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from collections.abc import Sequence

from sqlalchemy import Connection, Engine

from web.console import migrate
from web.console.config import ConsoleConfig, load_config
from web.console.db import make_engine
from web.console.services import audit, auth, retention, summary


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise ValueError("the passwords differ")
    return first


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m web.console.cli", description=__doc__)
    parser.add_argument("--database-url", help="default: CRS_DATABASE_URL / settings")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="create or upgrade the console's tables (alembic)")
    create = sub.add_parser("create-user", help="create a staff account")
    create.add_argument("--username", required=True)
    create.add_argument("--role", choices=auth.ROLES, required=True)
    create.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    for name in ("disable-user", "enable-user"):
        command = sub.add_parser(name, help=f"{name.split('-')[0]} a staff account")
        command.add_argument("--username", required=True)
    unlock = sub.add_parser("unlock-user", help="end a staff account's lockout and reset its failed sign-ins")
    unlock.add_argument("--username", required=True)
    sub.add_parser("sync-summary", help="summarise Rasa's events for the list, queue and insights")
    sub.add_parser("redact-again", help="redact the summary's stored messages again with today's rules")
    purge = sub.add_parser("purge-old", help="delete events and audit rows past retention")
    purge.add_argument("--days", type=int, help="events; default: the configured retention")
    purge.add_argument("--audit-days", type=int, help="audit log; default: the configured audit retention")
    return parser


def _purge(engine: Engine, args: argparse.Namespace, config: ConsoleConfig) -> None:
    days = args.days if args.days is not None else config.retention_days
    audit_days = args.audit_days if args.audit_days is not None else config.audit_retention_days
    if min(days, audit_days) < 1:
        raise ValueError("days must be at least 1")
    purged = retention.purge(engine, days)  # one transaction per batch of events
    with engine.begin() as conn:
        entries = retention.purge_audit(conn, audit_days)
        detail = (
            f"events={purged.events} conversations={len(purged.removed)} kept={len(purged.kept)} "
            f"audit_rows={entries} days={days} audit_days={audit_days}"
        )
        audit.record(conn, audit.NOBODY, "purge", detail=detail)
    print(f"Deleted {purged.events} event(s) older than {days} days.")
    kept = f"{len(purged.kept)} more kept their newer events"
    print(f"Deleted {len(purged.removed)} conversation(s) older than {days} days ({kept}).")
    print(f"Deleted {entries} audit entries older than {audit_days} days.")


def _unlock(conn: Connection, username: str) -> None:
    now = time.time()
    done = auth.unlock_user(conn, username)
    locked = done.was_locked(now)
    detail = f"failed_logins={done.failed_logins} was_locked={'yes' if locked else 'no'}"
    audit.record(conn, audit.NOBODY, "unlock", f"user:{done.user_id}", detail)
    if locked and done.locked_until is not None:
        state = f"was locked for {(done.locked_until - now) / 60:.0f} more minute(s)"
    else:
        state = "was not locked"
    reset = f"its {done.failed_logins} failed sign-in(s) are reset to 0"
    print(f"Unlocked {done.username!r}: it {state}; {reset}.")


def main(argv: Sequence[str] | None = None, config: ConsoleConfig | None = None) -> int:
    args = _parser().parse_args(argv)
    config = config or load_config()
    url = args.database_url or config.database_url
    migrate.upgrade(url)
    if args.command == "migrate":
        print("Console tables are up to date.")
        return 0
    engine = make_engine(url)
    if args.command == "sync-summary":
        started = time.monotonic()
        read = summary.sync(engine)
        engine.dispose()
        print(f"Summarised {read} event(s) in {time.monotonic() - started:.1f} s.")
        return 0
    if args.command == "redact-again":
        started = time.monotonic()
        changed = summary.redact_again(engine)
        with engine.begin() as conn:
            audit.record(conn, audit.NOBODY, "redact_again", detail=f"messages={changed}")
        engine.dispose()
        print(f"Redacted {changed} stored message(s) again in {time.monotonic() - started:.1f} s.")
        return 0
    try:
        if args.command == "purge-old":
            _purge(engine, args, config)
            return 0
        with engine.begin() as conn:
            if args.command == "create-user":
                password = _read_password(args.password_stdin)
                user = auth.create_user(conn, args.username, password, args.role)
                print(f"Created {user.role} {user.username!r}. Sign in at /console/login.")
            elif args.command in ("disable-user", "enable-user"):
                auth.set_active(conn, args.username, args.command == "enable-user")
                print(f"{args.command.split('-')[0].capitalize()}d {args.username!r}.")
            elif args.command == "unlock-user":
                _unlock(conn, args.username)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
