"""Start the action server, the Rasa server and the web gateway as child processes.

Used by `make run` (`python -m launcher.stack run`) and by tests that need the
real stack. Standard library only, so it works from either virtualenv.

    with start_stack(database_url="sqlite:////tmp/t.db") as stack:
        post(stack.rasa_url + "/webhooks/rest/webhook", ...)
"""

from __future__ import annotations

import argparse
import os
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

from launcher.supervise import Supervisor, die_with_parent, port_holder, stop_on_signals

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
    process: Optional[subprocess.Popen[bytes]] = None

    def launch(self) -> None:
        """Start the process and return at once; it dies with the launcher (Linux).

        Call it from the thread that lives as long as the part: on Linux the part gets
        SIGTERM when the thread that started it ends.
        """
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
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
        """The exit code once the process has stopped; None while it runs."""
        return None if self.process is None else self.process.poll()

    def is_ready(self) -> bool:
        return self.ready(self)

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
            if self.ready(self):
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


def http_ok(url: str) -> bool:
    """True when `url` answers with a status below 500 within two seconds."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 200 <= response.status < 500
    except (urllib.error.URLError, OSError):
        return False


# Serving settings measured by bench/: one TensorFlow thread, two malloc arenas.
SERVING_ENV = {
    "TF_INTRA_OP_PARALLELISM_THREADS": "1",
    "TF_INTER_OP_PARALLELISM_THREADS": "1",
    "MALLOC_ARENA_MAX": "2",
}


def actions_service(env: Dict[str, str], port: int, log_dir: Path) -> Service:
    """The action server on 127.0.0.1:port."""
    return Service(
        "action server",
        [str(RASA_BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)],
        {**env, "SANIC_HOST": "127.0.0.1"},
        log_dir / "actions.log",
        lambda s: http_ok(f"http://127.0.0.1:{port}/health"),
    )


def rasa_service(
    name: str, env: Dict[str, str], port: int, endpoints: Path, model: Path, log_path: Path
) -> Service:
    """A Rasa server on 127.0.0.1:port with the REST channel and no HTTP API."""
    command = [
        str(RASA_BIN / "rasa"), "run", "--model", str(model), "--endpoints", str(endpoints),
        "--credentials", str(ROOT / "credentials.yml"), "--interface", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    # Rasa loads the model before it starts listening, so an answer means ready.
    return Service(name, command, env, log_path, lambda s: http_ok(f"http://127.0.0.1:{port}/"))


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
) -> Stack:
    """Start the stack on free loopback ports (or the given ones) and wait until it answers.

    `defer_rasa`: prepare the Rasa service without starting it (the benchmark times
    its cold start). `endpoints_extra`: YAML appended to the generated endpoints.yml
    (e.g. a `lock_store:` section). `serving_env`: the serving settings (SERVING_ENV;
    the benchmark passes {} to serve Rasa's defaults).
    """
    if not model.exists():
        raise StackError(f"no trained model at {model}: run `make train`")
    rasa_port = rasa_port or free_port()
    actions_port = actions_port or free_port()
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="crs-stack-"))
    env = {**os.environ, **QUIET_ENV, **serving_env, "PYTHONPATH": str(ROOT), **(extra_env or {})}
    if database_url:
        env["CRS_DATABASE_URL"] = database_url
    actions_url = f"http://127.0.0.1:{actions_port}"
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    log_dir.mkdir(parents=True, exist_ok=True)
    endpoints = endpoints_file(f"{actions_url}/webhook", log_dir, endpoints_extra)

    services = {
        "actions": actions_service(env, actions_port, log_dir),
        "rasa": rasa_service("Rasa server", env, rasa_port, endpoints, model, log_dir / "rasa.log"),
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
                str(WEB_BIN / "uvicorn"),
                "web.app:create_app",
                "--factory",
                "--host",
                gateway_host,
                "--port",
                str(gateway_port),
            ],
            {**env, "CRS_RASA_URL": rasa_url},
            log_dir / "gateway.log",
            lambda s: http_ok(f"{gateway_url}/"),
        )

    stack = Stack(rasa_url, actions_url, gateway_url, services, timeout)
    try:
        for name, service in services.items():
            if not (defer_rasa and name == "rasa"):
                service.start(timeout)
    except BaseException:
        stack.stop()
        raise
    return stack


def check_ports_free(ports: Mapping[str, int]) -> None:
    """StackError naming the process that holds a port the stack needs."""
    for name, port in ports.items():
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                holder = port_holder(port) or "another process"
                raise StackError(f"port {port} ({name}) is taken by {holder}; stop it first") from None


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
    args = parser.parse_args(argv)
    ports = {"Rasa": args.rasa_port, "action server": args.actions_port}
    if not args.no_gateway:
        ports["web gateway"] = args.port
    stack: Optional[Stack] = None
    try:
        check_ports_free(ports)
        print("Starting the action server, Rasa and the web gateway (about a minute)...", flush=True)
        stack = start_stack(
            gateway=not args.no_gateway,
            rasa_port=args.rasa_port,
            actions_port=args.actions_port,
            gateway_port=args.port,
            gateway_host=args.host,
            log_dir=args.log_dir,
        )
        print(f"\n  Parents' chat:   {stack.gateway_url or '(gateway off)'}/")
        if stack.gateway_url:
            print(f"  Staff console:   {stack.gateway_url}/console/")
        print(f"  Rasa REST:       {stack.rasa_url}/webhooks/rest/webhook (loopback only)")
        print(f"  Logs:            {args.log_dir}\n\nPress Ctrl-C to stop.", flush=True)
        Supervisor(stack.services, stack.timeout, log=lambda line: print(line, flush=True)).run()
        return 0
    except StackError as error:
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
