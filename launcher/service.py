"""One part of the stack as a child process (`Service`), and the HTTP checks that tell it is up.

Standard library only, like the rest of `launcher/`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Protocol, Tuple, Type

from assistant.settings_spec import SettingError, read
from launcher.supervise import die_with_parent

ROOT = Path(__file__).resolve().parent.parent
# How long an ongoing health check waits for an answer: a busy Rasa answers late, not never.
HEALTH_TIMEOUT = 5.0


class StackError(RuntimeError):
    """A process of the stack did not start."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Service:
    name: str
    command: List[str]
    env: Dict[str, str]
    log_path: Path
    ready: Callable[[Service], bool]
    # Once ready, why the running part is broken (e.g. "1 of its 2 Sanic workers alive …"),
    # or None while it is whole. A broken part is killed and reported as stopped with that
    # reason (`stop_reason`), so the supervisor restarts it. Process facts only, never load.
    broken: Optional[Callable[[Service], Optional[str]]] = None
    # The supervisor's ongoing health check once the part is ready; None: `ready` again.
    healthy: Optional[Callable[[Service], bool]] = None
    process: Optional[subprocess.Popen[bytes]] = None
    was_ready: bool = False
    stop_reason: Optional[str] = None
    _reaped: bool = False

    def launch(self) -> None:
        """Start the process and return at once; it dies with the launcher (Linux).

        Call it from the thread that lives as long as the part: on Linux the part gets
        SIGTERM when the thread that started it ends.
        """
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.was_ready, self._reaped, self.stop_reason = False, False, None
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )

    def exit_code(self) -> Optional[int]:
        """The exit code once the process has stopped; None while it runs.

        A part that was ready and is now broken is killed first (`stop_reason` says why).
        Once the process has stopped, what is left of its process group is killed: Sanic's
        workers outlive a parent killed by SIGKILL and would hold the port against the restart.
        """
        if self.process is None:
            return None
        code = self.process.poll()
        if code is None and self.was_ready and self.broken is not None:
            reason = self.broken(self)
            if reason is not None:
                self.stop_reason = reason
                self._kill_group()
                code = self.process.wait(timeout=15)
        if code is not None and not self._reaped:
            self._reaped = True
            self._kill_group()
        return code

    def _kill_group(self) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is gone already
            os.killpg(self.process.pid, signal.SIGKILL)

    def is_ready(self) -> bool:
        ready = self.ready(self)
        self.was_ready = self.was_ready or ready
        return ready

    def is_healthy(self) -> bool:
        """The ongoing health check of a ready part (`healthy`, else `ready`)."""
        return (self.healthy or self.ready)(self)

    def start(self, timeout: float) -> None:
        """Launch and wait until the part answers (StackError if it exits or times out)."""
        self.launch()
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        """Wait until the launched part answers (StackError if it exits or times out)."""
        assert self.process is not None, "launch() first"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StackError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            if self.is_ready():
                return
            time.sleep(0.5)
        self.stop()
        raise StackError(f"{self.name} not ready after {timeout:.0f}s; see {self.log_path}")

    def stop(self, kill: bool = False) -> None:
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL if kill else signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        except ProcessLookupError:
            pass
        self.process = None


def http_ok(url: str, timeout: float = 2.0) -> bool:
    """True when `url` answers with a status below 500 within `timeout` seconds."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return 200 <= response.status < 500
    except (urllib.error.URLError, OSError):
        return False


def http_answers(url: str, timeout: float = HEALTH_TIMEOUT) -> bool:
    """True when a server answers `url` with any HTTP status (a proxy whose backends are down too)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


class Stoppable(Protocol):
    def stop(self) -> None: ...


def run_until_stopped(
    serve: Callable[[List[Stoppable]], None],
    errors: Tuple[Type[BaseException], ...],
    stopping: Optional[str] = None,
) -> int:
    """The exit code of a launcher's `run`: `serve` until it returns or Ctrl-C, then stop what it started.

    `serve` appends each stack it has started to the list it gets. One of `errors` is printed
    as "Could not start: …" (exit code 1); Ctrl-C prints `stopping`, if any (exit code 0).
    """
    started: List[Stoppable] = []
    try:
        serve(started)
        return 0
    except errors as error:
        print(f"Could not start: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        if stopping is not None:
            print(stopping, flush=True)
        return 0
    finally:
        for stack in started:
            stack.stop()


def setting(name: str) -> Any:
    """A launcher setting from the environment, by the settings table; a bad value stops the
    launcher with the table's message (argparse defaults are read before the parser runs)."""
    try:
        return read(name, os.environ)
    except SettingError as error:
        raise SystemExit(f"Could not start: {error}") from None
