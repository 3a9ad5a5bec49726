"""Keep the product running: restart a part that died or hangs, with backoff; stop all on a signal.

`make run` (and `make scale`) start their parts as children (`launcher.stack.Service`).
A part that exits, crashes or is killed is started again after a pause that doubles
with each quick failure (1 s, 2 s, 4 s … at most 30 s) and falls back to 1 s once the
part has run for a minute. A ready part is asked its health check every 10 s
(`HealthPolicy`); one that fails 3 checks in a row and gives no good answer for 30 s
is killed and restarted the same way, while one slow answer is only logged. Every
stop, restart and recovery is logged. Only Ctrl-C or SIGTERM stops everything; the
handlers are installed before the first part starts (`stop_on_signals`), so a signal
during start-up stops the parts already running too.

Standard library only, like the rest of `launcher/`.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Mapping, Optional, Protocol

from launcher.proc_net import listening_inodes

INITIAL_BACKOFF = 1.0
MAX_BACKOFF = 30.0
STABLE_AFTER = 60.0


class Part(Protocol):
    """What the supervisor needs of a part (`launcher.stack.Service` has it)."""

    name: str

    def launch(self) -> None: ...

    def exit_code(self) -> Optional[int]: ...

    def is_ready(self) -> bool: ...

    def stop(self, kill: bool = False) -> None: ...


# Optional on a part: `is_healthy()`, the ongoing health check (else `is_ready()` is asked),
# and `stop_reason`, why the part itself stopped its process (logged with the exit code).


@dataclass(frozen=True)
class HealthPolicy:
    """When a ready part counts as hung: every `interval` seconds its health check is asked;
    after `failures` failed checks in a row with no good answer for `after` seconds, it is
    killed and restarted. A part merely slow for one check is never restarted."""

    interval: float = 10.0
    failures: int = 3
    after: float = 30.0

    def __post_init__(self) -> None:
        if not (self.interval > 0 and self.failures >= 1 and self.after >= 0):
            raise ValueError(
                f"health checks need an interval above 0 s, at least 1 failure and a period of 0 s or "
                f"more, not {self.interval}, {self.failures}, {self.after}"
            )

    def describe(self) -> str:
        return (
            f"every {self.interval:g}s; a part that fails {self.failures} in a row "
            f"and gives no answer for {self.after:g}s is restarted"
        )


@dataclass
class Backoff:
    """The pause before the next restart: doubles after a quick failure, resets after a stable run."""

    initial: float = INITIAL_BACKOFF
    maximum: float = MAX_BACKOFF
    stable_after: float = STABLE_AFTER
    current: float = 0.0

    def after_exit(self, ran_for: float) -> float:
        if ran_for >= self.stable_after or self.current == 0.0:
            self.current = self.initial
        else:
            self.current = min(self.current * 2, self.maximum)
        return self.current


@dataclass
class _State:
    started_at: float
    ready: bool = False
    restart_at: Optional[float] = None
    backoff: Backoff = field(default_factory=Backoff)
    restarts: int = 0
    # Health checks once ready: when last asked, the last good answer, failures in a row.
    checked_at: float = 0.0
    answered_at: float = 0.0
    failures: int = 0

    def now_ready(self, now: float) -> None:
        self.ready, self.checked_at, self.answered_at, self.failures = True, now, now, 0


class Supervisor:
    """Watches running parts; `step()` restarts the dead ones when their pause is over."""

    def __init__(
        self,
        parts: Mapping[str, Part],
        start_timeout: float = 240.0,
        log: Callable[[str], None] = print,
        clock: Callable[[], float] = time.monotonic,
        backoff: Callable[[], Backoff] = Backoff,
        health: Optional[HealthPolicy] = HealthPolicy(),
    ) -> None:
        """`health`: when a ready part counts as hung; None: only a part that exits is restarted."""
        self.parts = dict(parts)
        self.start_timeout = start_timeout
        self.health = health
        self._log = log
        self._clock = clock
        now = clock()
        self._states: Dict[str, _State] = {name: _State(now, backoff=backoff()) for name in self.parts}
        for state in self._states.values():
            state.now_ready(now)  # the parts come from start_stack, ready

    def restarts(self, name: str) -> int:
        return self._states[name].restarts

    def step(self) -> None:
        """One look at every part: note deaths, restart when due, report recoveries."""
        now = self._clock()
        for name, part in self.parts.items():
            state = self._states[name]
            if state.restart_at is not None:
                if now >= state.restart_at:
                    self._restart(name, part, state, now)
                continue
            code = part.exit_code()
            if code is not None:
                reason = getattr(part, "stop_reason", None)
                why = f"stopped (exit code {code})" + (f": {reason}" if reason else "")
                self._schedule(name, part, state, now, why)
            elif not state.ready:
                if part.is_ready():
                    state.now_ready(now)
                    self._log(f"{part.name} is back after restart {state.restarts}.")
                elif now - state.started_at > self.start_timeout:
                    part.stop(kill=True)
                    self._schedule(name, part, state, now, f"not ready after {self.start_timeout:.0f}s")
            elif self.health is not None and now - state.checked_at >= self.health.interval:
                self._check_health(name, part, state, now, self.health)

    def _check_health(self, name: str, part: Part, state: _State, now: float, policy: HealthPolicy) -> None:
        """Ask a ready part's health check; restart it once it has failed long enough."""
        state.checked_at = now
        check: Callable[[], bool] = getattr(part, "is_healthy", None) or part.is_ready
        if check():
            if state.failures:
                self._log(f"{part.name} answers its health check again (after {state.failures} failed).")
            state.failures, state.answered_at = 0, now
            return
        state.failures += 1
        silent = now - state.answered_at
        if state.failures >= policy.failures and silent >= policy.after:
            part.stop(kill=True)
            self._schedule(
                name, part, state, now,
                f"failed {state.failures} health checks in a row, no answer for {silent:.0f}s; killed it",
            )  # fmt: skip
        elif state.failures == 1:
            self._log(
                f"{part.name} did not answer its health check; it is restarted if it fails "
                f"{policy.failures} in a row and gives no answer for {policy.after:g}s."
            )

    def _schedule(self, name: str, part: Part, state: _State, now: float, why: str) -> None:
        # A part that never got ready counts as a quick failure, however long it tried.
        pause = state.backoff.after_exit(now - state.started_at if state.ready else 0.0)
        state.restart_at = now + pause
        state.ready = False
        self._log(f"{part.name} {why}; restarting in {pause:.0f}s.")

    def _restart(self, name: str, part: Part, state: _State, now: float) -> None:
        state.restart_at = None
        state.restarts += 1
        state.started_at = now
        try:
            part.launch()
        except OSError as error:
            self._schedule(name, part, state, now, f"could not start ({error})")

    def run(self, interval: float = 0.5, sleep: Callable[[float], None] = time.sleep) -> None:
        """Supervise until interrupted (KeyboardInterrupt, raised by `stop_on_signals`)."""
        while True:
            self.step()
            sleep(interval)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def stop_on_signals() -> None:
    """Ctrl-C and SIGTERM raise KeyboardInterrupt, even if the parent ignored SIGINT."""
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)


def die_with_parent() -> None:
    """`preexec_fn` for a child: SIGTERM when the launcher dies, even by SIGKILL (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the launcher's own handlers still stop it
        pass


def port_holder(port: int) -> Optional[str]:
    """ "pid 123 (python …)" of the process listening on `port`, when /proc tells."""
    inodes = {f"socket:[{inode}]" for inode in listening_inodes(port)}
    if not inodes:
        return None
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") in inodes for fd in fds):
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                return f"pid {pid} ({cmdline.decode(errors='replace').strip()[:80]})"
        except OSError:
            continue
    return "another process"
