"""The console at scale: seed, summarise, then time the pages and the export over HTTP.

    python -m web.console.scale_bench --database-url sqlite \\
        --database-url postgresql://postgres@127.0.0.1:5432/postgres [--sizes 10000,50000,100000]

For each database and size: a fresh database (a SQLite file in a temporary directory, or a
new PostgreSQL database created through the given server URL and dropped afterwards) is
filled by `web.console.seed` and summarised by `web.console.summary.sync` (each in a child
process, timed, with its peak memory). The console (`create_console`, mounted under
``/console``) is then served by uvicorn in another child process, a reviewer signs in, and
each page is requested ``--warmup`` times, then ``--requests`` times: p50 and p95 of the
full response. The CSV export is streamed and discarded, with the serving process's peak
memory during it (``/proc/<pid>/status`` VmHWM, reset before each export through
``clear_refs``). The figures go to stdout and ``results/console-scale.md``.

Nothing here asserts a target: this reports figures. Linux only (``/proc``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from assistant.settings import PROJECT_ROOT
from web.console import auth, migrate, seed
from web.console.db import make_engine
from web.console.tables import conversations, events

PREFIX = "/console"
USERNAME = "scale-bench"
PASSWORD = secrets.token_urlsafe(18)
DEFAULT_SIZES = (10_000, 50_000, 100_000)
DEFAULT_OUTPUT = PROJECT_ROOT / "results" / "console-scale.md"
FILTER_TOPIC = "symptoms_general"
SEARCH = "fever"
TARGET_P95_MS = 300.0
SYNC_STEP = 10  # batches per sync() call, to see whether the rate holds as the summary grows


@dataclass
class Timing:
    name: str
    path: str
    status: str = ""  # "" when measured, else why not (e.g. "404: not there yet")
    samples: list[float] = field(default_factory=list)  # seconds
    size: int = 0  # bytes of the last response

    @property
    def p50(self) -> float:
        return percentile(self.samples, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)


@dataclass
class Export:
    name: str
    path: str
    status: str = ""
    seconds: list[float] = field(default_factory=list)
    first_byte: list[float] = field(default_factory=list)
    bytes: int = 0
    lines: int = 0
    baseline_kib: int = 0  # VmRSS before the run with the highest peak
    peak_kib: int = 0  # highest VmHWM over the runs


@dataclass
class Run:
    backend: str
    conversations: int
    events: int = 0
    database_bytes: int = 0
    seed_seconds: float = 0.0
    seed_peak_kib: int = 0
    sync_events: int = 0
    sync_seconds: float = 0.0
    sync_peak_kib: int = 0
    sync_start_rate: float = 0.0  # events/s over the first quarter of the events
    sync_end_rate: float = 0.0  # and over the last quarter
    summarised: int = 0  # rows in console_conversations
    timings: list[Timing] = field(default_factory=list)
    exports: list[Export] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil
    return ordered[int(rank) - 1]


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


# ---------------------------------------------------------------------- child processes
def run_child(args: list[str], log: Path) -> tuple[dict[str, Any], int]:
    """Run ``python -m web.console.scale_bench <args>``; its JSON result and peak RSS (KiB)."""
    with log.open("ab") as err:
        child = subprocess.Popen(
            [sys.executable, "-m", "web.console.scale_bench", *args],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=err,
        )
        assert child.stdout is not None
        with child.stdout:
            out = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"{args[0]} failed ({child.returncode}):\n{tail}")
    return json.loads(out.decode().strip().splitlines()[-1]), int(usage.ru_maxrss)


def _child_seed(url: str, conversations: int, days: int, seed_value: int, end: float) -> dict[str, Any]:
    engine = make_engine(url)
    try:

        def progress(sessions: int, written: int, seconds: float) -> None:
            if written % 100_000 < 5000:
                print(
                    f"    seeded {written:,} events, {written / seconds:,.0f}/s", file=sys.stderr, flush=True
                )

        result = seed.seed_events(engine, conversations, days, seed_value, 5000, end, progress=progress)
    finally:
        engine.dispose()
    return {"events": result.events, "seconds": result.seconds}


def _child_sync(url: str) -> dict[str, Any]:
    from web.console.summary import sync

    engine = make_engine(url)
    marks: list[tuple[int, float]] = []  # (events read so far, seconds so far)
    try:
        began = time.perf_counter()
        total = 0
        while True:
            read = sync(engine, max_batches=SYNC_STEP)
            total += read
            marks.append((total, time.perf_counter() - began))
            if read == 0:
                break
    finally:
        engine.dispose()
    return {"events": total, "seconds": marks[-1][1], "start_rate": _rate(marks, 0.0, 0.25),
            "end_rate": _rate(marks, 0.75, 1.0)}  # fmt: skip


def _rate(marks: list[tuple[int, float]], low: float, high: float) -> float:
    """Events per second between the marks nearest ``low`` and ``high`` of all events."""
    total = marks[-1][0]
    if not total:
        return 0.0
    points = [(0, 0.0), *marks]
    first = max((m for m in points if m[0] <= low * total), default=points[0])
    last = min((m for m in points if m[0] >= high * total), default=points[-1])
    return (last[0] - first[0]) / (last[1] - first[1]) if last[1] > first[1] else 0.0


def _child_serve(url: str, port: int) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from web.console.app import create_console
    from web.console.config import ConsoleConfig

    app = Starlette(routes=[Mount(PREFIX, app=create_console(ConsoleConfig(database_url=url)))])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def console_server(url: str, log: Path) -> Iterator[tuple[str, int]]:
    """The console served by uvicorn in a child process: (base URL, pid)."""
    port = _free_port()
    with log.open("ab") as err:
        child = subprocess.Popen(
            [sys.executable, "-m", "web.console.scale_bench", "_serve", url, str(port)],
            cwd=PROJECT_ROOT,
            stdout=err,
            stderr=err,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if child.poll() is not None:
                raise RuntimeError(f"the console did not start:\n{log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{base}{PREFIX}/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the console did not answer within 60 s")
            time.sleep(0.2)
        yield base, child.pid
    finally:
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _status_kib(pid: int, field_name: str) -> int:
    found = re.search(rf"^{field_name}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.MULTILINE)
    return int(found.group(1)) if found else 0


def _reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS


# --------------------------------------------------------------------------- measuring
def sign_in(client: httpx.Client) -> None:
    page = client.get(f"{PREFIX}/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if token is None:
        raise RuntimeError("no CSRF token on the sign-in page")
    response = client.post(
        f"{PREFIX}/login",
        data={"username": USERNAME, "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    if response.status_code != 303:
        raise RuntimeError(f"sign-in failed: {response.status_code} {response.text[:200]}")


def time_page(client: httpx.Client, name: str, path: str, warmup: int, requests: int) -> Timing:
    timing = Timing(name, path)
    for index in range(warmup + requests):
        try:
            began = time.perf_counter()
            try:
                response = client.get(path)
            except (httpx.ReadError, httpx.RemoteProtocolError):  # the server closed a kept-alive
                began = time.perf_counter()  # connection after an error: once more on a new one
                response = client.get(path)
        except httpx.HTTPError as error:
            timing.status = f"failed: {error.__class__.__name__}"
            timing.samples.clear()
            return timing
        elapsed = time.perf_counter() - began
        if response.status_code != 200:
            timing.status = f"{response.status_code}" + (
                ": not there yet" if response.status_code == 404 else ""
            )
            timing.samples.clear()
            return timing
        timing.size = len(response.content)
        if index >= warmup:
            timing.samples.append(elapsed)
    return timing


def _stream(client: httpx.Client, path: str) -> tuple[int, float, float, int, int]:
    """(status, seconds, seconds to the first byte, bytes, lines) of one streamed download."""
    began = time.perf_counter()
    first: float | None = None
    size = lines = 0
    with client.stream("GET", path) as response:
        if response.status_code != 200:
            return response.status_code, 0.0, 0.0, 0, 0
        for chunk in response.iter_raw(64 * 1024):
            if first is None:
                first = time.perf_counter() - began
            size += len(chunk)
            lines += chunk.count(b"\n")
    return 200, time.perf_counter() - began, first or 0.0, size, lines


def time_export(client: httpx.Client, pid: int, name: str, path: str, runs: int) -> Export:
    export = Export(name, path)
    for _ in range(runs):
        baseline = _status_kib(pid, "VmRSS")
        _reset_peak(pid)
        try:
            result = _stream(client, path)
        except (httpx.ReadError, httpx.RemoteProtocolError):  # a kept-alive connection closed
            result = _stream(client, path)  # after an earlier error: once more on a new one
        status, seconds, first, export.bytes, export.lines = result
        if status != 200:
            export.status = str(status)
            return export
        export.seconds.append(seconds)
        export.first_byte.append(first)
        peak = _status_kib(pid, "VmHWM")
        if peak - baseline >= export.peak_kib - export.baseline_kib:
            export.baseline_kib, export.peak_kib = baseline, peak
    return export


def pages(has_list: bool, today: date) -> list[tuple[str, str]]:
    """(name, path) of each page timed; the list is at /conversations once it moved there."""
    listing = f"{PREFIX}/conversations" if has_list else f"{PREFIX}/"
    year_ago = today - timedelta(days=364)
    return [
        ("review queue", f"{PREFIX}/"),
        ("list", listing),
        ("list, page 100", f"{listing}?page=100"),
        (f"list, urgent + {FILTER_TOPIC}", f"{listing}?flag=urgent&topic={FILTER_TOPIC}"),
        ("list, thumbs down", f"{listing}?flag=thumbs_down"),
        (f"list, search '{SEARCH}'", f"{listing}?q={SEARCH}"),
        ("insights (30 days)", f"{PREFIX}/insights"),
        ("insights (365 days)", f"{PREFIX}/insights?date_from={year_ago}&date_to={today}"),
    ]


def measure(run: Run, url: str, args: argparse.Namespace, log: Path, end: float) -> None:
    print(f"== {run.backend}, {run.conversations:,} conversations", file=sys.stderr, flush=True)
    result, run.seed_peak_kib = run_child(
        ["_seed", url, str(run.conversations), str(args.days), str(args.seed), repr(end)], log
    )
    run.events, run.seed_seconds = int(result["events"]), float(result["seconds"])
    print(f"  seeded {run.events:,} events in {run.seed_seconds:.1f} s", file=sys.stderr, flush=True)
    migrate.upgrade(url)
    result, run.sync_peak_kib = run_child(["_sync", url], log)
    run.sync_events, run.sync_seconds = int(result["events"]), float(result["seconds"])
    run.sync_start_rate, run.sync_end_rate = float(result["start_rate"]), float(result["end_rate"])
    print(f"  summarised {run.sync_events:,} events in {run.sync_seconds:.1f} s", file=sys.stderr, flush=True)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            auth.create_user(conn, USERNAME, PASSWORD, "reviewer")
            run.summarised = int(conn.execute(select(func.count()).select_from(conversations)).scalar() or 0)
        if engine.dialect.name == "postgresql":
            # What autovacuum does within a minute of a bulk load: statistics for the planner.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
            run.notes.append("VACUUM ANALYZE after loading (as autovacuum would)")
        run.database_bytes = database_bytes(engine)
        with engine.connect() as conn:
            counted = int(conn.execute(select(func.count()).select_from(events)).scalar() or 0)
        if counted != run.events:
            run.notes.append(f"events table holds {counted:,} rows, seeding reported {run.events:,}")
    finally:
        engine.dispose()
    with console_server(url, log) as (base, pid), httpx.Client(base_url=base, timeout=600) as client:
        sign_in(client)
        has_list = client.get(f"{PREFIX}/conversations").status_code == 200
        if not has_list:
            run.notes.append("no /console/conversations yet: the list is timed at /console/")
        for name, path in pages(has_list, datetime.now(UTC).date()):
            timing = time_page(client, name, path, args.warmup, args.requests)
            run.timings.append(timing)
            shown = timing.status or f"p50 {timing.p50 * 1000:.0f} ms, p95 {timing.p95 * 1000:.0f} ms"
            print(f"  {name}: {shown}", file=sys.stderr, flush=True)
        # One untimed export first: what is loaded once per process (code, the redaction's
        # name lists...) is not what grows with the data.
        _stream(client, f"{PREFIX}/export.csv?flag=urgent&topic={FILTER_TOPIC}")
        for name, path in (
            ("all conversations", f"{PREFIX}/export.csv"),
            ("urgent only", f"{PREFIX}/export.csv?flag=urgent"),
        ):
            try:
                export = time_export(client, pid, name, path, args.export_runs)
            except httpx.HTTPError as error:
                export = Export(name, path, status=f"failed: {error.__class__.__name__}")
            run.exports.append(export)
            peak = (export.peak_kib - export.baseline_kib) / 1024
            print(
                f"  export {name}: {export.status or f'{export.bytes / 1e6:.1f} MB, peak +{peak:.0f} MiB'}",
                file=sys.stderr,
                flush=True,
            )


# ----------------------------------------------------------------------------- report
def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def _mib(kib: int) -> str:
    return f"{kib / 1024:,.0f}"


def report(runs: list[Run], args: argparse.Namespace, versions: dict[str, str]) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Staff console at scale",
        "",
        f"{when}; {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        + ", ".join(f"{k} {v}" for k, v in versions.items())
        + f". {args.requests} requests per page after {args.warmup} warm-ups; "
        f"{args.export_runs} exports each. Seed {args.seed}, conversations over {args.days} days.",
        "",
        "## Data",
        "",
        "| database | conversations | events | database size | seeding | summary sync (events read) "
        "| sync rate, first → last quarter | sync peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        sync_rate = run.sync_events / run.sync_seconds if run.sync_seconds else 0.0
        lines.append(
            f"| {run.backend} | {run.conversations:,} | {run.events:,} "
            f"| {run.database_bytes / 2**20:,.0f} MiB "
            f"| {run.seed_seconds:,.0f} s ({run.events / max(run.seed_seconds, 1e-9):,.0f} events/s) "
            f"| {run.sync_seconds:,.1f} s ({sync_rate:,.0f} events/s) "
            f"| {run.sync_start_rate:,.0f} → {run.sync_end_rate:,.0f} events/s "
            f"| {_mib(run.sync_peak_kib)} MiB |"
        )
    lines += [
        "",
        f"## Pages (ms; target on PostgreSQL: list and insights p95 ≤ {TARGET_P95_MS:.0f} ms)",
        "",
        "| database | conversations | page | p50 | p95 | max | response |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for run in runs:
        for t in run.timings:
            if t.status:
                lines.append(f"| {run.backend} | {run.conversations:,} | {t.name} | – | – | – | {t.status} |")
            else:
                lines.append(
                    f"| {run.backend} | {run.conversations:,} | {t.name} | {_ms(t.p50)} | {_ms(t.p95)} "
                    f"| {_ms(max(t.samples))} | {t.size / 1024:,.0f} KiB |"
                )
    lines += [
        "",
        "## CSV export (streamed to nothing; the serving process's RSS before the export and its peak"
        " during it, for the run that grew most, after one untimed export)",
        "",
        "| database | conversations | export | lines | size | time (median) | first byte | RSS before "
        "| peak RSS | peak − before |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        for e in run.exports:
            if e.status:
                lines.append(f"| {run.backend} | {run.conversations:,} | {e.name} | {e.status} ||||||| ")
                continue
            lines.append(
                f"| {run.backend} | {run.conversations:,} | {e.name} | {e.lines:,} "
                f"| {e.bytes / 2**20:,.1f} MiB | {percentile(e.seconds, 50):,.1f} s "
                f"| {_ms(percentile(e.first_byte, 50))} ms | {_mib(e.baseline_kib)} MiB "
                f"| {_mib(e.peak_kib)} MiB | {_mib(e.peak_kib - e.baseline_kib)} MiB |"
            )
    notes = sorted({f"{run.backend}: {note}" for run in runs for note in run.notes})
    if notes:
        lines += ["", "Notes:", ""] + [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


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
        prog="python -m web.console.scale_bench",
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


def _internal(argv: list[str]) -> int:
    """The child processes' entry points (not a public interface)."""
    command, rest = argv[0], argv[1:]
    if command == "_seed":
        url, conversations, days, seed_value, end = rest
        print(json.dumps(_child_seed(url, int(conversations), int(days), int(seed_value), float(end))))
    elif command == "_sync":
        print(json.dumps(_child_sync(rest[0])))
    elif command == "_serve":
        _child_serve(rest[0], int(rest[1]))
    else:
        raise SystemExit(f"unknown internal command {command!r}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        sys.exit(_internal(sys.argv[1:]))
    sys.exit(main())
