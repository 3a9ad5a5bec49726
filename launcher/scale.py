"""Scale-out on one machine: N Rasa replicas and the action server behind nginx,
conversations in PostgreSQL (SQL tracker store), Redis as the lock store.

    python -m launcher.scale run --replicas 2        # `scripts/scale.sh`; Ctrl-C stops all

`run` creates the PostgreSQL database first if it is missing (`launcher.databases`).

Every process is a child on a loopback port; nginx runs in the foreground with a
config generated in a temp dir. Used by tests/scale. Standard library only.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from launcher.databases import DatabaseError, ensure_database
from launcher.service import Stoppable, run_until_stopped, setting
from launcher.stack import (
    MODEL,
    QUIET_ENV,
    ROOT,
    SERVING_ENV,
    Service,
    StackError,
    actions_service,
    endpoints_file,
    free_port,
    http_answers,
    http_ok,
    rasa_service,
)
from launcher.supervise import Supervisor, stop_on_signals

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/crs_scale"
# A replica killed while holding a conversation's lock blocks that conversation
# until the lock expires (Rasa's default: 60 s). Ten seconds is plenty for an FAQ turn.
LOCK_LIFETIME_SECONDS = "10"

NGINX_TEMPLATE = Path(__file__).with_name("nginx-scale.conf.template")


def nginx_config(directory: Path, port: int, upstream_ports: List[int]) -> Path:
    """NGINX_TEMPLATE filled in for `directory`, nginx on `port`, the replicas on `upstream_ports`."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in upstream_ports)
    values = {"dir": str(directory), "port": str(port), "servers": servers}
    text = NGINX_TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    leftover = re.search(r"@\w+@", text)
    if leftover:
        raise StackError(f"{NGINX_TEMPLATE.name}: unknown placeholder {leftover.group()}")
    path = directory / "nginx.conf"
    path.write_text(text, encoding="utf-8")
    return path


def lock_store_yaml(host: str, port: int, db: int, key_prefix: str) -> str:
    return (
        "# Added by launcher/scale.py: replicas share conversation locks in Redis.\n"
        "lock_store:\n  type: assistant.plugins.lock_store.AtomicRedisLockStore\n"
        f"  url: {host}\n  port: {port}\n  db: {db}\n  key_prefix: {key_prefix}\n"
    )


@dataclass
class ScaleStack:
    url: str  # nginx, the only address clients need
    rasa_urls: List[str]
    actions_url: str
    database_url: str
    key_prefix: str
    log_dir: Path
    services: Dict[str, Service] = field(default_factory=dict)
    timeout: float = 300.0

    def replica(self, index: int) -> Service:
        return self.services[f"rasa-{index}"]

    def kill_replica(self, index: int) -> None:
        """SIGKILL the replica's whole process group, as a crash would."""
        self.replica(index).stop(kill=True)

    def start_replica(self, index: int) -> None:
        self.replica(index).start(self.timeout)

    def stop(self) -> None:
        for service in reversed(list(self.services.values())):
            service.stop()

    def __enter__(self) -> ScaleStack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _start_all(services: List[Service], timeout: float) -> None:
    errors: List[BaseException] = []

    def start(service: Service) -> None:
        try:
            service.wait_ready(timeout)
        except BaseException as error:  # noqa: BLE001 - re-raised below
            errors.append(error)

    for service in services:  # launched here: a part dies with the thread that started it
        service.launch()
    threads = [threading.Thread(target=start, args=(s,)) for s in services]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def _scale_env(database_url: str, sanic_workers: int, extra_env: Optional[Dict[str, str]]) -> Dict[str, str]:
    return {
        **os.environ,
        **QUIET_ENV,
        "PYTHONPATH": str(ROOT),
        "CRS_DATABASE_URL": database_url,
        "TICKET_LOCK_LIFETIME": LOCK_LIFETIME_SECONDS,
        "SANIC_WORKERS": str(sanic_workers),
        **SERVING_ENV,
        **(extra_env or {}),
    }


def nginx_service(config: Path, env: Dict[str, str], log_dir: Path, port: int) -> Service:
    """nginx in the foreground with `config`, in front of the replicas on 127.0.0.1:port."""
    return Service(
        "nginx",
        [NGINX, "-c", str(config), "-p", str(log_dir)],
        env,
        log_dir / "nginx.log",
        lambda s: http_ok(f"http://127.0.0.1:{port}/webhooks/rest/"),
        # Once up, nginx itself is healthy while it answers at all: with every replica down it
        # answers 502, and restarting it would not bring a replica back.
        healthy=lambda s: http_answers(f"http://127.0.0.1:{port}/webhooks/rest/"),
    )


def start_scale(
    replicas: int = 2,
    database_url: str = DEFAULT_DATABASE_URL,
    redis_host: str = "127.0.0.1",
    redis_port: int = 6379,
    redis_db: int = 1,
    key_prefix: Optional[str] = None,
    port: Optional[int] = None,
    log_dir: Optional[Path] = None,
    model: Path = MODEL,
    sanic_workers: int = 1,
    extra_env: Optional[Dict[str, str]] = None,
    timeout: float = 300.0,
) -> ScaleStack:
    """Start actions, `replicas` Rasa servers and nginx; return when nginx answers."""
    if not model.exists():
        raise StackError(f"no trained model at {model}: run `make train`")
    if not Path(NGINX).exists():
        raise StackError("nginx is not installed: run scripts/setup_scale.sh")
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="crs-scale-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    key_prefix = key_prefix or f"crsscale{uuid.uuid4().hex[:8]}"  # Rasa: alphanumeric only
    port = port or free_port()
    actions_port = free_port()
    actions_url = f"http://127.0.0.1:{actions_port}"
    env = _scale_env(database_url, sanic_workers, extra_env)
    endpoints = endpoints_file(
        f"{actions_url}/webhook", log_dir, lock_store_yaml(redis_host, redis_port, redis_db, key_prefix)
    )
    services: Dict[str, Service] = {
        "actions": actions_service(env, actions_port, log_dir),
    }
    rasa_ports = [free_port() for _ in range(replicas)]
    for index, rasa_port in enumerate(rasa_ports):
        services[f"rasa-{index}"] = rasa_service(
            f"Rasa replica {index}", env, rasa_port, endpoints, model, log_dir / f"rasa-{index}.log"
        )
    config = nginx_config(log_dir, port, rasa_ports)
    services["nginx"] = nginx_service(config, env, log_dir, port)
    url, rasa_urls = f"http://127.0.0.1:{port}", [f"http://127.0.0.1:{p}" for p in rasa_ports]
    stack = ScaleStack(url, rasa_urls, actions_url, database_url, key_prefix, log_dir, services, timeout)
    try:
        _start_all([services["actions"]] + [services[f"rasa-{i}"] for i in range(replicas)], timeout)
        services["nginx"].start(timeout)
    except BaseException:
        stack.stop()
        raise
    return stack


def run(argv: Optional[List[str]] = None) -> int:
    """`scripts/scale.sh`: start the scaled stack and wait for Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m launcher.scale")
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=setting("CRS_SCALE_PORT"))
    parser.add_argument("--database-url", default=os.environ.get("CRS_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--redis-host", default=setting("CRS_REDIS_HOST"))
    parser.add_argument("--redis-port", type=int, default=setting("CRS_REDIS_PORT"))
    parser.add_argument("--redis-db", type=int, default=setting("CRS_REDIS_DB"))
    args = parser.parse_args(argv)
    stop_on_signals()  # before the first part starts: a signal during start-up stops them too
    print(f"Starting the action server, {args.replicas} Rasa replicas and nginx...", flush=True)
    return run_until_stopped(lambda started: _serve(args, started), (StackError, DatabaseError))


def _serve(args: argparse.Namespace, started: List[Stoppable]) -> None:
    log_dir = ROOT / "var" / "scale"
    if ensure_database(args.database_url):
        print("Created the database (it was missing).", flush=True)
    redis = (args.redis_host, args.redis_port, args.redis_db)
    stack = start_scale(args.replicas, args.database_url, *redis, port=args.port, log_dir=log_dir)
    started.append(stack)
    print(f"\n  Load balancer (REST):  {stack.url}/webhooks/rest/webhook")
    print(f"  Health:                {stack.url}/webhooks/rest/health")
    print(f"  Replicas:              {', '.join(stack.rasa_urls)}")
    print(f"  Logs:                  {log_dir}\n\nPress Ctrl-C to stop.", flush=True)
    Supervisor(stack.services, stack.timeout, log=lambda line: print(line, flush=True)).run()


if __name__ == "__main__":
    raise SystemExit(run())
