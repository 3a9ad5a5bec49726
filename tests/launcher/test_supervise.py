"""The supervisor restarts a part that died or stopped answering, with backoff, and says so."""

import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from launcher.stack import Service, StackError, check_ports_free
from launcher.supervise import Backoff, HealthPolicy, Supervisor, port_holder


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


def test_a_broken_part_is_killed_and_reported_stopped_with_the_reason(tmp_path: Path):
    broken: Dict[str, Optional[str]] = {"why": None}
    part = Service("half", [sys.executable, "-c", "import time; time.sleep(60)"], dict(os.environ),
                   tmp_path / "half.log", lambda s: True, broken=lambda s: broken["why"])  # fmt: skip
    part.start(timeout=10)
    assert part.exit_code() is None
    broken["why"] = "1 of its 2 Sanic workers alive"  # e.g. one of its Sanic workers died
    assert part.exit_code() == -signal.SIGKILL
    assert part.stop_reason == "1 of its 2 Sanic workers alive"
    part.launch()
    assert part.exit_code() is None and not part.was_ready  # not judged until ready again
    assert part.stop_reason is None
    part.stop()


def tcp_states(port: int) -> List[str]:
    """The /proc/net/tcp states ("0A" listen, "06" TIME_WAIT, …) of sockets whose local port is `port`."""
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return [f[3] for f in map(str.split, lines) if int(f[1].rsplit(":", 1)[1], 16) == port]


def test_a_port_with_only_time_wait_connections_left_is_free():
    """What a busy run leaves behind: connections the server side closed first, in TIME_WAIT."""
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)) as client:
            accepted, _ = server.accept()
            accepted.close()  # the server closes first: its side (local port `port`) waits
            client.recv(1)
    assert "06" in tcp_states(port) and "0A" not in tcp_states(port), tcp_states(port)
    check_ports_free({"Rasa": port})  # nothing listens: no error


class Hanging(FakePart):
    """A ready part whose health check answers `answers` (is_ready, as a part without is_healthy)."""

    def __init__(self, name: str = "web gateway") -> None:
        super().__init__(name)
        self.asked = 0

    def is_ready(self) -> bool:
        self.asked += 1
        return self.ready


def run_for(sup: Supervisor, clock: Clock, seconds: float, step: float = 0.5) -> None:
    for _ in range(int(seconds / step)):
        clock.now += step
        sup.step()


def test_a_part_slow_for_one_check_at_a_time_is_never_restarted():
    part = Hanging()
    sup, clock, lines = supervisor(part)
    for _ in range(6):  # fails every other check (every 10 s) for two minutes
        part.ready = False
        run_for(sup, clock, 10)
        part.ready = True
        run_for(sup, clock, 10)
    assert sup.restarts("web gateway") == 0 and part.kills == 0
    assert part.asked == 12
    assert lines[0].startswith("web gateway did not answer its health check; it is restarted if it fails 3")
    assert lines[1] == "web gateway answers its health check again (after 1 failed)."


def test_a_part_that_stops_answering_is_restarted_after_3_failures_over_30s():
    part = Hanging()
    sup, clock, lines = supervisor(part)
    run_for(sup, clock, 10)
    assert part.asked == 1 and lines == []  # asked every 10 s once ready
    part.ready = False  # frozen: alive, answers nothing
    run_for(sup, clock, 20)
    assert part.kills == 0 and len(lines) == 1  # two failures, 20 s: not yet
    run_for(sup, clock, 10)
    assert part.kills == 1
    assert lines[-1] == (
        "web gateway failed 3 health checks in a row, no answer for 30s; killed it; restarting in 1s."
    )
    run_for(sup, clock, 1)
    assert part.launches == 1 and sup.restarts("web gateway") == 1
    part.ready = True
    run_for(sup, clock, 0.5)
    assert lines[-1] == "web gateway is back after restart 1."


def test_the_health_policy_is_configurable():
    part = Hanging()
    clock, lines = Clock(), []
    policy = HealthPolicy(interval=5, failures=3, after=60)
    sup = Supervisor({"x": part}, log=lines.append, clock=clock, health=policy)
    part.ready = False
    run_for(sup, clock, 55)
    assert part.kills == 0 and part.asked == 11  # 11 failures, but only 55 s without an answer
    run_for(sup, clock, 5)
    assert part.kills == 1 and "no answer for 60s" in lines[-1]
    with pytest.raises(ValueError, match="health checks need"):
        HealthPolicy(failures=0)
    quiet = Hanging()
    unchecked = Supervisor({"y": quiet}, clock=clock, health=None)
    quiet.ready = False
    run_for(unchecked, clock, 120)
    assert quiet.asked == 0 and quiet.kills == 0  # health=None: only a part that exits is restarted


HTTP_SERVER = "import http.server, sys; http.server.test(http.server.SimpleHTTPRequestHandler, port=int(sys.argv[1]), bind='127.0.0.1')"  # noqa: E501


@pytest.mark.slow
def test_a_real_frozen_process_is_killed_and_started_again(tmp_path: Path):
    from launcher.stack import free_port, http_ok

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    part = Service(
        "frozen", [sys.executable, "-c", HTTP_SERVER, str(port)], dict(os.environ), tmp_path / "frozen.log",
        lambda s: http_ok(url), healthy=lambda s: http_ok(url, timeout=0.3),
    )  # fmt: skip
    part.start(timeout=10)
    first = part.process.pid
    lines: List[str] = []
    policy = HealthPolicy(interval=0.2, failures=3, after=0.5)
    sup = Supervisor({"frozen": part}, 10, log=lines.append, backoff=lambda: Backoff(0.1), health=policy)
    try:
        os.kill(first, signal.SIGSTOP)  # alive, answers nothing, as a deadlocked server
        deadline = time.monotonic() + 9
        while not (lines and lines[-1] == "frozen is back after restart 1."):
            assert time.monotonic() < deadline, lines
            sup.step()
            time.sleep(0.05)
        assert part.process.pid != first and http_ok(url)
        assert any(line.startswith("frozen failed 3 health checks in a row") for line in lines), lines
    finally:
        part.stop()


def test_make_run_refuses_a_bad_health_setting(monkeypatch, capsys):
    from launcher import stack
    from launcher.stack import free_port

    monkeypatch.setattr(stack, "stop_on_signals", lambda: None)
    ports = [str(free_port()) for _ in range(3)]
    argv = ["run", "--rasa-port", ports[0], "--actions-port", ports[1], "--port", ports[2]]
    assert stack.run([*argv, "--health-failures", "0"]) == 1
    assert "Could not start: health checks need" in capsys.readouterr().err
