"""Sanic's workers seen from outside, through Linux /proc: alive, and (at start-up) serving.

Rasa 3.6 runs Sanic 21.12, whose parent forks its workers (`SANIC_WORKERS`) and then only
waits for them: a worker that exits is never replaced. `WorkerWatch` tells a server that
lost a worker from a busy one by process liveness alone (a worker that exited is a zombie
or gone), so the launcher restarts the whole server only when a worker really died.

`serving_workers` (each worker's epoll watches the listening socket) is only a start-up
signal that every worker has loaded the model. It is never a reason to kill: under load a
busy worker's descriptors come and go faster than /proc can be read, and the count dips.

Standard library only, like the rest of `launcher/`.
"""

from __future__ import annotations

import os
import re
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Set

from launcher.proc_net import listening_inodes

# /proc/<pid>/stat states of a process that has exited (zombie, dead).
EXITED_STATES = frozenset("ZX")
# Looks in a row that must see a worker missing before the server counts as broken.
CONFIRM_LOOKS = 2


def _stat_fields(pid: int) -> Optional[List[str]]:
    """The fields of /proc/<pid>/stat after the process name (state first); None if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()


def child_processes(pid: int) -> List[int]:
    """The processes whose parent is `pid` (Linux /proc), exited ones (zombies) included."""
    return sorted(child_states(pid))


def child_states(pid: int) -> Dict[int, str]:
    """{child pid: its /proc state letter ("R", "S", "Z", …)} of the processes whose parent is `pid`."""
    found: Dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None and int(fields[1]) == pid:  # state, ppid
                found[int(entry.name)] = fields[0]
    return found


def exit_description(pid: int) -> str:
    """How an exited child ended ("was killed by SIGKILL", "exited with code 1"), as /proc tells."""
    fields = _stat_fields(pid)
    if fields is None or len(fields) < 50:  # reaped, or a kernel without exit_code (field 52)
        return "exited"
    status = int(fields[49])
    if status & 0x7F:
        try:
            return f"was killed by {signal.Signals(status & 0x7F).name}"
        except ValueError:
            return f"was killed by signal {status & 0x7F}"
    return f"exited with code {status >> 8}"


@dataclass
class WorkerWatch:
    """Whether a Sanic server's parent still has its `expected` workers alive.

    `lost(parent)` is None while it has, else a sentence saying which worker exited and
    how. A loss must be seen on `confirm` looks in a row (a /proc read racing a process
    is never taken for a death). Load, slowness or a full backlog never count: only a
    worker process that exited.
    """

    expected: int
    confirm: int = CONFIRM_LOOKS
    _parent: Optional[int] = None
    _seen: Set[int] = field(default_factory=set)
    _ended: Dict[int, str] = field(default_factory=dict)  # how a worker seen as a zombie ended
    _misses: int = 0

    def lost(self, parent: int) -> Optional[str]:
        if parent != self._parent:  # a new server: forget the old one's workers
            self._parent, self._seen, self._ended, self._misses = parent, set(), {}, 0
        if not Path("/proc/self/stat").exists():  # cannot tell: never a reason to kill
            return None
        states = child_states(parent)
        alive = {pid for pid, state in states.items() if state not in EXITED_STATES}
        self._seen |= set(states)
        for pid in set(states) - alive:  # read now: its parent may reap it before the next look
            self._ended.setdefault(pid, exit_description(pid))
        if len(alive) >= self.expected:
            self._misses = 0
            return None
        self._misses += 1
        if self._misses < self.confirm:
            return None
        gone = sorted(self._seen - alive)
        how = "; ".join(f"worker pid {pid} {self._ended.get(pid, 'exited')}" for pid in gone)
        return (
            f"{len(alive)} of its {self.expected} Sanic workers alive ({how or 'a worker is missing'}); "
            "Sanic does not replace a lost worker, so the whole server is restarted"
        )


def _listening_socket(port: int) -> Optional[str]:
    """The /proc link target ("socket:[inode]") of the TCP socket listening on `port`, if any."""
    return next((f"socket:[{inode}]" for inode in listening_inodes(port)), None)


def listening_pids(port: int) -> List[int]:
    """The processes holding the socket that listens on `port` (a Sanic parent and its workers)."""
    target = _listening_socket(port)
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fds = os.listdir(entry / "fd")
                if any(os.readlink(entry / "fd" / fd) == target for fd in fds):
                    found.append(int(entry.name))
            except OSError:  # gone meanwhile, or not ours to read
                continue
    return sorted(found) if target else []


def serving_workers(pid: int, port: int) -> int:
    """How many child processes of `pid` (Sanic's workers) accept connections on `port`.

    A Sanic worker inherits the listening socket at start but watches it (registers it
    with its event loop's epoll) only once its `before_server_start` listeners are done,
    which for Rasa means once the model is loaded. Linux /proc; 0 where it cannot tell.
    A start-up signal only (see the module's docstring): it undercounts a busy server.
    """
    target = _listening_socket(port)
    return 0 if target is None else sum(1 for child in child_processes(pid) if _watches(child, target))


def _watches(pid: int, target: str) -> bool:
    """Whether an epoll instance of process `pid` watches a file descriptor linked to `target`."""
    try:
        links = {fd: os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        sockets = {fd for fd, link in links.items() if link == target}
        for fd, link in links.items():
            if link == "anon_inode:[eventpoll]":
                info = Path(f"/proc/{pid}/fdinfo/{fd}").read_text()
                if sockets & set(re.findall(r"^tfd:\s*(\d+)", info, re.M)):
                    return True
    except OSError:  # the process or one of its descriptors went away meanwhile
        pass
    return False
