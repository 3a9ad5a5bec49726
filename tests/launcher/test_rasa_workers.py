"""`make run`'s Rasa workers: one per core, or CRS_RASA_WORKERS; several only with Redis for the locks.

The real stack with two workers answering is tests/scale/test_stack_workers.py (it needs
the trained model and Redis, which `make test` has by then).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Iterator, List, Tuple

import pytest
from rasa.core.utils import AvailableEndpoints, number_of_sanic_workers

from assistant.settings import Settings
from launcher import stack
from launcher.stack import (
    Redis,
    StackError,
    StackOptions,
    child_processes,
    cores,
    endpoints_file,
    free_port,
    plan_workers,
    rasa_service,
    serving_workers,
    start_stack,
)

LOCAL = Redis()


def always(answer: bool, asked: List[Redis]):
    def answers(redis: Redis) -> bool:
        asked.append(redis)
        return answer

    return answers


def test_cores_are_the_cpus_this_process_may_use():
    assert cores() == len(os.sched_getaffinity(0)) >= 1


def test_one_worker_per_core_when_redis_answers():
    asked: List[Redis] = []
    plan = plan_workers(None, 4, LOCAL, always(True, asked))
    assert plan.workers == 4 and asked == [LOCAL]
    assert "assistant.plugins.lock_store.AtomicRedisLockStore" in plan.lock_store
    assert "4 workers (one per core, 4 cores)" in plan.note and "127.0.0.1:6379" in plan.note


def test_without_redis_the_default_falls_back_to_one_worker_and_says_why():
    plan = plan_workers(None, 2, LOCAL, always(False, []))
    assert plan.workers == 1 and plan.lock_store == ""
    assert "1 worker, not 2" in plan.note and "Start Redis" in plan.note and "CRS_RASA_WORKERS=1" in plan.note


def test_without_redis_an_explicit_number_of_workers_is_an_error():
    with pytest.raises(StackError, match="CRS_RASA_WORKERS=3 needs a lock store.*set CRS_RASA_WORKERS=1"):
        plan_workers(3, 2, LOCAL, always(False, []))


def test_the_setting_wins_over_the_cores():
    asked: List[Redis] = []
    assert plan_workers(3, 8, LOCAL, always(True, asked)).workers == 3
    one = plan_workers(1, 8, LOCAL, always(True, asked))
    assert one.workers == 1 and one.lock_store == "" and "CRS_RASA_WORKERS" in one.note
    single_core = plan_workers(None, 1, LOCAL, always(True, asked))
    assert single_core.workers == 1 and single_core.lock_store == ""
    assert len(asked) == 1  # one worker needs no Redis: not even asked


def test_the_workers_setting_is_read_with_bounds():
    assert Settings.from_env({}).rasa_workers is None
    assert Settings.from_env({"CRS_RASA_WORKERS": "auto"}).rasa_workers is None
    assert Settings.from_env({"CRS_RASA_WORKERS": " 2 "}).rasa_workers == 2
    for bad in ("0", "-1", "65", "two", "1.5"):
        with pytest.raises(ValueError, match="CRS_RASA_WORKERS"):
            Settings.from_env({"CRS_RASA_WORKERS": bad})


def test_redis_location_comes_from_the_same_variables_as_make_scale():
    assert Redis.from_env({}) == Redis("127.0.0.1", 6379, 1)
    env = {"CRS_REDIS_HOST": "10.0.0.5", "CRS_REDIS_PORT": "6380", "CRS_REDIS_DB": "3"}
    assert Redis.from_env(env) == Redis("10.0.0.5", 6380, 3)
    with pytest.raises(StackError, match="CRS_REDIS_PORT"):
        Redis.from_env({"CRS_REDIS_PORT": "redis"})


def test_rasa_allows_the_workers_with_the_generated_lock_store(tmp_path, monkeypatch):
    """What Rasa 3.6 itself decides (rasa.core.utils.number_of_sanic_workers) from our endpoints file."""
    monkeypatch.setenv("SANIC_WORKERS", "2")
    with_redis = endpoints_file("http://127.0.0.1:1/webhook", tmp_path, LOCAL.lock_store_yaml("crstest1"))
    endpoints = AvailableEndpoints.read_endpoints(str(with_redis))
    assert endpoints.lock_store is not None and endpoints.lock_store.kwargs["key_prefix"] == "crstest1"
    assert number_of_sanic_workers(endpoints.lock_store) == 2
    (tmp_path / "plain").mkdir()
    plain_file = endpoints_file("http://127.0.0.1:1/webhook", tmp_path / "plain")
    plain = AvailableEndpoints.read_endpoints(str(plain_file))
    assert number_of_sanic_workers(plain.lock_store) == 1  # why the launcher needs Redis for more
    with pytest.raises(StackError, match="letters and digits"):
        LOCAL.lock_store_yaml("crs-run")


@pytest.fixture
def fake_redis() -> Iterator[Tuple[int, List[bytes]]]:
    """A server on a free port answering each connection with the next canned reply."""
    replies: List[bytes] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def serve() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            with connection:
                connection.recv(64)
                connection.sendall(replies.pop(0) if replies else b"")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(server.getsockname()[1]), replies
    server.close()


def test_redis_answers_only_to_a_real_pong(fake_redis):
    port, replies = fake_redis
    replies.extend([b"+PONG\r\n", b"-NOAUTH Authentication required.\r\n"])
    assert Redis("127.0.0.1", port).answers()
    assert not Redis("127.0.0.1", port).answers()  # a password Rasa's lock store would not have
    assert not Redis("127.0.0.1", free_port()).answers(timeout=0.5)  # nobody listens


def test_several_workers_without_a_lock_store_are_refused(tmp_path):
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"")
    with pytest.raises(StackError, match="2 Rasa workers need a shared lock store"):
        start_stack(StackOptions(model=model, rasa_workers=2, log_dir=tmp_path))


# A stand-in for Sanic's workers: the parent listens, forks two children that inherit the
# socket; the first watches it at once, the second once the flag file exists (a model loaded).
FORKING_SERVER = """
import os, selectors, socket, sys, time
sock = socket.socket()
sock.bind(("127.0.0.1", int(sys.argv[1])))
sock.listen()
for flag in ("", sys.argv[2]):
    if os.fork() == 0:
        while flag and not os.path.exists(flag):
            time.sleep(0.05)
        selector = selectors.EpollSelector()
        selector.register(sock, selectors.EVENT_READ)
        print("watching", flush=True)
        time.sleep(60)
        os._exit(0)
os.wait()
"""


def wait_for(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_workers_count_as_serving_once_they_watch_the_listening_socket(tmp_path):
    port, flag = free_port(), tmp_path / "loaded"
    command = [sys.executable, "-c", FORKING_SERVER, str(port), str(flag)]
    server = subprocess.Popen(command, start_new_session=True)
    try:
        assert wait_for(lambda: len(child_processes(server.pid)) == 2)
        assert wait_for(lambda: serving_workers(server.pid, port) == 1)
        time.sleep(0.3)
        assert serving_workers(server.pid, port) == 1  # the second one is still "loading"
        flag.touch()
        assert wait_for(lambda: serving_workers(server.pid, port) == 2)
        assert serving_workers(server.pid, free_port()) == 0  # nobody listens there
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def test_rasa_is_ready_when_every_worker_serves(tmp_path, monkeypatch):
    serving = {"n": 1}
    monkeypatch.setattr(stack, "http_ok", lambda url: True)
    monkeypatch.setattr(stack, "serving_workers", lambda pid, port: serving["n"])
    service = rasa_service("Rasa server", {}, 1, tmp_path / "e.yml", tmp_path / "m", tmp_path / "r.log", 2)
    service.process = subprocess.Popen([sys.executable, "-c", "pass"])
    service.process.wait(timeout=30)
    assert not service.is_ready()
    serving["n"] = 2
    assert service.is_ready()
    one = rasa_service("Rasa server", {}, 1, tmp_path / "e.yml", tmp_path / "m", tmp_path / "r.log")
    assert one.is_ready()  # one worker: answering is enough, as before


def test_make_run_stops_on_a_bad_workers_setting(monkeypatch, capsys):
    monkeypatch.setattr(stack, "stop_on_signals", lambda: None)
    monkeypatch.setenv("CRS_RASA_WORKERS", "0")
    ports = [str(free_port()) for _ in range(3)]
    argv = ["run", "--rasa-port", ports[0], "--actions-port", ports[1], "--port", ports[2]]
    assert stack.run(argv) == 1
    assert "Could not start: CRS_RASA_WORKERS must be from 1 to 64" in capsys.readouterr().err


def test_make_run_says_how_many_workers_before_starting(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(stack, "stop_on_signals", lambda: None)
    monkeypatch.setattr(stack, "cores", lambda: 2)
    monkeypatch.setattr(Redis, "answers", lambda self, timeout=1.0: False)
    monkeypatch.delenv("CRS_RASA_WORKERS", raising=False)
    started = {}

    def fake_start_stack(options: StackOptions):
        started.update(vars(options))
        raise StackError("stopped here by the test")

    monkeypatch.setattr(stack, "start_stack", fake_start_stack)
    ports = [str(free_port()) for _ in range(3)]
    argv = ["run", "--rasa-port", ports[0], "--actions-port", ports[1], "--port", ports[2]]
    assert stack.run([*argv, "--log-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "Rasa: 1 worker, not 2" in out
    assert started["rasa_workers"] == 1 and started["endpoints_extra"] == ""

    monkeypatch.setattr(Redis, "answers", lambda self, timeout=1.0: True)
    assert stack.run([*argv, "--log-dir", str(tmp_path)]) == 1
    assert "Rasa: 2 workers" in capsys.readouterr().out
    assert started["rasa_workers"] == 2 and "AtomicRedisLockStore" in started["endpoints_extra"]
