"""bench/session.py's windows and figures (no timing is asserted)."""

from __future__ import annotations

import pytest

from bench.session import SessionResult, growth, session_windows, window_means, window_medians


def test_300_turns_give_the_issues_windows():
    assert session_windows(300) == [(1, 10), (91, 100), (191, 200), (291, 300)]


@pytest.mark.parametrize(
    "turns, expected",
    [
        (30, [(1, 10), (11, 20), (21, 30)]),
        (12, [(1, 10), (3, 12)]),
        (10, [(1, 10)]),
        (4, [(1, 4)]),
        (0, []),
    ],
)
def test_shorter_sessions_get_evenly_spaced_windows_once(turns, expected):
    assert session_windows(turns) == expected


def test_window_medians_skip_unanswered_turns():
    latencies = [0.01, None, 0.03, 0.02, None, None]
    assert window_medians(latencies, [(1, 4), (5, 6)]) == {"1-4": 0.02, "5-6": None}


def test_window_means_come_from_a_running_total():
    cumulative = [5.0, 5.5, 6.0, 7.0, 9.0]  # before turn 1, then after turns 1-4
    assert window_means(cumulative, [(1, 2), (3, 4), (4, 5)]) == {"1-2": 0.5, "3-4": 1.5, "4-5": None}


def test_growth_is_the_last_window_over_the_first():
    assert growth({"1-10": 0.02, "91-100": 0.05, "291-300": 0.03}) == pytest.approx(1.5)
    assert growth({"1-10": 0.02}) is None
    assert growth({"1-10": None, "291-300": 0.03}) is None
    assert growth({"1-10": 0.0, "291-300": 0.03}) is None


def test_figures_of_a_session_in_milliseconds():
    result = SessionResult(turns=30, latencies=[0.010] * 10 + [None] * 10 + [0.012] * 10)
    result.cpu = [float(turn) * 0.02 for turn in range(31)]  # 20 ms of CPU a turn
    figures = result.figures()
    assert figures["session_medians_ms"] == {"1-10": 10.0, "11-20": None, "21-30": 12.0}
    assert figures["session_growth"] == pytest.approx(1.2)
    assert figures["session_errors"] == 10
    assert figures["session_cpu_ms"] == {"1-10": 20.0, "11-20": 20.0, "21-30": 20.0}
    assert figures["session_cpu_growth"] == pytest.approx(1.0)


def test_without_the_servers_cpu_no_cpu_figures():
    figures = SessionResult(turns=10, latencies=[0.01] * 10).figures()
    assert "session_cpu_ms" not in figures and figures["session_growth"] is None
