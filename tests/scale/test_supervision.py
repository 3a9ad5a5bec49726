"""`make run`'s launcher: kill each part in turn with SIGKILL; the product answers again,
and SIGTERM to the launcher stops every part and frees every port. The default two-worker
stack answers 2,000 sequential messages and bursts of 50 conversations without an error or a
restart, and starts again at once after that load."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, Optional

import pytest

from bench.accuracy import holdout_examples
from bench.serving_load import Target, run_load
from launcher.stack import ROOT, free_port
from launcher.supervise import port_holder

START_TIMEOUT = 420


def post(url: str, body: dict) -> dict:
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return dict(json.loads(response.read()))


def chat(gateway: str, message: str) -> list:
    """One message in a new conversation (a restarted gateway knows no earlier token)."""
    token = post(f"{gateway}/api/conversations", {})["conversation"]
    return list(post(f"{gateway}/api/chat", {"sender": token, "message": message})["messages"])


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


@contextmanager
def running_launcher(
    tmp_path: Path, extra_env: Optional[Dict[str, str]] = None, ports: Optional[Dict[str, int]] = None
) -> Iterator[tuple]:
    """`python -m launcher.stack run` as `make run` starts it, on `ports` (default: free ones);
    stopped with SIGTERM."""
    ports = ports or {"gateway": free_port(), "rasa": free_port(), "actions": free_port()}
    tmp_path.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CRS_DATABASE_URL": f"sqlite:///{tmp_path / 'rasa.db'}",
        "CRS_RATE_LIMIT_ENABLED": "false",
        **(extra_env or {}),
    }
    log_path = tmp_path / "launcher.log"
    with open(log_path, "a") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "launcher.stack", "run", "--port", str(ports["gateway"]),
             "--rasa-port", str(ports["rasa"]), "--actions-port", str(ports["actions"]),
             "--log-dir", str(tmp_path / "logs")],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    gateway = f"http://127.0.0.1:{ports['gateway']}"
    try:
        wait_for(lambda: answers(gateway) or process.poll() is not None, START_TIMEOUT, "the product")
        assert process.poll() is None, log_path.read_text()
        yield process, ports, gateway, log_path
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)


@pytest.fixture
def launcher(tmp_path):
    with running_launcher(tmp_path) as running:
        yield running


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


# The load (bench/serving_load.py): each sequential message a new conversation, a
# burst of 50 conversations of 2 messages each every 500 messages.
LOAD = {"messages": 2000, "burst_every": 500, "burst_size": 50, "burst_turns": 2}


def test_two_worker_stack_holds_sequential_load_and_bursts_then_restarts_at_once(tmp_path):
    texts = [text for text, _ in holdout_examples()]
    with running_launcher(tmp_path, {"CRS_RASA_WORKERS": "2"}) as (process, ports, gateway, log_path):
        result = run_load(Target(gateway, gateway=True), texts, rasa_port=ports["rasa"], log=print, **LOAD)
        log = log_path.read_text()
        assert process.poll() is None, log
    print(result)
    assert "Rasa: 2 workers" in log, log
    assert result["sequential"]["answered"] == LOAD["messages"], result
    assert result["bursts"]["answered"] == 4 * LOAD["burst_size"] * LOAD["burst_turns"], result
    assert result["sequential"]["errors"] == result["bursts"]["errors"] == 0, result
    assert result["rasa_server_same"] and result["rasa_workers_same"], result
    assert len(result["rasa_workers"]) == 2, result
    assert "restarting" not in log, log  # no part was killed or restarted
    # Started again at once on the same ports: the TIME_WAIT connections the load left do not
    # keep them "taken".
    started = time.monotonic()
    again = running_launcher(tmp_path / "again", {"CRS_RASA_WORKERS": "2"}, ports)
    with again as (_, _, gateway_again, log_again):
        assert answers(gateway_again)
        assert "is taken" not in log_again.read_text()
    print(f"answering again {time.monotonic() - started:.0f} s after the loaded run stopped")
