"""Serve one model for the benchmark: action server, then Rasa with its cold start timed."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Mapping, Optional

from bench.load import wait_first_reply
from launcher.stack import ROOT, Stack, StackError, start_stack


def serve(model: Path, work_dir: Path, name: str, env: Mapping[str, str], endpoints_extra: str = "") -> Stack:
    """Action server started, Rasa prepared (not started) with its own SQLite tracker store."""
    log_dir = work_dir / f"logs-{name}"
    return start_stack(
        database_url=f"sqlite:///{work_dir / f'{name}.db'}",
        gateway=False,
        extra_env=env,
        log_dir=log_dir,
        model=model,
        defer_rasa=True,
        endpoints_extra=endpoints_extra,
    )


def cold_start(stack: Stack, timeout: float = 300.0) -> float:
    """Seconds from starting Rasa's process until its first reply to a message."""
    service = stack.services["rasa"]
    start = time.monotonic()
    with open(service.log_path, "ab") as log:
        service.process = subprocess.Popen(
            service.command,
            cwd=ROOT,
            env=service.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    if not wait_first_reply(stack.rasa_url, timeout):
        raise StackError(f"Rasa gave no reply within {timeout:.0f}s; see {service.log_path}")
    return time.monotonic() - start


def rasa_pid(stack: Stack) -> Optional[int]:
    process = stack.services["rasa"].process
    return process.pid if process else None
