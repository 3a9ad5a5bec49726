"""The insights page: its numbers (SQL on SQLite and PostgreSQL), charts, CSV and input."""

from __future__ import annotations

import base64
import csv
import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select
from starlette.testclient import TestClient

from web.console import insights
from web.console.insights import DateRange, day_number, parse_range
from web.console.tables import audit_log, conversations, messages

D0 = date(2026, 11, 2)  # a Monday
DAY = 86_400
LOW = 0.6


def _day(offset: int) -> int:
    return day_number(D0) + offset


def _range(first: int, last: int) -> DateRange:
    return DateRange(D0 + timedelta(days=first), D0 + timedelta(days=last))


class Rows:
    """Summary rows written straight into the tables (no Rasa events, no sync)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.next_id = 1

    def message(self, offset: int, kind: str = "user", second: int = 3600, **values: Any) -> None:
        day = _day(offset)
        row = {"sender_id": "s1", "timestamp": float(day * DAY + second), "day": day, "kind": kind,
               "intent": "faq", "topic": None, "confidence": 0.95, "urgent": False, "fallback": False,
               "out_of_scope": False, "feedback": None, "text_redacted": "hello"}  # fmt: skip
        row.update(values)
        with self.engine.begin() as conn:
            conn.execute(insert(messages).values(event_id=self.next_id, **row))
        self.next_id += 1

    def messages(self, offset: int, count: int, **values: Any) -> None:
        for _ in range(count):
            self.message(offset, **values)

    def conversation(self, sender: str, offset: int, second: int = 3600, urgent: bool = False) -> None:
        started = float(_day(offset) * DAY + second)
        with self.engine.begin() as conn:
            conn.execute(
                insert(conversations).values(
                    sender_id=sender, started=started, last=started, turns=1, urgent=urgent
                )
            )


@pytest.fixture
def rows(engine: Engine) -> Rows:
    return Rows(engine)


def _load(engine: Engine, rng: DateRange, low: float = LOW) -> insights.Insights:
    with engine.begin() as conn:
        return insights.load(conn, rng, low)


# -- the date range ----------------------------------------------------------------------

TODAY = date(2026, 11, 25)


def test_default_range_is_the_last_30_days_ending_today() -> None:
    rng, errors = parse_range({}, TODAY)
    assert (rng.start, rng.end, rng.days, errors) == (date(2026, 10, 27), TODAY, 30, [])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-13-01"}, "From: expected a date like 2026-11-03."),
        ({"date_to": "yesterday"}, "To: expected a date like 2026-11-03."),
        ({"date_from": "20261103"}, "From: expected a date like 2026-11-03."),
        ({"date_from": "2026-W45-1"}, "From: expected a date like 2026-11-03."),
        ({"date_from": "<script>alert(1)</script>"}, "From: expected a date like 2026-11-03."),
        ({"date_from": "1969-12-31"}, "From: expected a date between 1970-01-01 and 2100-12-31."),
        ({"date_to": "9999-12-31"}, "To: expected a date between 1970-01-01 and 2100-12-31."),
        ({"date_from": "2026-11-10", "date_to": "2026-11-01"}, "From is after To."),
        ({"date_from": "2020-01-01", "date_to": "2026-01-01"},
         "That range is 2193 days; the longest is 366 days."),
    ],
)  # fmt: skip
def test_bad_ranges_fall_back_to_the_default_with_a_clear_error(params: dict, message: str) -> None:
    rng, errors = parse_range(params, TODAY)
    assert errors == [message]
    assert rng == insights.default_range(TODAY)


def test_ranges_of_one_end_and_of_366_days() -> None:
    assert parse_range({"date_from": "2026-11-20"}, TODAY) == (DateRange(date(2026, 11, 20), TODAY), [])
    assert parse_range({"date_to": "2026-01-30"}, TODAY) == (
        DateRange(date(2026, 1, 1), date(2026, 1, 30)),
        [],
    )
    # From alone a long time ago: 30 days from there, not an error.
    assert parse_range({"date_from": "2020-01-01"}, TODAY)[0] == DateRange(
        date(2020, 1, 1), date(2020, 1, 30)
    )
    leap = {"date_from": "2024-01-01", "date_to": "2024-12-31"}
    assert parse_range(leap, TODAY) == (DateRange(date(2024, 1, 1), date(2024, 12, 31)), [])
    one = {"date_from": "2026-11-03", "date_to": "2026-11-03"}
    assert parse_range(one, TODAY)[0].days == 1


def test_long_ranges_are_counted_per_week() -> None:
    assert len(insights.periods(_range(0, 62))) == 63  # nine weeks: still per day
    weeks = insights.periods(_range(0, 89))  # 90 days: 13 weeks
    assert len(weeks) == 13
    assert weeks[0].label == "2026-11-02 to 2026-11-08"
    assert weeks[-1].start == D0 + timedelta(days=84) and weeks[-1].end == D0 + timedelta(days=89)


# -- the numbers, on SQLite and PostgreSQL -------------------------------------------------


def test_conversations_and_messages_per_day_with_zeros_and_range_filtering(engine, rows) -> None:  # noqa: ANN001
    rows.conversation("before", -1, second=DAY - 1)  # the last second before the range
    rows.conversation("first", 0, second=0)  # its first second
    rows.conversation("also-first", 0)
    rows.conversation("third-day", 2, second=DAY - 1)
    rows.conversation("after", 5, second=0)
    rows.messages(-1, 4)
    rows.messages(0, 3)
    rows.message(0, kind="feedback", feedback="up")  # a rating is not a parent message
    rows.message(2)
    rows.messages(5, 2)
    data = _load(engine, _range(0, 4))
    assert [p.label for p in data.periods] == [(D0 + timedelta(days=i)).isoformat() for i in range(5)]
    assert data.conversations == [2, 0, 1, 0, 0]
    assert data.messages == [3, 0, 1, 0, 0]
    assert insights.activity_summary(data) == (
        "3 conversations and 4 parent messages from 2026-11-02 to 2026-11-06; "
        "busiest day 2026-11-02 with 2 conversations started."
    )
    empty = _load(engine, _range(20, 26))
    assert empty.conversations == empty.messages == [0] * 7
    assert insights.activity_summary(empty) == "No conversations from 2026-11-22 to 2026-11-28."


def test_weekly_counts_add_up_the_days(engine, rows) -> None:  # noqa: ANN001
    rows.messages(0, 2)
    rows.messages(6, 1)
    rows.messages(7, 5)
    rows.messages(89, 1)
    data = _load(engine, _range(0, 89))
    assert data.weekly and len(data.messages) == 13
    assert data.messages[:2] == [3, 5] and data.messages[-1] == 1 and sum(data.messages) == 9
    table = insights.activity_table(data)
    assert table.columns[0] == "Week" and table.rows[0] == ("2026-11-02 to 2026-11-08", 0, 3)


def test_top_topics_are_the_ten_most_asked_with_both_halves(engine, rows) -> None:  # noqa: ANN001
    rows.messages(0, 3, topic="what_is_crs")
    rows.messages(3, 4, topic="what_is_crs")
    rows.messages(3, 5, topic="fever")
    rows.messages(-1, 50, topic="grading")  # outside the range
    rows.message(1, topic="fever", kind="feedback", feedback="up")  # a rating, not a question
    rows.messages(1, 2, topic=None)
    for i in range(10):
        rows.message(2, topic=f"rare_{i:02d}")
    data = _load(engine, _range(0, 3))  # halves: days 0-1 and 2-3
    assert [(t.topic, t.total, t.earlier, t.later) for t in data.topics[:2]] == [
        ("what_is_crs", 7, 3, 4),
        ("fever", 5, 0, 5),
    ]
    assert len(data.topics) == 10 and data.topics[-1].topic == "rare_07"
    table = insights.topics_table(data)
    assert table.columns[2:] == ("Earlier half (2026-11-02 to 2026-11-03)",
                                 "Later half (2026-11-04 to 2026-11-05)", "Change")  # fmt: skip
    assert table.rows[0] == ("what_is_crs", 7, 3, 4, "up 1")
    assert insights.topics_summary(data) == (
        "Most asked: what_is_crs (7 messages); rising most: fever (from 0 to 5 between the halves)."
    )
    one_day = _load(engine, _range(3, 3))
    assert insights.topics_table(one_day).columns == ("Topic", "Parent messages")


def test_not_understood_share_uses_low_confidence_and_out_of_scope(engine, rows) -> None:  # noqa: ANN001
    rows.message(0, confidence=0.5, text_redacted="low one")
    rows.message(0, confidence=0.7, text_redacted="fairly sure")
    rows.message(0, confidence=0.99, fallback=True, text_redacted="fell back")
    rows.message(0, confidence=None, text_redacted="no confidence")
    rows.message(0, out_of_scope=True, intent="out_of_scope", text_redacted="weather?")
    rows.message(1, confidence=0.1, kind="feedback", feedback="down")  # not a parent message
    data = _load(engine, _range(0, 1))
    assert data.messages == [5, 0]
    assert data.not_understood == [2, 0] and data.out_of_scope == [1, 0]
    assert insights.understanding_table(data).rows == [
        ("2026-11-02", 5, 2, "40.0", 1, "20.0"),
        ("2026-11-03", 0, 0, "0.0", 0, "0.0"),
    ]
    assert _load(engine, _range(0, 1), low=0.8).not_understood == [3, 0]
    assert insights.understanding_summary(data) == (
        "Of 5 parent messages, 2 (40%) were not understood and 1 (20%) were out of scope."
    )


def test_examples_are_the_five_most_recent_redacted_texts(engine, rows) -> None:  # noqa: ANN001
    for i in range(7):
        rows.message(1, second=100 + i, fallback=True, text_redacted=f"lost {i} <NAME>", sender_id=f"c{i}")
    rows.message(1, second=999, confidence=0.2, kind="feedback", feedback="down", text_redacted="rating")
    rows.message(1, second=500, text_redacted="understood fine")
    rows.message(9, second=100, fallback=True, text_redacted="after the range")
    rows.message(0, out_of_scope=True, text_redacted="what about the weather")
    data = _load(engine, _range(0, 3))
    assert [e.text for e in data.not_understood_examples] == [f"lost {i} <NAME>" for i in (6, 5, 4, 3, 2)]
    assert data.not_understood_examples[0].sender_id == "c6"
    assert [e.text for e in data.out_of_scope_examples] == ["what about the weather"]


def test_thumbs_up_and_down_per_topic(engine, rows) -> None:  # noqa: ANN001
    for topic, up, down in (("what_is_crs", 4, 1), ("fever", 1, 3), (None, 2, 0)):
        rows.messages(0, up, kind="feedback", feedback="up", topic=topic)
        rows.messages(1, down, kind="feedback", feedback="down", topic=topic)
    rows.messages(1, 5, kind="feedback", feedback="down", topic="fever", day=_day(-3))
    rows.message(1, kind="feedback", feedback=None, topic="fever")  # not a thumb
    rows.message(1, kind="user", topic="fever")  # a question, not a rating
    data = _load(engine, _range(0, 1))
    assert [(r.topic, r.up, r.down) for r in data.ratings] == [
        ("fever", 1, 3),
        ("what_is_crs", 4, 1),
        (insights.NO_TOPIC, 2, 0),
    ]
    assert (
        insights.feedback_summary(data)
        == "11 ratings: 7 thumbs up, 4 thumbs down; most thumbs down: fever (3)."
    )


def test_urgent_conversations_per_day_link_to_the_filtered_list(engine, rows) -> None:  # noqa: ANN001
    rows.conversation("u1", 0, urgent=True)
    rows.conversation("u2", 0, second=DAY - 1, urgent=True)
    rows.conversation("calm", 0)
    rows.conversation("u3", 2, urgent=True)
    rows.conversation("u-before", -1, urgent=True)
    rows.message(2, urgent=True)
    data = _load(engine, _range(0, 2))
    assert data.urgent_conversations == [2, 0, 1] and data.urgent_messages == [0, 0, 1]
    assert insights.urgent_links(data, "/console") == [
        ("2026-11-02: 2 conversations",
         "/console/conversations?date_from=2026-11-02&date_to=2026-11-02&flag=urgent"),
        ("2026-11-04: 1 conversation",
         "/console/conversations?date_from=2026-11-04&date_to=2026-11-04&flag=urgent"),
    ]  # fmt: skip
    weekly = _load(engine, _range(0, 89))
    assert insights.urgent_links(weekly, "")[0][1] == (
        "/conversations?date_from=2026-11-02&date_to=2026-11-08&flag=urgent"
    )


def test_queries_return_grouped_rows_and_use_the_indexes(engine, rows) -> None:  # noqa: ANN001
    for offset in range(-5, 40):
        rows.messages(offset, 2, topic="fever", confidence=0.3)
        rows.conversation(f"c{offset}", offset)
    statements: list[tuple[str, Any]] = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        data = _load(engine, _range(0, 29))
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert sum(data.messages) == 60
    selects = [s for s in statements if s[0].lstrip().upper().startswith("SELECT")]
    assert 5 <= len(selects) <= 8
    for statement, _ in selects:
        assert "GROUP BY" in statement.upper() or "LIMIT" in statement.upper(), statement
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL plans tiny tables as scans; the plan is checked on SQLite
    with engine.connect() as conn:
        for statement, parameters in selects:
            plan = [row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
            scans = [line for line in plan if line.startswith("SCAN console_")]
            assert not scans, (statement, plan)


# -- the page and the CSV -------------------------------------------------------------------

RANGE = {"date_from": D0.isoformat(), "date_to": (D0 + timedelta(days=6)).isoformat()}


def _sample(rows: Rows) -> None:
    rows.conversation("u1", 1, urgent=True)
    rows.conversation("c2", 1)
    rows.message(1, topic="what_is_crs")
    rows.message(1, topic="=SUM(A1:A9)")
    rows.message(2, fallback=True, text_redacted='<script>alert("x")</script> <img src=x onerror=alert(1)>')
    rows.message(2, out_of_scope=True, text_redacted="is it going to rain")
    rows.message(3, kind="feedback", feedback="down", topic="what_is_crs")


def _images(html: str) -> list[str]:
    uris = re.findall(r'(?:src|srcset)="data:image/svg\+xml;base64,([^"]+)"', html)
    return [base64.b64decode(uri).decode("utf-8") for uri in uris]


@pytest.mark.parametrize("role", ["admin", "reviewer"])
def test_page_for_both_roles_with_charts_tables_and_audit(role, request, rows, engine) -> None:  # noqa: ANN001
    client: TestClient = request.getfixturevalue(f"{role}_client")
    _sample(rows)
    page = client.get("/insights", params=RANGE)
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "img-src 'self' data:" in csp and "script-src" not in csp and "default-src 'none'" in csp
    text = page.text
    for name in insights.CHARTS:
        assert f'id="{name}"' in text
        assert f"/insights.csv?chart={name}&amp;date_from=2026-11-02&amp;date_to=2026-11-08" in text
    assert "2 conversations and 4 parent messages from 2026-11-02 to 2026-11-08" in text
    assert "/conversations?date_from=2026-11-03&amp;date_to=2026-11-03&amp;flag=urgent" in text
    assert "<details>" in text and '<th scope="row">2026-11-04</th>' in text
    assert "is it going to rain" in text
    images = _images(text)
    assert len(images) == 2 * len(insights.CHARTS)  # wide and narrow
    assert all(' alt="' in tag for tag in re.findall(r"<img [^>]+>", text))
    with engine.begin() as conn:
        audited = conn.execute(select(audit_log.c.action, audit_log.c.detail)).all()
    assert ("view_insights", "date_from=2026-11-02&date_to=2026-11-08") in audited


def test_charts_have_no_script_and_no_outside_url(admin_client, rows) -> None:  # noqa: ANN001
    _sample(rows)
    images = _images(admin_client.get("/insights", params=RANGE).text)
    assert images
    for svg in images:
        assert svg.startswith("<svg") and "<script" not in svg.lower() and "javascript:" not in svg
        assert "<!--" not in svg and "href" not in svg
        urls = set(re.findall(r"https?://[^\s\"'<>)]+", svg))
        assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    assert any(">=SUM(A1:A9)<" in svg for svg in images)  # a topic, drawn as text


def test_typed_text_is_escaped_in_the_page(admin_client, rows) -> None:  # noqa: ANN001
    _sample(rows)
    text = admin_client.get("/insights", params=RANGE).text
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;" in text
    assert "<script" not in text.lower()


def test_empty_range_draws_what_it_can_and_says_so(admin_client) -> None:  # noqa: ANN001
    page = admin_client.get("/insights", params=RANGE)
    assert page.status_code == 200
    assert "No conversations from 2026-11-02 to 2026-11-08." in page.text
    assert "No questions answered from the FAQ" in page.text and "No thumbs ratings" in page.text
    assert "None in this range." in page.text
    # Topics and ratings have nothing to draw; the three charts over time show zeros.
    assert len(_images(page.text)) == 2 * 3


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "not-a-date"}, "From: expected a date like 2026-11-03."),
        ({"date_from": "2020-01-01", "date_to": "2026-11-01"}, "the longest is 366 days"),
        ({"date_from": "2026-11-10", "date_to": "2026-11-01"}, "From is after To."),
    ],
)
def test_bad_dates_on_the_page_show_an_error_and_the_default(reviewer_client, params, message) -> None:  # noqa: ANN001
    page = reviewer_client.get("/insights", params=params)
    assert page.status_code == 200
    assert 'role="alert"' in page.text and message in page.text
    assert "Showing the last 30 days instead." in page.text
    assert "(30 days)" in page.text


def _csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.text)))


def test_csv_per_chart_with_headers_and_formula_safe_cells(admin_client, rows, engine) -> None:  # noqa: ANN001
    _sample(rows)
    activity = admin_client.get("/insights.csv", params={"chart": "activity", **RANGE})
    assert activity.status_code == 200
    assert activity.headers["content-type"] == "text/csv; charset=utf-8"
    assert activity.headers["content-disposition"] == (
        'attachment; filename="insights-activity-2026-11-02-2026-11-08.csv"'
    )
    assert activity.text.startswith('"Day","Conversations started","Parent messages"\r\n')
    table = _csv(activity)
    assert len(table) == 8 and table[1] == ["2026-11-02", "0", "0"] and table[2] == ["2026-11-03", "2", "2"]
    topics = _csv(admin_client.get("/insights.csv", params={"chart": "topics", **RANGE}))
    assert ["'=SUM(A1:A9)", "1", "1", "0", "down 1"] in topics
    feedback = _csv(admin_client.get("/insights.csv", params={"chart": "feedback", **RANGE}))
    assert feedback == [["Topic rated", "Thumbs up", "Thumbs down"], ["what_is_crs", "0", "1"]]
    understanding = _csv(admin_client.get("/insights.csv", params={"chart": "understanding", **RANGE}))
    assert understanding[3] == ["2026-11-04", "2", "1", "50.0", "1", "50.0"]
    assert "rain" not in str(understanding)  # counts only, no typed text
    urgent = _csv(admin_client.get("/insights.csv", params={"chart": "urgent", **RANGE}))
    assert urgent[2] == ["2026-11-03", "1", "0"]
    with engine.begin() as conn:
        details = conn.execute(
            select(audit_log.c.detail).where(audit_log.c.action == "export_insights")
        ).scalars()
        assert "chart=activity&date_from=2026-11-02&date_to=2026-11-08" in list(details)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"chart": "nope"}, "Unknown chart"),
        ({}, "Unknown chart"),
        ({"chart": "activity", "date_from": "2026-02-30"}, "From: expected a date"),
        (
            {"chart": "activity", "date_from": "2024-01-01", "date_to": "2026-01-01"},
            "the longest is 366 days",
        ),
    ],
)
def test_csv_refuses_bad_input(reviewer_client, params, message) -> None:  # noqa: ANN001
    response = reviewer_client.get("/insights.csv", params=params)
    assert response.status_code == 400 and message in response.text
    assert response.headers["content-type"].startswith("text/plain")


def test_insights_need_a_session(app) -> None:  # noqa: ANN001
    client = TestClient(app)
    for path in ("/insights", "/insights.csv?chart=activity"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].endswith("/login")


def test_a_topic_name_is_only_text_in_a_chart() -> None:
    from xml.etree import ElementTree

    rng = _range(0, 1)
    odd = 'javascript:x" src="http://e.example/<b>'  # short enough not to be cut
    data = insights.Insights(
        range=rng, periods=insights.periods(rng), conversations=[0, 0], messages=[1, 0],
        not_understood=[0, 0], out_of_scope=[0, 0], urgent_conversations=[0, 0],
        urgent_messages=[0, 0], topics=[insights.TopicCount(odd, 1, 1, 0)],
        ratings=[insights.Ratings(odd, 1, 0)],
    )  # fmt: skip
    for draw in (insights.topics_chart, insights.feedback_chart):
        svg = draw(data, insights.WIDE)
        tree = ElementTree.fromstring(svg)
        assert odd in [element.text for element in tree.iter()]
        for element in tree.iter():
            assert not {name.rsplit("}", 1)[-1] for name in element.attrib} & {"href", "src"}
            assert all("evil" not in value for value in element.attrib.values())
