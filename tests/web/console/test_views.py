"""The console's template helpers: relative times, exact times, plurals, topic titles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from web.console.views import exact_time, iso_time, make_environment, plural, relative_time, time_tag


def ts(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


NOW = ts("2026-11-25 14:03:30")


@pytest.mark.parametrize(
    ("then", "expected"),
    [
        ("2026-11-25 14:03:30", "just now"),
        ("2026-11-25 14:02:31", "just now"),
        ("2026-11-25 14:02:30", "1 minute ago"),
        ("2026-11-25 13:58:30", "5 minutes ago"),
        ("2026-11-25 13:03:31", "59 minutes ago"),
        ("2026-11-25 13:03:30", "1 hour ago"),
        ("2026-11-25 00:00:00", "14 hours ago"),
        ("2026-11-24 14:03:31", "23 hours ago"),
        # From a day on, by calendar day (UTC).
        ("2026-11-24 14:03:30", "yesterday"),
        ("2026-11-24 00:00:00", "yesterday"),
        ("2026-11-23 23:59:59", "2 days ago"),
        ("2026-11-22 14:00:00", "3 days ago"),
        ("2026-11-12 14:00:00", "13 days ago"),
        ("2026-11-11 14:00:00", "2 weeks ago"),
        ("2026-10-01 14:00:00", "7 weeks ago"),
        ("2026-09-25 14:00:00", "2 months ago"),
        ("2025-11-26 14:00:00", "12 months ago"),
        ("2024-11-25 14:00:00", "2 years ago"),
        # Ahead of the clock (skew between servers).
        ("2026-11-25 14:04:00", "just now"),
        ("2026-11-25 14:08:30", "in 5 minutes"),
        ("2026-11-25 17:03:30", "in 3 hours"),
        ("2026-11-27 14:03:30", "in 2 days"),
    ],
)
def test_relative_time(then: str, expected: str) -> None:
    assert relative_time(ts(then), now=NOW) == expected


def test_relative_time_of_nothing_is_empty() -> None:
    assert relative_time(None, now=NOW) == "" and relative_time(0, now=NOW) == ""


def test_relative_time_defaults_to_the_clock() -> None:
    import time

    assert relative_time(time.time() - 3 * 86400 - 60) == "3 days ago"


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 turns"), (1, "1 turn"), (2, "2 turns"), (3, "3 turns"), (1200, "1,200 turns")],
)
def test_plural(count: int, expected: str) -> None:
    assert plural(count, "turn") == expected


def test_plural_of_irregular_words_and_phrases() -> None:
    assert plural(1, "reply", "replies") == "1 reply"
    assert plural(2, "reply", "replies") == "2 replies"
    assert plural(1, "unreviewed urgent report") == "1 unreviewed urgent report"
    assert plural(4, "unreviewed urgent report") == "4 unreviewed urgent reports"


def test_exact_and_iso_times() -> None:
    then = ts("2026-11-25 14:03:05")
    assert exact_time(then) == "2026-11-25 14:03 UTC"
    assert iso_time(then) == "2026-11-25T14:03:05Z"
    assert exact_time(None) == iso_time(None) == ""


def test_time_tag_gives_the_exact_time_and_the_relative_one() -> None:
    then = ts("2026-11-25 13:58:05")
    assert str(time_tag(then, now=NOW)) == (
        '<time datetime="2026-11-25T13:58:05Z" title="2026-11-25 13:58 UTC">5 minutes ago</time>'
    )
    assert str(time_tag(None)) == ""


def test_filters_in_templates_autoescape_and_title_topics() -> None:
    env = make_environment()
    template = env.from_string(
        "{{ n | plural('turn') }}|{{ key | topic_title }}|{{ other | topic_title }}|{{ text }}"
    )
    rendered = template.render(n=1, key="what_is_crs", other="new_topic", text="<PHONE>")
    assert rendered == "1 turn|What is CRS?|New topic|&lt;PHONE&gt;"
    tag = env.from_string("{{ time_tag(t) }}").render(t=ts("2026-11-20 10:00:00"))
    assert tag.startswith('<time datetime="2026-11-20T10:00:00Z" title="2026-11-20 10:00 UTC">')


class _User:
    def __init__(self, role: str) -> None:
        self.username, self.role, self.is_admin = "rex", role, role == "admin"


class _Header:
    def __init__(self, urgent: int, backlog: int) -> None:
        self.unreviewed_urgent, self.backlog = urgent, backlog


def _header_html(role: str, urgent: int, backlog: int) -> str:
    page = make_environment().get_template("reveal.html")
    return page.render(
        base="/console", user=_User(role), csrf_token="t", header=_Header(urgent, backlog),
        message=type("M", (), {"text": "hi", "sender_id": "s"})(), quote=lambda s, safe="": s,
    )  # fmt: skip


def test_header_links_the_urgent_count_to_the_queue_and_tells_the_backlog() -> None:
    html = _header_html("reviewer", urgent=1, backlog=1)
    urgent = '<a href="/console/" id="urgent-unreviewed"'
    urgent += ' class="urgent-count urgent-count-open" data-count="1">'
    assert urgent + "1 unreviewed urgent report</a>" in html
    assert 'id="summary-backlog" class="notice" role="status">Summary catching up: 1 event still' in html
    for link in ('href="/console/"', 'href="/console/conversations"', 'href="/console/insights"'):
        assert link in html
    assert "/console/audit" not in html and "Sign out</button>" in html


def test_header_without_urgent_reports_or_backlog_and_for_admins() -> None:
    html = _header_html("admin", urgent=0, backlog=0)
    none = '<span id="urgent-unreviewed" class="urgent-count" data-count="0">'
    assert none + "No unreviewed urgent reports</span>" in html
    assert "summary-backlog" not in html and 'href="/console/audit"' in html
    assert "12 unreviewed urgent reports" in _header_html("admin", urgent=12, backlog=2500)
    assert "2,500 events still to read" in _header_html("admin", urgent=12, backlog=2500)
