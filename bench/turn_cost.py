"""CPU per turn through one long conversation, in process: is turn 300 as cheap as turn 1?

    .venv/bin/python -m bench.turn_cost                       # models/crs.tar.gz, 300 turns
    .venv/bin/python -m bench.turn_cost a.tar.gz b.tar.gz --turns 300   # one line of JSON each

`bench.run` (`make bench`) runs it on the project's model.

Loads each model in this process as `make run` serves it (endpoints.yml: the project's
tracker store with its cache, over a SQLite file of its own; the project's NLG), and
sends one sender `turns` FAQ questions of the held-out set in a row through Rasa's
`Agent.handle_message`, as the REST channel would. The same ten questions repeat, so every
window of ten turns asks the same ones and only the session's length differs. Reported:
this thread's CPU time per turn (`time.thread_time`; the encoder and the classifiers run
on it), the median of turns 1-10, 91-100, 191-200 and 291-300, and the last window's
ratio to the first (the target: at most 1.3). A measurement, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from bench.accuracy import holdout_examples
from bench.session import session_windows, window_label

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = 10


def window_medians_ms(costs: Sequence[float], turns: int) -> Dict[str, float]:
    """Median cost (seconds) of each window of `session_windows(turns)`, in ms."""
    return {
        window_label((start, end)): round(statistics.median(costs[start - 1 : end]) * 1000, 2)
        for start, end in session_windows(turns)
    }


async def _conversation(model: Path, texts: Sequence[str], turns: int) -> List[float]:
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.INFO)  # as `rasa run` logs by default (no debug lines)
    configure_structlog(logging.INFO)
    agent = await load_agent(
        str(model), endpoints=AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
    )
    sender = "turn-cost"
    for text in texts[:3]:  # warm-up, in another conversation
        await agent.handle_message(UserMessage(text, CollectingOutputChannel(), "warm-up"))
    costs: List[float] = []
    for turn in range(turns):
        output = CollectingOutputChannel()
        began = time.thread_time()
        await agent.handle_message(UserMessage(texts[turn % len(texts)], output, sender))
        costs.append(time.thread_time() - began)
        if not output.messages:
            raise RuntimeError(f"turn {turn + 1}: no reply")
    return costs


def measure(model: Path, turns: int) -> Dict[str, Any]:
    texts = [text for text, label in holdout_examples() if label.startswith("faq/")][:QUESTIONS]
    with tempfile.TemporaryDirectory(prefix="crs-turn-cost-") as work:
        os.environ["CRS_DATABASE_URL"] = f"sqlite:///{Path(work) / 'rasa.db'}"
        costs = asyncio.run(_conversation(model, texts, turns))
    medians = window_medians_ms(costs, turns)
    first, last = list(medians.values())[0], list(medians.values())[-1]
    return {
        "model": str(model),
        "turns": turns,
        "turn_cpu_ms": medians,
        "turn_cpu_first_ms": first,
        "turn_cpu_last_ms": last,
        "turn_cpu_growth": round(last / first, 2) if first > 0 else None,
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.turn_cost", description=__doc__.split("\n")[0])
    parser.add_argument("models", type=Path, nargs="*", help="models (default models/crs.tar.gz)")
    parser.add_argument("--turns", type=int, default=300)
    args = parser.parse_args(argv)
    if args.turns < 10:
        parser.error("--turns must be at least 10")
    for model in args.models or [ROOT / "models" / "crs.tar.gz"]:
        print(json.dumps(measure(model, args.turns)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
