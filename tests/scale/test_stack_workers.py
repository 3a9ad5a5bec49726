"""`make run`'s stack with two Sanic workers (launcher/stack.py): both load the model and answer.

Needs the trained model and Redis (the shared lock store), as the rest of tests/scale.
The decision how many workers to start is tests/launcher/test_rasa_workers.py.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List

import pytest

from launcher.stack import MODEL, Redis, StackOptions, child_processes, serving_workers, start_stack
from tests.scale.conftest import REDIS_DB, REDIS_HOST, REDIS_PORT
from tests.scale.support import delete_redis_keys, post

MESSAGES = ["hello", "my child has a fever", "can we go swimming", "thank you", "what can you do", "bye"]


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def check_workers_answer(model: Path, log_dir: Path, workers: int = 2) -> Dict[int, int]:
    """Start the stack with `workers` Rasa workers, send turns from several users at once;
    the CPU ticks each worker spent on them (every worker must have answered some)."""
    prefix = f"crstest{uuid.uuid4().hex[:8]}"
    redis = Redis(REDIS_HOST, REDIS_PORT, REDIS_DB)
    try:
        with start_stack(
            StackOptions(
                database_url=f"sqlite:///{log_dir / 'rasa.db'}",
                gateway=False,
                log_dir=log_dir,
                model=model,
                rasa_workers=workers,
                endpoints_extra=redis.lock_store_yaml(prefix),
            )
        ) as stack:
            rasa = stack.services["rasa"]
            assert rasa.process is not None
            pids = child_processes(rasa.process.pid)
            assert len(pids) == workers, f"Sanic workers of the Rasa server: {pids}"
            port = int(stack.rasa_url.rsplit(":", 1)[1])
            assert serving_workers(rasa.process.pid, port) == workers  # all loaded when ready
            before = {pid: cpu_ticks(pid) for pid in pids}

            def conversation(user: int) -> List[int]:
                sender = f"workers-{prefix}-{user}"
                return [post(stack.rasa_url, sender, text).status for text in MESSAGES]

            with ThreadPoolExecutor(max_workers=8) as pool:
                statuses = [s for result in pool.map(conversation, range(8)) for s in result]
            assert statuses == [200] * len(statuses)
            spent = {pid: cpu_ticks(pid) - before[pid] for pid in pids}
            assert all(ticks > 0 for ticks in spent.values()), f"a worker answered nothing: {spent}"
            return spent
    finally:
        delete_redis_keys(REDIS_HOST, REDIS_PORT, REDIS_DB, prefix)


def test_two_rasa_workers_load_the_model_and_both_answer(tmp_path):
    if not MODEL.exists():
        pytest.skip("no trained model (make train)")
    if not Redis(REDIS_HOST, REDIS_PORT, REDIS_DB).answers():
        pytest.fail("Redis does not answer: scripts/setup_scale.sh starts it")
    check_workers_answer(MODEL, tmp_path)
