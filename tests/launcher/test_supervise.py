"""The supervisor restarts a part that died, with backoff, and says so."""

import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import List, Optional

import pytest

from launcher.stack import Service, StackError, check_ports_free
from launcher.supervise import Backoff, Supervisor, port_holder


class FakePart:
    def __init__(self, name: str) -> None:
        self.name = name
        self.code: Optional[int] = None
        self.ready = True
        self.launches = 0
        self.kills = 0

    def launch(self) -> None:
        self.launches += 1
        self.code = None
        self.ready = False

    def exit_code(self) -> Optional[int]:
        return self.code

    def is_ready(self) -> bool:
        return self.ready

    def stop(self, kill: bool = False) -> None:
        self.kills += 1
        self.code = -9


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def supervisor(*parts: FakePart, timeout: float = 240.0):
    clock, lines = Clock(), []
    sup = Supervisor({p.name: p for p in parts}, timeout, log=lines.append, clock=clock)
    return sup, clock, lines


def test_backoff_doubles_after_quick_failures_and_resets_after_a_stable_run():
    backoff = Backoff()
    assert [backoff.after_exit(2.0) for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    assert backoff.after_exit(61.0) == 1


def test_a_part_that_dies_is_restarted_after_the_pause_and_reported_back():
    actions, rasa = FakePart("action server"), FakePart("Rasa server")
    sup, clock, lines = supervisor(actions, rasa)
    sup.step()
    assert lines == [] and actions.launches == 0

    actions.code = -9
    sup.step()
    assert lines == ["action server stopped (exit code -9); restarting in 1s."]
    sup.step()
    assert actions.launches == 0  # not before its pause is over

    clock.now += 1.0
    sup.step()
    assert actions.launches == 1 and rasa.launches == 0
    actions.ready = True
    sup.step()
    assert lines[-1] == "action server is back after restart 1."
    assert sup.restarts("action server") == 1


def test_a_part_that_keeps_crashing_waits_longer_each_time():
    part = FakePart("web gateway")
    sup, clock, lines = supervisor(part)
    pauses: List[str] = []
    for _ in range(4):
        part.code = 1
        sup.step()
        pauses.append(lines[-1].rsplit(" ", 1)[-1])
        clock.now += float(pauses[-1].rstrip("s."))
        sup.step()  # relaunched, crashes again at once
    assert pauses == ["1s.", "2s.", "4s.", "8s."]
    assert part.launches == 4


def test_a_restart_that_never_gets_ready_is_killed_and_tried_again():
    part = FakePart("Rasa server")
    sup, clock, lines = supervisor(part, timeout=100.0)
    part.code = -9
    sup.step()
    clock.now += 1
    sup.step()
    assert part.launches == 1
    clock.now += 101
    sup.step()
    assert part.kills == 1
    assert lines[-1] == "Rasa server not ready after 100s; restarting in 2s."


def test_a_real_process_killed_with_sigkill_is_started_again(tmp_path: Path):
    part = Service(
        "sleeper",
        [sys.executable, "-c", "import time; time.sleep(60)"],
        dict(os.environ),
        tmp_path / "sleeper.log",
        lambda s: True,
    )
    part.start(timeout=10)
    first = part.process.pid
    lines: List[str] = []
    sup = Supervisor({"sleeper": part}, 30, log=lines.append, backoff=lambda: Backoff(initial=0.1))
    try:
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while sup.restarts("sleeper") == 0 or not lines[-1].endswith("is back after restart 1."):
            assert time.monotonic() < deadline, lines
            sup.step()
            time.sleep(0.05)
        assert part.process.pid != first and part.process.poll() is None
        assert lines[0] == "sleeper stopped (exit code -9); restarting in 0s."
    finally:
        part.stop()


def test_a_taken_port_is_refused_naming_the_process_that_holds_it():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert (port_holder(port) or "").startswith(f"pid {os.getpid()} (")
        with pytest.raises(StackError, match=rf"port {port} \(Rasa\) is taken by pid {os.getpid()} "):
            check_ports_free({"Rasa": port})
    check_ports_free({"Rasa": port})  # free again: no error


FORKING_SERVER = """
import os, socket, sys, time
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen()
if os.fork() == 0:  # a worker sharing the listening socket, as Sanic's workers do
    time.sleep(60)
    os._exit(0)
time.sleep(60)
"""


def test_workers_left_by_a_killed_parent_are_killed_so_the_port_frees(tmp_path: Path):
    from launcher.stack import free_port
    from launcher.supervise import port_holder

    port = free_port()
    part = Service("forking", [sys.executable, "-c", FORKING_SERVER, str(port)], dict(os.environ),
                   tmp_path / "forking.log", lambda s: port_holder(port) is not None)  # fmt: skip
    part.start(timeout=10)
    os.kill(part.process.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while part.exit_code() is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    while port_holder(port) is not None:  # the worker still held it before the group was killed
        assert time.monotonic() < deadline, port_holder(port)
        time.sleep(0.05)


def test_a_part_no_longer_whole_is_killed_and_reported_stopped(tmp_path: Path):
    whole = {"value": True}
    part = Service("half", [sys.executable, "-c", "import time; time.sleep(60)"], dict(os.environ),
                   tmp_path / "half.log", lambda s: True, whole=lambda s: whole["value"])  # fmt: skip
    part.start(timeout=10)
    assert part.exit_code() is None
    whole["value"] = False  # e.g. one of its Sanic workers died
    assert part.exit_code() == -signal.SIGKILL
    part.launch()
    assert part.exit_code() is None and not part.was_ready  # not judged until ready again
