"""The child processes: seeding, summarising and serving the console, each timed apart."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from assistant.settings import PROJECT_ROOT
from console_tools import seed
from console_tools.scale_bench.model import (
    PREFIX,
    SYNC_STEP,
)
from web.console.db import make_engine


# ---------------------------------------------------------------------- child processes
def run_child(args: list[str], log: Path) -> tuple[dict[str, Any], int]:
    """Run ``python -m console_tools.scale_bench <args>``; its JSON result and peak RSS (KiB)."""
    with log.open("ab") as err:
        child = subprocess.Popen(
            [sys.executable, "-m", "console_tools.scale_bench", *args],
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
    from web.console.services.summary import sync

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
            [sys.executable, "-m", "console_tools.scale_bench", "_serve", url, str(port)],
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
