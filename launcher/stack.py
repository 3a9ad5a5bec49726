"""Start the action server, the Rasa server and the web gateway as child processes.

Used by `make run` (`python -m launcher.stack run`) and by tests that need the
real stack. Standard library only, so it works from either virtualenv.

    with start_stack(database_url="sqlite:////tmp/t.db") as stack:
        post(stack.rasa_url + "/webhooks/rest/webhook", ...)

`make run` serves Rasa with one Sanic worker per core (`CRS_RASA_WORKERS` sets
another number; `plan_workers`). Rasa runs several workers only with a lock store
they share, so it needs Redis (`CRS_REDIS_HOST`, `CRS_REDIS_PORT`, `CRS_REDIS_DB`, as
`make scale`): the generated endpoints file (in the log folder, var/logs; the
project's endpoints.yml is never changed) then names the atomic Redis lock store.
Without Redis a newcomer's laptop still runs, with one worker and a line saying why.
Tests and the benchmark get one worker unless they ask (`start_stack(rasa_workers=)`).

Once a part is ready, the supervisor (`launcher.supervise`) keeps asking its health check
(`Service.is_healthy`) and restarts a part that stops answering for a while. A Rasa server
with several workers is also restarted when one of its worker processes exits
(`launcher.workers.WorkerWatch`): Sanic does not replace it. A busy server never is.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional

from assistant.settings import Settings
from launcher.supervise import HealthPolicy, Supervisor, die_with_parent, port_holder, stop_on_signals
from launcher.workers import WorkerWatch, serving_workers
from launcher.workers import child_processes as child_processes  # tests and bench/ import it from here

ROOT = Path(__file__).resolve().parent.parent
RASA_BIN = ROOT / ".venv" / "bin"
WEB_BIN = ROOT / ".venv-web" / "bin"
MODEL = ROOT / "models" / "crs.tar.gz"
DEFAULT_ACTIONS_URL = "http://127.0.0.1:5055/webhook"
QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "RASA_TELEMETRY_ENABLED": "false",
    "PYTHONWARNINGS": "ignore",
    "PYTHONUNBUFFERED": "1",
}
# Conversation locks of `make run`'s workers in Redis (Rasa accepts alphanumeric prefixes only).
RUN_LOCK_PREFIX = "crsrun"
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


@dataclass
class Stack:
    rasa_url: str
    actions_url: str
    gateway_url: Optional[str]
    services: Dict[str, Service] = field(default_factory=dict)
    timeout: float = 240.0
    rasa_workers: int = 1

    def stop(self) -> None:
        for service in reversed(list(self.services.values())):
            service.stop()

    def stop_rasa(self, kill: bool = False) -> None:
        self.services["rasa"].stop(kill=kill)

    def start_rasa(self) -> None:
        self.services["rasa"].start(self.timeout)

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


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


# Serving settings measured by bench/: one TensorFlow thread, two malloc arenas, and one
# OpenBLAS/OpenMP thread: the classifiers' small products gain nothing from a pool, whose
# threads spun for 24 ms of CPU a turn beside the 24 ms of the turn itself (bench.profile,
# 10 conversations: all threads 48.5 -> 22.8 ms a turn, 39 -> 43 turns a second).
SERVING_ENV = {
    "TF_INTRA_OP_PARALLELISM_THREADS": "1",
    "TF_INTER_OP_PARALLELISM_THREADS": "1",
    "MALLOC_ARENA_MAX": "2",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
}


def actions_service(env: Dict[str, str], port: int, log_dir: Path) -> Service:
    """The action server on 127.0.0.1:port."""
    return Service(
        "action server",
        [str(RASA_BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)],
        {**env, "SANIC_HOST": "127.0.0.1"},
        log_dir / "actions.log",
        lambda s: http_ok(f"http://127.0.0.1:{port}/health"),
        healthy=lambda s: http_ok(f"http://127.0.0.1:{port}/health", timeout=HEALTH_TIMEOUT),
    )


def rasa_service(
    name: str, env: Dict[str, str], port: int, endpoints: Path, model: Path, log_path: Path, workers: int = 1
) -> Service:
    """A Rasa server on 127.0.0.1:port with the REST channel and no HTTP API.

    Ready when it answers and, with several Sanic workers (SANIC_WORKERS in `env`),
    when every worker accepts connections, i.e. has loaded the model (`serving_workers`).
    Once ready: healthy while it answers within HEALTH_TIMEOUT, broken when one of its
    worker processes exited (`WorkerWatch`), never because it is busy.
    """
    command = [
        str(RASA_BIN / "rasa"), "run", "--model", str(model), "--endpoints", str(endpoints),
        "--credentials", str(ROOT / "credentials.yml"), "--interface", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip

    def ready(service: Service) -> bool:
        # Rasa loads the model before it starts listening, so an answer means ready.
        if not http_ok(f"http://127.0.0.1:{port}/"):
            return False
        process = service.process
        return workers <= 1 or (process is not None and serving_workers(process.pid, port) >= workers)

    watch = WorkerWatch(workers)

    def broken(service: Service) -> Optional[str]:
        # Sanic's parent does not replace a worker that died: restart the whole server.
        process = service.process
        return None if workers <= 1 or process is None else watch.lost(process.pid)

    def healthy(service: Service) -> bool:
        return http_ok(f"http://127.0.0.1:{port}/", timeout=HEALTH_TIMEOUT)

    return Service(name, command, env, log_path, ready, broken=broken, healthy=healthy)


def cores() -> int:
    """The cores this process may run on (its CPU affinity; `os.cpu_count()` where there is none)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Redis:
    """Where the shared lock store lives: CRS_REDIS_HOST, CRS_REDIS_PORT, CRS_REDIS_DB (as `make scale`)."""

    host: str = "127.0.0.1"
    port: int = 6379
    db: int = 1

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Redis:
        port, db = env.get("CRS_REDIS_PORT", "6379"), env.get("CRS_REDIS_DB", "1")
        for name, raw in (("CRS_REDIS_PORT", port), ("CRS_REDIS_DB", db)):
            if not raw.strip().isdigit():
                raise StackError(f"{name} must be a whole number, not {raw!r}")
        return cls(env.get("CRS_REDIS_HOST", "").strip() or "127.0.0.1", int(port), int(db))

    def answers(self, timeout: float = 1.0) -> bool:
        """True when a Redis server answers PING here without asking for a password."""
        try:
            with socket.create_connection((self.host, self.port), timeout=timeout) as sock:
                sock.settimeout(timeout)
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def lock_store_yaml(self, key_prefix: str = RUN_LOCK_PREFIX) -> str:
        """The endpoints.yml section of the atomic Redis lock store here."""
        if not re.fullmatch(r"[A-Za-z0-9]+", key_prefix):
            raise StackError(f"a Redis key prefix is letters and digits (Rasa's rule), not {key_prefix!r}")
        return (
            "# Added by launcher/stack.py: the Rasa workers share conversation locks in Redis.\n"
            "lock_store:\n  type: assistant.plugins.lock_store.AtomicRedisLockStore\n"
            f"  url: {self.host}\n  port: {self.port}\n  db: {self.db}\n  key_prefix: {key_prefix}\n"
        )


@dataclass(frozen=True)
class WorkerPlan:
    """How many Sanic workers the Rasa server gets, the lock store that allows it, and why."""

    workers: int
    lock_store: str  # endpoints.yml section; "" keeps Rasa's in-memory lock store (one worker)
    note: str  # the line `make run` prints


def plan_workers(
    setting: Optional[int], cores: int, redis: Redis, redis_answers: Callable[[Redis], bool]
) -> WorkerPlan:
    """One worker per core, or `setting` (CRS_RASA_WORKERS); several only with Redis for the locks.

    Without Redis an explicit CRS_RASA_WORKERS above 1 is an error (StackError), while
    the default falls back to one worker and says so: a laptop without Redis still runs.
    """
    wanted = setting if setting is not None else cores
    why = "CRS_RASA_WORKERS" if setting is not None else f"one per core, {cores} core{'s' * (cores != 1)}"
    if wanted <= 1:
        return WorkerPlan(1, "", f"Rasa: 1 worker ({why}).")
    where = f"Redis at {redis.host}:{redis.port} (CRS_REDIS_HOST, CRS_REDIS_PORT)"
    if redis_answers(redis):
        return WorkerPlan(
            wanted,
            redis.lock_store_yaml(),
            f"Rasa: {wanted} workers ({why}), sharing conversation locks in {where}, db {redis.db}.",
        )
    if setting is not None:
        raise StackError(
            f"CRS_RASA_WORKERS={setting} needs a lock store the workers share, and no {where} answers: "
            "start Redis, or set CRS_RASA_WORKERS=1"
        )
    return WorkerPlan(
        1,
        "",
        f"Rasa: 1 worker, not {wanted} ({why}): several workers need a lock store they share, and no "
        f"{where} answers. Start Redis to use every core, or set CRS_RASA_WORKERS=1 to silence this.",
    )


def endpoints_file(actions_url: str, directory: Path, extra: str = "") -> Path:
    """The project's endpoints.yml written to `directory`, pointing at `actions_url`, `extra` appended."""
    text = (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    path = directory / "endpoints.yml"
    path.write_text(text.replace(DEFAULT_ACTIONS_URL, actions_url) + "\n" + extra, encoding="utf-8")
    return path


def start_stack(
    database_url: Optional[str] = None,
    gateway: bool = True,
    extra_env: Optional[Mapping[str, str]] = None,
    rasa_port: Optional[int] = None,
    actions_port: Optional[int] = None,
    gateway_port: Optional[int] = None,
    gateway_host: str = "127.0.0.1",
    log_dir: Optional[Path] = None,
    model: Path = MODEL,
    timeout: float = 240.0,
    defer_rasa: bool = False,
    endpoints_extra: str = "",
    serving_env: Mapping[str, str] = SERVING_ENV,
    rasa_workers: int = 1,
) -> Stack:
    """Start the stack on free loopback ports (or the given ones) and wait until it answers.

    `defer_rasa`: prepare the Rasa service without starting it (the benchmark times
    its cold start). `endpoints_extra`: YAML appended to the generated endpoints.yml
    (e.g. a `lock_store:` section). `serving_env`: the serving settings (SERVING_ENV;
    the benchmark passes {} to serve Rasa's defaults). `rasa_workers`: Sanic workers of
    the Rasa server (SANIC_WORKERS); more than one needs a shared `lock_store:` in
    `endpoints_extra` (`Redis.lock_store_yaml`), and Rasa is ready when all have loaded.
    """
    if not model.exists():
        raise StackError(f"no trained model at {model}: run `make train`")
    if rasa_workers > 1 and "lock_store:" not in endpoints_extra:
        raise StackError(f"{rasa_workers} Rasa workers need a shared lock store: pass a lock_store: section")
    rasa_port = rasa_port or free_port()
    actions_port = actions_port or free_port()
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="crs-stack-"))
    env = {**os.environ, **QUIET_ENV, **serving_env, "PYTHONPATH": str(ROOT), **(extra_env or {})}
    if database_url:
        env["CRS_DATABASE_URL"] = database_url
    rasa_env = {**env, "SANIC_WORKERS": str(rasa_workers)} if rasa_workers > 1 else env
    actions_url = f"http://127.0.0.1:{actions_port}"
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    log_dir.mkdir(parents=True, exist_ok=True)
    endpoints = endpoints_file(f"{actions_url}/webhook", log_dir, endpoints_extra)

    services = {
        "actions": actions_service(env, actions_port, log_dir),
        "rasa": rasa_service(
            "Rasa server", rasa_env, rasa_port, endpoints, model, log_dir / "rasa.log", rasa_workers
        ),
    }
    gateway_url = None
    if gateway:
        gateway_port = gateway_port or free_port()
        gateway_url = (
            f"http://{'127.0.0.1' if gateway_host in ('0.0.0.0', '::') else gateway_host}:{gateway_port}"
        )
        services["gateway"] = Service(
            "web gateway",
            [
                str(WEB_BIN / "python"),
                "-m",
                "web.serve",  # uvicorn with its proxy headers off (web/serve.py)
                "--host",
                gateway_host,
                "--port",
                str(gateway_port),
            ],
            {**env, "CRS_RASA_URL": rasa_url},
            log_dir / "gateway.log",
            lambda s: http_ok(f"{gateway_url}/"),
            healthy=lambda s: http_ok(f"{gateway_url}/", timeout=HEALTH_TIMEOUT),
        )

    stack = Stack(rasa_url, actions_url, gateway_url, services, timeout, rasa_workers)
    try:
        for name, service in services.items():
            if not (defer_rasa and name == "rasa"):
                service.start(timeout)
    except BaseException:
        stack.stop()
        raise
    return stack


def check_ports_free(ports: Mapping[str, int]) -> None:
    """StackError naming the process that listens on a port the stack needs.

    The probe binds with SO_REUSEADDR, as Rasa, Sanic and uvicorn do: the TIME_WAIT
    connections a busy last run left on the port do not count, only a real listener.
    """
    for name, port in ports.items():
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                holder = port_holder(port) or "another process"
                raise StackError(f"port {port} ({name}) is taken by {holder}; stop it first") from None


def _say(line: str) -> None:
    print(line, flush=True)


def run(argv: Optional[List[str]] = None) -> int:
    """`make run`: start everything, restart a part that dies, stop all on Ctrl-C or SIGTERM."""
    stop_on_signals()  # first: a signal during start-up still stops what has started
    parser = argparse.ArgumentParser(prog="python -m launcher.stack")
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--host", default=os.environ.get("CRS_GATEWAY_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("CRS_GATEWAY_PORT", "8000")))
    parser.add_argument("--rasa-port", type=int, default=5005)
    parser.add_argument("--actions-port", type=int, default=5055)
    parser.add_argument("--log-dir", type=Path, default=ROOT / "var" / "logs")
    parser.add_argument("--no-gateway", action="store_true")
    policy = HealthPolicy()
    parser.add_argument("--health-interval", type=float, default=policy.interval, metavar="SECONDS",
                        help="seconds between health checks of a ready part")  # fmt: skip
    parser.add_argument("--health-failures", type=int, default=policy.failures, metavar="N",
                        help="failed checks in a row before a part is restarted")  # fmt: skip
    parser.add_argument("--unhealthy-after", type=float, default=policy.after, metavar="SECONDS",
                        help="... and for at least this long without a good answer")  # fmt: skip
    args = parser.parse_args(argv)
    ports = {"Rasa": args.rasa_port, "action server": args.actions_port}
    if not args.no_gateway:
        ports["web gateway"] = args.port
    stack: Optional[Stack] = None
    try:
        health = HealthPolicy(args.health_interval, args.health_failures, args.unhealthy_after)
        check_ports_free(ports)
        plan = plan_workers(
            Settings.from_env().rasa_workers, cores(), Redis.from_env(os.environ), lambda r: r.answers()
        )
        print(plan.note, flush=True)
        print("Starting the action server, Rasa and the web gateway (about a minute)...", flush=True)
        stack = start_stack(
            gateway=not args.no_gateway,
            rasa_port=args.rasa_port,
            actions_port=args.actions_port,
            gateway_port=args.port,
            gateway_host=args.host,
            log_dir=args.log_dir,
            rasa_workers=plan.workers,
            endpoints_extra=plan.lock_store,
        )
        print(f"\n  Parents' chat:   {stack.gateway_url or '(gateway off)'}/")
        if stack.gateway_url:
            print(f"  Staff console:   {stack.gateway_url}/console/")
        print(f"  Rasa REST:       {stack.rasa_url}/webhooks/rest/webhook (loopback only)")
        print(f"  Rasa workers:    {stack.rasa_workers}")
        print(f"  Health checks:   {health.describe()}")
        print(f"  Logs:            {args.log_dir}\n\nPress Ctrl-C to stop.", flush=True)
        Supervisor(stack.services, stack.timeout, log=_say, health=health).run()
        return 0
    except (StackError, ValueError) as error:  # ValueError: a setting out of its bounds
        print(f"Could not start: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopping.", flush=True)
        return 0
    finally:
        if stack is not None:
            stack.stop()


if __name__ == "__main__":
    raise SystemExit(run())
