"""What a run measures: the settings, the timings and exports, one run's figures."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.settings import PROJECT_ROOT

PREFIX = "/console"
USERNAME = "scale-bench"
PASSWORD = secrets.token_urlsafe(18)
DEFAULT_SIZES = (10_000, 50_000, 100_000)
DEFAULT_OUTPUT = PROJECT_ROOT / "results" / "console-scale.md"
FILTER_TOPIC = "symptoms_general"
SEARCH = "fever"
TARGET_P95_MS = 300.0
SYNC_STEP = 10  # batches per sync() call, to see whether the rate holds as the summary grows


@dataclass
class Timing:
    name: str
    path: str
    status: str = ""  # "" when measured, else why not (e.g. "404: not there yet")
    samples: list[float] = field(default_factory=list)  # seconds
    size: int = 0  # bytes of the last response

    @property
    def p50(self) -> float:
        return percentile(self.samples, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)


@dataclass
class Export:
    name: str
    path: str
    status: str = ""
    seconds: list[float] = field(default_factory=list)
    first_byte: list[float] = field(default_factory=list)
    bytes: int = 0
    lines: int = 0
    baseline_kib: int = 0  # VmRSS before the run with the highest peak
    peak_kib: int = 0  # highest VmHWM over the runs


@dataclass
class Run:
    backend: str
    conversations: int
    events: int = 0
    database_bytes: int = 0
    seed_seconds: float = 0.0
    seed_peak_kib: int = 0
    sync_events: int = 0
    sync_seconds: float = 0.0
    sync_peak_kib: int = 0
    sync_start_rate: float = 0.0  # events/s over the first quarter of the events
    sync_end_rate: float = 0.0  # and over the last quarter
    summarised: int = 0  # rows in console_conversations
    timings: list[Timing] = field(default_factory=list)
    exports: list[Export] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil
    return ordered[int(rank) - 1]
