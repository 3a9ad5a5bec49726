"""All conversations' event rows, in time order."""

from __future__ import annotations

import heapq
import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime

from console_tools.seed.constants import (
    DAY,
    HOUR_WEIGHTS,
    WEEKEND_WEIGHT,
    Row,
)
from console_tools.seed.conversations import _cumulative, _Maker, _pick
from console_tools.seed.corpus import Corpus, load_corpus


def _start_times(rng: random.Random, count: int, days: int, end: float) -> list[float]:
    """``count`` sorted start times in [end - days, end) with the daily and weekly rhythm."""
    window_start = end - days * DAY
    first_day = int(window_start // DAY)
    day_weights = []
    for offset in range(days + 1):
        weekday = datetime.fromtimestamp((first_day + offset) * DAY, UTC).weekday()
        day_weights.append(WEEKEND_WEIGHT if weekday >= 5 else 1.0)
    day_cum, hour_cum = _cumulative(day_weights), _cumulative(HOUR_WEIGHTS)
    times: list[float] = []
    while len(times) < count:
        day = first_day + _pick(rng, day_cum)
        ts = day * DAY + _pick(rng, hour_cum) * 3600 + rng.random() * 3600
        if window_start <= ts < end - 3600:  # room for the conversation itself
            times.append(round(ts, 3))
    times.sort()
    return times


def generate(
    conversations: int, days: int = 365, seed: int = 7, end: float | None = None, corpus: Corpus | None = None
) -> Iterator[Row]:
    """The event rows of ``conversations`` conversations, in time order (as Rasa appends
    them: conversations that overlap are interleaved). Deterministic for ``seed`` and ``end``."""
    end = default_end() if end is None else end
    corpus = corpus or load_corpus()
    rng = random.Random(seed)
    maker = _Maker(corpus, rng)
    starts = _start_times(rng, conversations, days, end)
    pending: list[tuple[float, int, Row]] = []
    order = 0
    for start in starts:
        while pending and pending[0][0] <= start:
            yield heapq.heappop(pending)[2]
        sender = f"{rng.getrandbits(128):032x}"
        for row in maker.conversation(sender, start, end):
            heapq.heappush(pending, (row[2], order, row))
            order += 1
    while pending:
        yield heapq.heappop(pending)[2]


def default_end() -> float:
    """The start of the current UTC hour: the same rows for the same seed within an hour."""
    return float(int(time.time()) // 3600 * 3600)
