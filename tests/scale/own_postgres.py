"""A private PostgreSQL server in a temp dir on a free port, which a test may stop and start.

Never the machine's shared server. Runs as the `postgres` user (initdb refuses root).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import List, Optional

from launcher.stack import free_port


def _bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))), None)
    if not found:
        raise RuntimeError(f"{name} not found: install PostgreSQL (scripts/setup_scale.sh)")
    return found


class OwnPostgres:
    def __init__(self, directory: Optional[Path] = None) -> None:
        # Not under pytest's tmp dir: its parents are private to root.
        self.directory = directory or Path(tempfile.mkdtemp(prefix="crs-own-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}"

    def _as_postgres(self, command: List[str]) -> None:
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{command} failed: {done.stdout}{done.stderr}")

    def init(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        initdb = [_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"]
        self._as_postgres(initdb)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = self.directory / "postgres.log"
        self._as_postgres(
            [_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(log), "-w", "start"],
        )

    def stop(self) -> None:
        self._as_postgres([_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()
