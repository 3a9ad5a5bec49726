"""The benchmark's tables: figures per bot, ratios to the baseline, targets, verdicts; the long session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional


@dataclass(frozen=True)
class Row:
    label: str
    key: str
    unit: str
    target: Optional[str] = None  # "<= 0.2" / ">= 5" on the ratio, ">=" for "not lower"


def _concurrent_rows(users: int, rps_target: Optional[str] = None) -> List[Row]:
    """The rows of `users` conversations at once: throughput, latency percentiles, errors."""
    prefix, key = f"{users} users", f"c{users}"
    return [
        Row(f"{prefix}: msgs/s", f"{key}_rps", "msg/s", rps_target),
        *(Row(f"{prefix}: p{q}", f"{key}_p{q}_ms", "ms") for q in (50, 95, 99)),
        Row(f"{prefix}: errors", f"{key}_errors", ""),
    ]


ROWS = [
    Row("training time", "train_s", "s"),
    Row("cold start, process start to first reply", "cold_start_s", "s", "<= 0.5"),
    Row("memory after warm-up, PSS", "pss_mb", "MB", "<= 0.6"),
    Row("memory after warm-up, RSS", "rss_mb", "MB"),
    Row("1 user: p50", "single_p50_ms", "ms", "<= 0.2"),
    Row("1 user: p95", "single_p95_ms", "ms"),
    Row("1 user: p99", "single_p99_ms", "ms"),
    *_concurrent_rows(10),
    *_concurrent_rows(50, rps_target=">= 5"),
    Row("held-out accuracy (intent + FAQ key)", "accuracy", "", ">="),
    Row("in process: NLU parse, p50", "nlu_p50_ms", "ms"),
    Row("in process: one policy prediction, p50", "policy_p50_ms", "ms"),
    Row("in process: CPU per turn, turns 1-10, median", "turn_cpu_first_ms", "ms"),
    Row("in process: CPU per turn, turns 291-300, median", "turn_cpu_last_ms", "ms"),
]


def fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        if value != value:  # NaN
            return "n/a"
        return f"{value:.3f}" if abs(value) < 1 else f"{value:.2f}" if value < 10 else f"{value:.0f}"
    return str(value)


def ratio(value: Any, base: Any) -> Optional[float]:
    numbers = isinstance(value, (int, float)) and isinstance(base, (int, float))
    return value / base if numbers and base else None


def verdict(row: Row, value: Any, base: Any) -> str:
    if row.target is None or value is None or base is None:
        return ""
    if row.target == ">=":
        return "met" if value >= base else "NOT met"
    r = ratio(value, base)
    if r is None:
        return ""
    bound = float(row.target.split()[1])
    return "met" if (r <= bound if row.target.startswith("<=") else r >= bound) else "NOT met"


def table(bots: Dict[str, Dict[str, Any]], baseline: str = "baseline") -> str:
    """Markdown table: one column per bot, then each other bot's ratio to the baseline."""
    names = list(bots)
    others = [n for n in names if n != baseline]
    header = ["metric", *names, *(f"{n} / {baseline}" for n in others), "target (ratio)"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for row in ROWS:
        label = f"{row.label} ({row.unit})" if row.unit else row.label
        values = [fmt(bots[n].get(row.key)) for n in names]
        ratios = []
        for n in others:
            r = ratio(bots[n].get(row.key), bots[baseline].get(row.key))
            mark = verdict(row, bots[n].get(row.key), bots[baseline].get(row.key))
            ratios.append(f"{fmt(r) if r is not None else ''} {mark}".strip())
        target = "not lower" if row.target == ">=" else (row.target or "")
        lines.append("| " + " | ".join([label, *values, *ratios, target]) + " |")
    return "\n".join(lines)


def notes(meta: Dict[str, Any]) -> List[str]:
    return [f"- {key}: {value}" for key, value in meta.items()]


def session_table(bots: Dict[str, Dict[str, Any]], target: float = 1.3) -> str:
    """Markdown: one long session per bot (bench/session.py), the median latency of each window
    of turns and the last window's median over the first's, against `target`."""
    names = [n for n in bots if bots[n].get("session_medians_ms")]
    if not names:
        return ""
    turns = bots[names[0]].get("session_turns")
    windows: List[str] = []
    for name in names:
        windows += [w for w in bots[name]["session_medians_ms"] if w not in windows]
    lines = [
        f"### One long session: one sender, {turns} questions in a row (ms)",
        "",
        "| bot | "
        + " | ".join(f"turns {w}" for w in windows)
        + f" | last / first | errors | target <= {target:g} |",
        "|" + " --- |" + " ---: |" * (len(windows) + 2) + " --- |",
    ]
    for name in names:
        for label, key, growth_key, verdict in (
            ("latency p50", "session_medians_ms", "session_growth", True),
            ("server CPU per turn, mean", "session_cpu_ms", "session_cpu_growth", False),
        ):
            values = bots[name].get(key)
            if not values:
                continue
            growth = bots[name].get(growth_key)
            mark = "" if growth is None or not verdict else "met" if growth <= target else "NOT met"
            cells = [fmt(values.get(w)) for w in windows]
            cells += [fmt(growth), fmt(bots[name].get("session_errors")) if verdict else "", mark]
            lines.append(f"| {name}: {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
