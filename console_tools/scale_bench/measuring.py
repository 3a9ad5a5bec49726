"""Timing the pages and the CSV export over HTTP, for one run."""

from __future__ import annotations

import argparse
import re
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select, text

from console_tools.scale_bench.children import _reset_peak, _status_kib, console_server, run_child
from console_tools.scale_bench.databases import database_bytes
from console_tools.scale_bench.model import (
    FILTER_TOPIC,
    PASSWORD,
    PREFIX,
    SEARCH,
    USERNAME,
    Export,
    Run,
    Timing,
)
from web.console import migrate
from web.console.db import make_engine
from web.console.services import auth
from web.console.tables import conversations, events


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
