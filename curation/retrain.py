"""After a merge: retrain (`scripts/train.sh`) and evaluate (`python -m evaluation`)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Callable, List, Sequence, Tuple

# A runner executes one command in a directory and returns its exit status.
Runner = Callable[[Sequence[str], Path], int]


def run_command(command: Sequence[str], cwd: Path) -> int:
    return subprocess.run(list(command), cwd=cwd, check=False).returncode


def steps(root: Path) -> List[Tuple[str, List[str]]]:
    return [
        ("train", [str(root / "scripts" / "train.sh")]),
        ("evaluate", [str(root / ".venv" / "bin" / "python"), "-m", "evaluation"]),
    ]


def retrain_and_evaluate(root: Path, run: Runner, say: Callable[[str], None]) -> int:
    """Each step in turn; the first failure stops and its exit status is returned."""
    for name, command in steps(root):
        say(f"==> {name}: {' '.join(command)}")
        status = run(command, root)
        if status != 0:
            say(f"{name} failed (exit status {status}); the merged examples stay in data/nlu/")
            return status
    say(
        f"results: {root / 'results' / 'evaluation.json'} (per set and label, the misses printed above); "
        f"model: {root / 'models' / 'crs.tar.gz'}"
    )
    return 0
