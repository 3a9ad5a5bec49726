"""Start the action server, the Rasa server and the web gateway as child processes.

Used by `make run` (`python -m launcher.stack run`) and by tests that need the
real stack. Standard library only, so it works from either virtualenv.

    with start_stack(StackOptions(database_url="sqlite:////tmp/t.db")) as stack:
        post(stack.rasa_url + "/webhooks/rest/webhook", ...)

`make run` serves Rasa with one Sanic worker per core (`CRS_RASA_WORKERS` sets
another number; `plan_workers`). Rasa runs several workers only with a lock store
they share, so it needs Redis (`CRS_REDIS_HOST`, `CRS_REDIS_PORT`, `CRS_REDIS_DB`, as
`make scale`): the generated endpoints file (in the log folder, var/logs; the
project's endpoints.yml is never changed) then names the atomic Redis lock store.
Without Redis a newcomer's laptop still runs, with one worker and a line saying why.
Tests and the benchmark get one worker unless they ask (`StackOptions.rasa_workers`).

Once a part is ready, the supervisor (`launcher.supervise`) keeps asking its health check
(`Service.is_healthy`) and restarts a part that stops answering for a while. A Rasa server
with several workers is also restarted when one of its worker processes exits
(`launcher.workers.WorkerWatch`): Sanic does not replace it. A busy server never is.
"""

from __future__ import annotations

import argparse
import os
import socket
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

from assistant.settings import Settings
from launcher.plan import RUN_LOCK_PREFIX as RUN_LOCK_PREFIX
from launcher.plan import Redis as Redis
from launcher.plan import WorkerPlan as WorkerPlan
from launcher.plan import cores as cores
from launcher.plan import plan_workers as plan_workers
from launcher.service import HEALTH_TIMEOUT as HEALTH_TIMEOUT
from launcher.service import ROOT as ROOT
from launcher.service import Service as Service
from launcher.service import StackError as StackError
from launcher.service import Stoppable, run_until_stopped, setting
from launcher.service import free_port as free_port
from launcher.service import http_answers as http_answers
from launcher.service import http_ok as http_ok
from launcher.supervise import HealthPolicy, Supervisor, port_holder, stop_on_signals
from launcher.workers import WorkerWatch, serving_workers
from launcher.workers import child_processes as child_processes  # tests and bench/ import it from here

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


def endpoints_file(actions_url: str, directory: Path, extra: str = "") -> Path:
    """The project's endpoints.yml written to `directory`, pointing at `actions_url`, `extra` appended."""
    text = (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    path = directory / "endpoints.yml"
    path.write_text(text.replace(DEFAULT_ACTIONS_URL, actions_url) + "\n" + extra, encoding="utf-8")
    return path


@dataclass(frozen=True)
class StackOptions:
    """How `start_stack` starts the stack: `make run`, the tests and the benchmark each set a few.

    `database_url`: CRS_DATABASE_URL of the servers. Ports left None are free loopback ports;
    `log_dir` None is a new temp folder. `defer_rasa`: prepare the Rasa service without
    starting it (the benchmark times its cold start). `endpoints_extra`: YAML appended to the
    generated endpoints.yml (e.g. a `lock_store:` section). `serving_env`: the serving settings
    (SERVING_ENV; the benchmark passes {} to serve Rasa's defaults). `rasa_workers`: Sanic
    workers of the Rasa server (SANIC_WORKERS); more than one needs a shared `lock_store:` in
    `endpoints_extra` (`Redis.lock_store_yaml`), and Rasa is ready when all have loaded.
    """

    database_url: Optional[str] = None
    gateway: bool = True
    extra_env: Optional[Mapping[str, str]] = None
    rasa_port: Optional[int] = None
    actions_port: Optional[int] = None
    gateway_port: Optional[int] = None
    gateway_host: str = "127.0.0.1"
    log_dir: Optional[Path] = None
    model: Path = MODEL
    timeout: float = 240.0
    defer_rasa: bool = False
    endpoints_extra: str = ""
    serving_env: Mapping[str, str] = field(default_factory=lambda: SERVING_ENV)
    rasa_workers: int = 1


def _stack_env(options: StackOptions) -> Dict[str, str]:
    env = {
        **os.environ,
        **QUIET_ENV,
        **options.serving_env,
        "PYTHONPATH": str(ROOT),
        **(options.extra_env or {}),
    }
    if options.database_url:
        env["CRS_DATABASE_URL"] = options.database_url
    return env


def gateway_service(env: Dict[str, str], host: str, port: int, rasa_url: str, log_dir: Path) -> Service:
    """The web gateway on host:port, in front of the Rasa server at `rasa_url`."""
    url = gateway_url(host, port)
    return Service(
        "web gateway",
        # uvicorn with its proxy headers off (web/serve.py)
        [str(WEB_BIN / "python"), "-m", "web.serve", "--host", host, "--port", str(port)],
        {**env, "CRS_RASA_URL": rasa_url},
        log_dir / "gateway.log",
        lambda s: http_ok(f"{url}/"),
        healthy=lambda s: http_ok(f"{url}/", timeout=HEALTH_TIMEOUT),
    )


def gateway_url(host: str, port: int) -> str:
    """Where a client on this machine reaches a gateway bound to `host` (a wildcard: loopback)."""
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"


def start_stack(options: Optional[StackOptions] = None, **changes: Any) -> Stack:
    """Start the stack on free loopback ports (or the given ones) and wait until it answers.

    `options` (StackOptions; its defaults when None), with `changes` to its fields on top.
    """
    options = replace(options or StackOptions(), **changes)
    if not options.model.exists():
        raise StackError(f"no trained model at {options.model}: run `make train`")
    workers = options.rasa_workers
    if workers > 1 and "lock_store:" not in options.endpoints_extra:
        raise StackError(f"{workers} Rasa workers need a shared lock store: pass a lock_store: section")
    rasa_port = options.rasa_port or free_port()
    actions_port = options.actions_port or free_port()
    log_dir = options.log_dir or Path(tempfile.mkdtemp(prefix="crs-stack-"))
    env = _stack_env(options)
    rasa_env = {**env, "SANIC_WORKERS": str(workers)} if workers > 1 else env
    actions_url = f"http://127.0.0.1:{actions_port}"
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    log_dir.mkdir(parents=True, exist_ok=True)
    endpoints = endpoints_file(f"{actions_url}/webhook", log_dir, options.endpoints_extra)
    services = {
        "actions": actions_service(env, actions_port, log_dir),
        "rasa": rasa_service(
            "Rasa server", rasa_env, rasa_port, endpoints, options.model, log_dir / "rasa.log", workers
        ),
    }
    url = None
    if options.gateway:
        gateway_port = options.gateway_port or free_port()
        url = gateway_url(options.gateway_host, gateway_port)
        services["gateway"] = gateway_service(env, options.gateway_host, gateway_port, rasa_url, log_dir)
    stack = Stack(rasa_url, actions_url, url, services, options.timeout, workers)
    try:
        for name, service in services.items():
            if not (options.defer_rasa and name == "rasa"):
                service.start(options.timeout)
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m launcher.stack")
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--host", default=setting("CRS_GATEWAY_HOST"))
    parser.add_argument("--port", type=int, default=setting("CRS_GATEWAY_PORT"))
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
    return parser


def _serve(args: argparse.Namespace, started: List[Stoppable]) -> None:
    health = HealthPolicy(args.health_interval, args.health_failures, args.unhealthy_after)
    ports = {"Rasa": args.rasa_port, "action server": args.actions_port}
    if not args.no_gateway:
        ports["web gateway"] = args.port
    check_ports_free(ports)
    plan = plan_workers(
        Settings.from_env().rasa_workers, cores(), Redis.from_env(os.environ), lambda r: r.answers()
    )
    print(plan.note, flush=True)
    print("Starting the action server, Rasa and the web gateway (about a minute)...", flush=True)
    stack = start_stack(
        StackOptions(
            gateway=not args.no_gateway,
            rasa_port=args.rasa_port,
            actions_port=args.actions_port,
            gateway_port=args.port,
            gateway_host=args.host,
            log_dir=args.log_dir,
            rasa_workers=plan.workers,
            endpoints_extra=plan.lock_store,
        )
    )
    started.append(stack)
    print(f"\n  Parents' chat:   {stack.gateway_url or '(gateway off)'}/")
    if stack.gateway_url:
        print(f"  Staff console:   {stack.gateway_url}/console/")
    print(f"  Rasa REST:       {stack.rasa_url}/webhooks/rest/webhook (loopback only)")
    print(f"  Rasa workers:    {stack.rasa_workers}")
    print(f"  Health checks:   {health.describe()}")
    print(f"  Logs:            {args.log_dir}\n\nPress Ctrl-C to stop.", flush=True)
    Supervisor(stack.services, stack.timeout, log=_say, health=health).run()


def run(argv: Optional[List[str]] = None) -> int:
    """`make run`: start everything, restart a part that dies, stop all on Ctrl-C or SIGTERM."""
    stop_on_signals()  # first: a signal during start-up still stops what has started
    args = _parser().parse_args(argv)
    # ValueError: a setting out of its bounds
    return run_until_stopped(lambda started: _serve(args, started), (StackError, ValueError), "Stopping.")


if __name__ == "__main__":
    raise SystemExit(run())
