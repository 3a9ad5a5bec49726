"""The figures of a `bench.profile` run (`ProfileResult`) and the Markdown table of several."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Dict, Sequence, Tuple

from bench.profile_buckets import BUCKETS, NLU, POLICIES, RETRIEVE, SAVE


@dataclass
class ProfileResult:
    label: str
    turns: int
    errors: int
    seconds: float
    cpu_main_ms_per_turn: float
    cpu_all_ms_per_turn: float
    p50_ms: float
    samples: Dict[str, Dict[str, int]]  # bucket -> detail -> samples
    load_average: str
    workers: int = 1

    @property
    def total_samples(self) -> int:
        return sum(sum(details.values()) for details in self.samples.values())

    def bucket_samples(self, bucket: str) -> int:
        return sum(self.samples.get(bucket, {}).values())

    def ms_per_turn(self, samples: int) -> float:
        total = self.total_samples
        return samples / total * self.cpu_main_ms_per_turn if total else float("nan")

    def as_dict(self) -> Dict[str, Any]:
        return {
            "label": self.label,
            "turns": self.turns,
            "errors": self.errors,
            "seconds": round(self.seconds, 1),
            "workers": self.workers,
            "cpu_main_thread_ms_per_turn": round(self.cpu_main_ms_per_turn, 2),
            "cpu_all_threads_ms_per_turn": round(self.cpu_all_ms_per_turn, 2),
            "p50_ms": round(self.p50_ms, 1),
            "total_samples": self.total_samples,
            "buckets": {
                bucket: {
                    "samples": self.bucket_samples(bucket),
                    "ms_per_turn": round(self.ms_per_turn(self.bucket_samples(bucket)), 2),
                    "details": dict(sorted(self.samples.get(bucket, {}).items(), key=lambda kv: -kv[1])),
                }
                for bucket in BUCKETS
            },
            "load_average": self.load_average,
        }


def nested(counts: Counter[Tuple[str, str]]) -> Dict[str, Dict[str, int]]:
    """{bucket: {detail: samples}} from samples per (bucket, detail)."""
    out: Dict[str, Dict[str, int]] = {}
    for (bucket, detail), samples in counts.items():
        details = out.setdefault(bucket, {})
        details[detail] = details.get(detail, 0) + samples
    return out


def table(results: Sequence[ProfileResult], details: int = 4) -> str:
    """Markdown: one row per bucket (and its largest details), % of samples and ms per turn per run."""
    header = ["bucket"] + [f"{r.label}: % / ms per turn" for r in results]
    lines = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * len(results)]
    for bucket in BUCKETS:
        cells = []
        for r in results:
            samples, total = r.bucket_samples(bucket), r.total_samples
            share = 100 * samples / total if total else float("nan")
            cells.append(f"{share:.1f}% / {r.ms_per_turn(samples):.2f}")
        lines.append(f"| {bucket} | " + " | ".join(cells) + " |")
        top: Counter[str] = Counter()
        for r in results:
            for detail, samples in r.samples.get(bucket, {}).items():
                top[detail] += samples
        if bucket in (NLU, POLICIES, RETRIEVE, SAVE) or len(top) > 1:
            for detail, _ in top.most_common(details):
                cells = []
                for r in results:
                    samples, total = r.samples.get(bucket, {}).get(detail, 0), r.total_samples
                    share = 100 * samples / total if total else float("nan")
                    cells.append(f"{share:.1f}% / {r.ms_per_turn(samples):.2f}")
                lines.append(f"| &nbsp;&nbsp;{detail} | " + " | ".join(cells) + " |")
    rows = [
        ("main threads, CPU ms per turn (/proc; the 100% above)", lambda r: f"{r.cpu_main_ms_per_turn:.2f}"),
        (
            "other threads (TF/ONNX pools, unsampled), CPU ms per turn",
            lambda r: f"{r.cpu_all_ms_per_turn - r.cpu_main_ms_per_turn:.2f}",
        ),
        ("all threads, CPU ms per turn", lambda r: f"{r.cpu_all_ms_per_turn:.2f}"),
        ("turns answered (errors) in s", lambda r: f"{r.turns} ({r.errors}) in {r.seconds:.0f}"),
        ("samples", lambda r: str(r.total_samples)),
        ("latency p50 (ms; wall, load-dependent)", lambda r: f"{r.p50_ms:.0f}"),
        ("load average at the end (1/5/15 min)", lambda r: r.load_average),
    ]
    for label, value in rows:
        lines.append(f"| {label} | " + " | ".join(value(r) for r in results) + " |")
    return "\n".join(lines)
