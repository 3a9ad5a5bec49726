"""bench/report.py's long-session table."""

from __future__ import annotations

from bench.report import session_table


def bot(first: float, last: float, cpu_first: float, cpu_last: float) -> dict:
    return {
        "session_turns": 300,
        "session_medians_ms": {"1-10": first, "91-100": first, "191-200": last, "291-300": last},
        "session_growth": last / first,
        "session_errors": 0,
        "session_cpu_ms": {"1-10": cpu_first, "91-100": cpu_first, "191-200": cpu_last, "291-300": cpu_last},
        "session_cpu_growth": cpu_last / cpu_first,
    }


def test_each_bot_gets_its_windows_ratio_and_verdict():
    text = session_table({"project": bot(20.0, 24.0, 25.0, 26.0), "baseline": bot(20.0, 140.0, 30.0, 120.0)})
    lines = text.splitlines()
    assert "300 questions in a row" in lines[0]
    assert "| turns 1-10 | turns 91-100 | turns 191-200 | turns 291-300 | last / first |" in lines[2]
    project = next(line for line in lines if line.startswith("| project: latency"))
    baseline = next(line for line in lines if line.startswith("| baseline: latency"))
    assert project.endswith("| 1.20 | 0 | met |") and baseline.endswith("| 7.00 | 0 | NOT met |")
    cpu = next(line for line in lines if line.startswith("| baseline: server CPU"))
    assert "| 4.00 |" in cpu and "met" not in cpu  # CPU is reported, the target is on latency


def test_no_session_no_table():
    assert session_table({"project": {"single_p50_ms": 30.0}}) == ""
