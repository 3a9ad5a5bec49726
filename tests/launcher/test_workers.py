"""A Rasa server with several Sanic workers is restarted when a worker process exited, never when busy.

Real process trees stand in for Sanic 21.12: a parent that listens and forks workers sharing
the socket, then only waits (as `sanic.server.runners.serve_multiple`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, Iterator, List

import pytest

from launcher import workers
from launcher.stack import Service, free_port, rasa_service
from launcher.supervise import Supervisor
from launcher.workers import WorkerWatch, child_processes, exit_description, serving_workers

# Two workers that inherit the listening socket and are alive, but never register it with an
# epoll: how the old check (`serving_workers`) saw a busy worker whose descriptors it misread.
BUSY_SERVER = """
import os, socket, sys, time
sock = socket.socket()
sock.bind(("127.0.0.1", int(sys.argv[1])))
sock.listen()
pids = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        while True:
            sum(range(100_000))  # busy
    pids.append(pid)
for pid in pids:  # joined in order, as Sanic's parent does: a later one that exits stays a zombie
    os.waitpid(pid, 0)
"""


def wait_for(condition: Callable[[], bool], timeout: float = 8.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def busy_rasa(tmp_path: Path) -> Iterator[Service]:
    """`make run`'s Rasa service with 2 workers, running BUSY_SERVER instead of Rasa, ready."""
    port = free_port()
    service = rasa_service(
        "Rasa server", dict(os.environ), port, tmp_path / "e.yml", tmp_path / "m", tmp_path / "rasa.log", 2
    )
    service.command = [sys.executable, "-c", BUSY_SERVER, str(port)]
    service.launch()
    assert service.process is not None
    pid = service.process.pid
    assert wait_for(lambda: len(child_processes(pid)) == 2)
    service.was_ready = True  # as after start-up: judged from now on
    yield service
    service.stop(kill=True)


def test_a_busy_server_whose_workers_all_live_is_never_killed(busy_rasa: Service):
    assert busy_rasa.process is not None
    port = int(busy_rasa.command[-1])
    assert serving_workers(busy_rasa.process.pid, port) == 0  # what the old check killed on
    for _ in range(20):
        assert busy_rasa.exit_code() is None
        time.sleep(0.05)
    assert busy_rasa.process.poll() is None and busy_rasa.stop_reason is None


def test_a_worker_that_died_gets_the_server_restarted_saying_which(busy_rasa: Service):
    assert busy_rasa.process is not None
    first = busy_rasa.process.pid
    lost = child_processes(first)[1]
    lines: List[str] = []
    sup = Supervisor({"rasa": busy_rasa}, 30, log=lines.append)
    sup.step()
    assert lines == []
    os.kill(lost, signal.SIGKILL)
    assert wait_for(lambda: (sup.step(), lines)[1] != [])
    assert lines == [
        "Rasa server stopped (exit code -9): 1 of its 2 Sanic workers alive "
        f"(worker pid {lost} was killed by SIGKILL); Sanic does not replace a lost worker, "
        "so the whole server is restarted; restarting in 1s."
    ]
    assert wait_for(lambda: not os.path.exists(f"/proc/{first}"))  # its group killed, port free


def test_a_loss_counts_only_when_seen_twice_in_a_row(monkeypatch: pytest.MonkeyPatch):
    looks: List[Dict[int, str]] = [
        {11: "S", 12: "R"},
        {11: "S"},  # a /proc read that raced the process: a flicker
        {11: "S", 12: "R"},
        {11: "S", 12: "Z"},  # exited: a zombie its parent has not joined yet
        {11: "S"},  # joined and gone
        {11: "R", 12: "R"},  # a new look at a new server (another parent pid below)
    ]
    monkeypatch.setattr(workers, "child_states", lambda pid: looks.pop(0))
    monkeypatch.setattr(workers, "exit_description", lambda pid: f"exited with code {pid - 11}")
    watch = WorkerWatch(2)
    assert [watch.lost(100) for _ in range(4)] == [None, None, None, None]
    assert watch.lost(100) == (
        "1 of its 2 Sanic workers alive (worker pid 12 exited with code 1); "
        "Sanic does not replace a lost worker, so the whole server is restarted"
    )
    assert watch.lost(200) is None


def test_more_workers_than_expected_or_a_single_worker_are_whole(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(workers, "child_states", lambda pid: {1: "S", 2: "S", 3: "D"})
    watch = WorkerWatch(2)
    assert watch.lost(7) is None and watch.lost(7) is None
    single = rasa_service("Rasa", {}, 1, Path("e"), Path("m"), Path("r.log"))  # one worker: no watch
    assert single.broken is not None
    single.process = subprocess.Popen([sys.executable, "-c", "pass"])
    assert single.broken(single) is None
    single.process.wait(timeout=30)


def test_how_an_exited_worker_ended_is_read_from_proc():
    code = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    killed = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    killed.kill()
    try:
        for child in (code, killed):  # zombies until waited for
            assert wait_for(lambda c=child: Path(f"/proc/{c.pid}/stat").read_text().split(") ")[1][0] == "Z")
        assert exit_description(code.pid) == "exited with code 3"
        assert exit_description(killed.pid) == "was killed by SIGKILL"
    finally:
        code.wait(timeout=10)
        killed.wait(timeout=10)
    assert exit_description(code.pid) == "exited"  # reaped: nothing left to read
