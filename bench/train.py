"""Train a model into a directory of the benchmark, timed, with Rasa's cache off."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Tuple

from launcher.stack import QUIET_ENV, RASA_BIN, ROOT


def train(config: Path, out_dir: Path, name: str, log_path: Path) -> Tuple[Path, float]:
    """`rasa train` from scratch (empty cache); the model's path and the wall-clock seconds."""
    cache = out_dir / f"cache-{name}"
    env = {
        **os.environ,
        **QUIET_ENV,
        "PYTHONPATH": str(ROOT),
        "RASA_CACHE_DIRECTORY": str(cache),
        "RASA_MAX_CACHE_SIZE": "0",
    }
    command = [
        str(RASA_BIN / "rasa"), "train",
        "--config", str(config),
        "--domain", str(ROOT / "domain"),
        "--data", str(ROOT / "data"),
        "--out", str(out_dir),
        "--fixed-model-name", name,
    ]  # fmt: skip
    start = time.monotonic()
    with open(log_path, "wb") as log:
        subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=True)
    return out_dir / f"{name}.tar.gz", time.monotonic() - start
