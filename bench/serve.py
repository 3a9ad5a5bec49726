"""Serve one model for the benchmark: action server, then Rasa with its cold start timed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Mapping, Optional

from bench.load import wait_first_reply
from launcher.stack import Stack, StackError, StackOptions, start_stack


def serve(
    model: Path,
    work_dir: Path,
    name: str,
    env: Mapping[str, str],
    endpoints_extra: str = "",
    serving_env: Optional[Mapping[str, str]] = None,
) -> Stack:
    """Action server started, Rasa prepared (not started) with its own SQLite tracker store.

    `serving_env`: the serving settings the bot is measured with; None means Rasa's
    defaults (none of the launcher's SERVING_ENV).
    """
    log_dir = work_dir / f"logs-{name}"
    return start_stack(
        StackOptions(
            database_url=f"sqlite:///{work_dir / f'{name}.db'}",
            gateway=False,
            extra_env=env,
            log_dir=log_dir,
            model=model,
            defer_rasa=True,
            endpoints_extra=endpoints_extra,
            serving_env=serving_env or {},
        )
    )


def cold_start(stack: Stack, timeout: float = 300.0) -> float:
    """Seconds from starting Rasa's process until its first reply to a message."""
    service = stack.services["rasa"]
    start = time.monotonic()
    service.launch()
    if not wait_first_reply(stack.rasa_url, timeout):
        raise StackError(f"Rasa gave no reply within {timeout:.0f}s; see {service.log_path}")
    return time.monotonic() - start


def rasa_pid(stack: Stack) -> Optional[int]:
    process = stack.services["rasa"].process
    return process.pid if process else None
