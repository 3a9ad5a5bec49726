"""`make run`'s launcher: kill each part in turn with SIGKILL; the product answers again,
and SIGTERM to the launcher stops every part and frees every port."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest

from launcher.stack import ROOT, free_port
from launcher.supervise import port_holder

START_TIMEOUT = 420


def chat(gateway: str, message: str) -> list:
    body = {"sender": f"supervise-{uuid.uuid4().hex[:12]}", "message": message}
    request = urllib.request.Request(
        f"{gateway}/api/chat", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["messages"]


def answers(gateway: str) -> bool:
    try:
        messages = chat(gateway, "what is crs")
    except (urllib.error.URLError, OSError, ValueError):
        return False
    return bool(messages) and messages[0]["text"].startswith("CRS stands for cytokine release syndrome.")


def health_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(1)


def pid_on(port: int) -> int:
    holder = port_holder(port)
    assert holder and holder.startswith("pid "), holder
    return int(holder.split()[1])


def restarted(port: int, killed: int) -> bool:
    holder = port_holder(port)
    return bool(holder) and holder.startswith("pid ") and int(holder.split()[1]) != killed


@pytest.fixture
def launcher(tmp_path):
    ports = {"gateway": free_port(), "rasa": free_port(), "actions": free_port()}
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CRS_DATABASE_URL": f"sqlite:///{tmp_path / 'rasa.db'}",
        "CRS_RATE_LIMIT_ENABLED": "false",
    }
    with open(tmp_path / "launcher.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "launcher.stack", "run", "--port", str(ports["gateway"]),
             "--rasa-port", str(ports["rasa"]), "--actions-port", str(ports["actions"]),
             "--log-dir", str(tmp_path / "logs")],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    gateway = f"http://127.0.0.1:{ports['gateway']}"
    try:
        wait_for(lambda: answers(gateway) or process.poll() is not None, START_TIMEOUT, "the product")
        assert process.poll() is None, (tmp_path / "launcher.log").read_text()
        yield process, ports, gateway, tmp_path / "launcher.log"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)


def test_each_part_killed_comes_back_and_sigterm_stops_all(launcher):
    process, ports, gateway, log_path = launcher
    checks = {
        "actions": ("action server", lambda: health_ok(f"http://127.0.0.1:{ports['actions']}/health")),
        "rasa": ("Rasa server", lambda: answers(gateway)),
        "gateway": ("web gateway", lambda: answers(gateway)),
    }
    for part, (name, back) in checks.items():
        killed = pid_on(ports[part])
        os.kill(killed, signal.SIGKILL)
        # Back: a new process on the port, answering, and the supervisor has logged it (it
        # checks every half second, so the log line may come just after the first answer).
        wait_for(
            lambda p=part, b=back, k=killed, n=name: (
                restarted(ports[p], k) and b() and f"{n} is back after restart 1." in log_path.read_text()
            ),
            START_TIMEOUT,
            part,
        )
        assert process.poll() is None, log_path.read_text()
    log = log_path.read_text()
    for name, _ in checks.values():
        assert f"{name} stopped (exit code -9); restarting in 1s." in log, log

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    assert {part: port_holder(port) for part, port in ports.items()} == dict.fromkeys(ports)
