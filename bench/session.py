"""One long session: one sender asks N FAQ questions in a row; does a turn cost more late than early?

    .venv/bin/python -m bench.session --turns 300     # the project's model, served as bench serves it
    .venv/bin/python -m bench.session --cache-size 0  # the same with the tracker cache off

`bench.run` calls `run_session` for the project and for Rasa's default bot (300 turns;
30 with --quick), with the FAQ questions of the held-out set bench sends (`faq_texts`).
One conversation, one sender id, each message sent when the previous one is answered
(a closed loop, nothing else loading the server), through the REST channel.

Reported: the median latency of turns 1-10, 91-100, 191-200 and 291-300 and the ratio of
the last window to the first (the target: within 1.3x). A shorter session gets evenly spaced
windows of the same width (`session_windows`). Latency on a shared machine is noisy, so
given the Rasa server's process group, each window's CPU time per turn (all its processes
and threads, from /proc; the mean over the window, as /proc counts in 10 ms ticks) and its
ratio are reported too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import aiohttp

from bench.load import TIMEOUT, run_load
from bench.profile import group_cpu

WIDTH = 10  # turns in a window
WINDOWS = 4  # the first window and three more, the last ending at the last turn
TARGET = 1.3  # last window's median / first window's


def session_windows(turns: int, width: int = WIDTH, count: int = WINDOWS) -> List[Tuple[int, int]]:
    """Windows of `width` turns (1-based, inclusive): the first, then `count - 1` ending at even steps.

    300 turns: (1, 10), (91, 100), (191, 200), (291, 300). Fewer turns than `width`: one
    window of them all; windows that would repeat one another are given once.
    """
    if turns <= 0:
        return []
    width = min(width, turns)
    ends = [width] + [round(turns * k / (count - 1)) for k in range(1, count)] if count > 1 else [width]
    windows: List[Tuple[int, int]] = []
    for end in ends:
        end = max(width, min(turns, end))
        window = (end - width + 1, end)
        if window not in windows:
            windows.append(window)
    return windows


def window_label(window: Tuple[int, int]) -> str:
    return f"{window[0]}-{window[1]}"


def window_medians(
    latencies: Sequence[Optional[float]], windows: Sequence[Tuple[int, int]]
) -> Dict[str, Optional[float]]:
    """Median latency of each window's answered turns (latencies[i] is turn i + 1; None: no answer).

    None for a window in which no turn was answered.
    """
    medians: Dict[str, Optional[float]] = {}
    for start, end in windows:
        answered = [value for value in latencies[start - 1 : end] if value is not None]
        medians[window_label((start, end))] = statistics.median(answered) if answered else None
    return medians


def window_means(
    cumulative: Sequence[float], windows: Sequence[Tuple[int, int]]
) -> Dict[str, Optional[float]]:
    """Mean per turn of each window, from a running total.

    cumulative[i] is the total after turn i, cumulative[0] before turn 1; None for a
    window the total does not reach.
    """
    means: Dict[str, Optional[float]] = {}
    for start, end in windows:
        total = cumulative[end] - cumulative[start - 1] if end < len(cumulative) else None
        means[window_label((start, end))] = None if total is None else total / (end - start + 1)
    return means


def growth(medians: Dict[str, Optional[float]]) -> Optional[float]:
    """The last window's median over the first's (None when either is missing or the first is 0)."""
    values = list(medians.values())
    if len(values) < 2 or values[0] is None or values[-1] is None or values[0] <= 0:
        return None
    return values[-1] / values[0]


@dataclass
class SessionResult:
    turns: int
    latencies: List[Optional[float]] = field(default_factory=list)  # seconds per turn; None: error
    elapsed: float = 0.0
    cpu: List[float] = field(default_factory=list)  # server CPU seconds so far: before turn 1, after each

    @property
    def errors(self) -> int:
        return sum(1 for value in self.latencies if value is None)

    def figures(self) -> Dict[str, Any]:
        """The figures bench.run stores for a bot: medians in ms per window, the ratio, errors."""
        windows = session_windows(self.turns)
        medians = window_medians(self.latencies, windows)
        figures: Dict[str, Any] = {
            "session_turns": self.turns,
            "session_medians_ms": _ms(medians),
            "session_growth": growth(medians),
            "session_errors": self.errors,
        }
        if self.cpu:
            cpu = window_means(self.cpu, windows)
            figures.update(session_cpu_ms=_ms(cpu), session_cpu_growth=growth(cpu))
        return figures


def _ms(seconds: Dict[str, Optional[float]]) -> Dict[str, Optional[float]]:
    return {key: None if value is None else round(value * 1000, 1) for key, value in seconds.items()}


async def _session(rasa_url: str, texts: Sequence[str], turns: int, pgid: Optional[int]) -> SessionResult:
    url = f"{rasa_url}/webhooks/rest/webhook"
    sender = f"bench-session-{uuid.uuid4().hex[:8]}"
    result = SessionResult(turns)

    def cpu() -> None:
        if pgid is not None:
            result.cpu.append(group_cpu(pgid).all_threads)

    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        start = time.perf_counter()
        cpu()
        for turn in range(turns):
            began = time.perf_counter()
            try:
                message = {"sender": sender, "message": texts[turn % len(texts)]}
                async with session.post(url, json=message) as response:
                    body = await response.json(content_type=None)
                    ok = response.status == 200 and isinstance(body, list) and len(body) > 0
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                ok = False
            result.latencies.append(time.perf_counter() - began if ok else None)
            cpu()
        result.elapsed = time.perf_counter() - start
    return result


def run_session(
    rasa_url: str, texts: Sequence[str], turns: int = 300, pgid: Optional[int] = None
) -> SessionResult:
    """One sender, `turns` messages in a row (texts in order, repeated as needed).

    `pgid`: the Rasa server's process group (its pid), to measure its CPU time per turn.
    """
    if not texts:
        raise ValueError("no texts to send")
    return asyncio.run(_session(rasa_url, texts, turns, pgid))


def main(argv: Optional[List[str]] = None) -> int:
    from bench.accuracy import holdout_examples
    from bench.run import faq_texts
    from bench.serve import cold_start, rasa_pid, serve
    from launcher.stack import MODEL, SERVING_ENV, StackError

    parser = argparse.ArgumentParser(prog="python -m bench.session", description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--cache-size", help="CRS_TRACKER_CACHE_SIZE for the served bot (default: its own)")
    args = parser.parse_args(argv)
    env = {} if args.cache_size is None else {"CRS_TRACKER_CACHE_SIZE": args.cache_size}
    with tempfile.TemporaryDirectory(prefix="crs-session-") as work:
        try:
            stack = serve(args.model, Path(work), "session", env, "", SERVING_ENV)
        except StackError as error:
            print(f"session: could not start: {error}", file=sys.stderr)
            return 1
        try:
            cold_start(stack)
            examples = holdout_examples()
            run_load(stack.rasa_url, [text for text, _ in examples], users=2, per_user=5)  # warm-up
            result = run_session(stack.rasa_url, faq_texts(examples), args.turns, rasa_pid(stack))
        finally:
            stack.stop()
    print(json.dumps(result.figures(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
