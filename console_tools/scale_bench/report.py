"""The markdown report of all runs."""

from __future__ import annotations

import argparse
import os
import platform
from datetime import UTC, datetime

from console_tools.scale_bench.model import (
    TARGET_P95_MS,
    Run,
    percentile,
)


# ----------------------------------------------------------------------------- report
def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def _mib(kib: int) -> str:
    return f"{kib / 1024:,.0f}"


def _data_rows(runs: list[Run]) -> list[str]:
    """The rows of the data table (seeding and summary sync per run)."""
    lines: list[str] = []
    for run in runs:
        sync_rate = run.sync_events / run.sync_seconds if run.sync_seconds else 0.0
        lines.append(
            f"| {run.backend} | {run.conversations:,} | {run.events:,} "
            f"| {run.database_bytes / 2**20:,.0f} MiB "
            f"| {run.seed_seconds:,.0f} s ({run.events / max(run.seed_seconds, 1e-9):,.0f} events/s) "
            f"| {run.sync_seconds:,.1f} s ({sync_rate:,.0f} events/s) "
            f"| {run.sync_start_rate:,.0f} → {run.sync_end_rate:,.0f} events/s "
            f"| {_mib(run.sync_peak_kib)} MiB |"
        )
    return lines


def _page_section(runs: list[Run]) -> list[str]:
    """The pages' timings."""
    lines = [
        "",
        f"## Pages (ms; target on PostgreSQL: list and insights p95 ≤ {TARGET_P95_MS:.0f} ms)",
        "",
        "| database | conversations | page | p50 | p95 | max | response |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for run in runs:
        for t in run.timings:
            if t.status:
                lines.append(f"| {run.backend} | {run.conversations:,} | {t.name} | – | – | – | {t.status} |")
            else:
                lines.append(
                    f"| {run.backend} | {run.conversations:,} | {t.name} | {_ms(t.p50)} | {_ms(t.p95)} "
                    f"| {_ms(max(t.samples))} | {t.size / 1024:,.0f} KiB |"
                )
    return lines


def _export_section(runs: list[Run]) -> list[str]:
    """The CSV exports' times and memory."""
    lines = [
        "",
        "## CSV export (streamed to nothing; the serving process's RSS before the export and its peak"
        " during it, for the run that grew most, after one untimed export)",
        "",
        "| database | conversations | export | lines | size | time (median) | first byte | RSS before "
        "| peak RSS | peak − before |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        for e in run.exports:
            if e.status:
                lines.append(f"| {run.backend} | {run.conversations:,} | {e.name} | {e.status} ||||||| ")
                continue
            lines.append(
                f"| {run.backend} | {run.conversations:,} | {e.name} | {e.lines:,} "
                f"| {e.bytes / 2**20:,.1f} MiB | {percentile(e.seconds, 50):,.1f} s "
                f"| {_ms(percentile(e.first_byte, 50))} ms | {_mib(e.baseline_kib)} MiB "
                f"| {_mib(e.peak_kib)} MiB | {_mib(e.peak_kib - e.baseline_kib)} MiB |"
            )
    return lines


def report(runs: list[Run], args: argparse.Namespace, versions: dict[str, str]) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Staff console at scale",
        "",
        f"{when}; {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        + ", ".join(f"{k} {v}" for k, v in versions.items())
        + f". {args.requests} requests per page after {args.warmup} warm-ups; "
        f"{args.export_runs} exports each. Seed {args.seed}, conversations over {args.days} days.",
        "",
        "## Data",
        "",
        "| database | conversations | events | database size | seeding | summary sync (events read) "
        "| sync rate, first → last quarter | sync peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += _data_rows(runs) + _page_section(runs) + _export_section(runs)
    notes = sorted({f"{run.backend}: {note}" for run in runs for note in run.notes})
    if notes:
        lines += ["", "Notes:", ""] + [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"
