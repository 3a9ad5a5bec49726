"""The benchmark's table: figures per bot, ratio project/baseline, target, verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional


@dataclass(frozen=True)
class Row:
    label: str
    key: str
    unit: str
    target: Optional[str] = None  # "<= 0.2" or ">= 5" on the ratio, or ">=" for "not lower"


ROWS = [
    Row("training time", "train_s", "s"),
    Row("cold start (process start -> first reply)", "cold_start_s", "s", "<= 0.5"),
    Row("memory after warm-up, PSS", "pss_mb", "MB", "<= 0.6"),
    Row("memory after warm-up, RSS", "rss_mb", "MB"),
    Row("1 user: p50", "single_p50_ms", "ms", "<= 0.2"),
    Row("1 user: p95", "single_p95_ms", "ms"),
    Row("1 user: p99", "single_p99_ms", "ms"),
    Row("10 users: msgs/s", "c10_rps", "msg/s"),
    Row("10 users: p50", "c10_p50_ms", "ms"),
    Row("10 users: p95", "c10_p95_ms", "ms"),
    Row("10 users: p99", "c10_p99_ms", "ms"),
    Row("10 users: errors", "c10_errors", ""),
    Row("50 users: msgs/s", "c50_rps", "msg/s", ">= 5"),
    Row("50 users: p50", "c50_p50_ms", "ms"),
    Row("50 users: p95", "c50_p95_ms", "ms"),
    Row("50 users: p99", "c50_p99_ms", "ms"),
    Row("50 users: errors", "c50_errors", ""),
    Row("held-out accuracy (intent + FAQ key)", "accuracy", "", ">="),
]


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}" if value < 1 else f"{value:.1f}" if value < 100 else f"{value:.0f}"
    return str(value)


def _verdict(row: Row, project: Any, baseline: Any, ratio: Optional[float]) -> str:
    if row.target is None or project is None or baseline is None:
        return ""
    if row.target == ">=":
        return "met" if project >= baseline else "NOT met"
    bound = float(row.target.split()[1])
    if ratio is None:
        return ""
    ok = ratio <= bound if row.target.startswith("<=") else ratio >= bound
    return "met" if ok else "NOT met"


def table(project: Dict[str, Any], baseline: Dict[str, Any]) -> str:
    lines = [
        "| metric | project | Rasa default | project / default | target | |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    for row in ROWS:
        p, b = project.get(row.key), baseline.get(row.key)
        ratio = p / b if isinstance(p, (int, float)) and isinstance(b, (int, float)) and b else None
        target = "not lower" if row.target == ">=" else (f"ratio {row.target}" if row.target else "")
        label = f"{row.label} ({row.unit})" if row.unit else row.label
        lines.append(
            f"| {label} | {_fmt(p)} | {_fmt(b)} | {_fmt(ratio) if ratio is not None else ''} "
            f"| {target} | {_verdict(row, p, b, ratio)} |"
        )
    return "\n".join(lines)


def summary_lines(meta: Dict[str, Any]) -> List[str]:
    return [f"- {key}: {value}" for key, value in meta.items()]
