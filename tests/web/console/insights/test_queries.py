"""The insights page's numbers, on SQLite and PostgreSQL: grouped counts, top topics,
thumbs and examples, with the tables, summaries and links made from them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import event

from tests.web.console.insights.support import D0, DAY, day_of, load, range_of
from web.console.insights import page, queries, summaries, tables


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
    data = load(engine, range_of(0, 4))
    assert [p.label for p in data.periods] == [(D0 + timedelta(days=i)).isoformat() for i in range(5)]
    assert data.conversations == [2, 0, 1, 0, 0]
    assert data.messages == [3, 0, 1, 0, 0]
    assert summaries.activity_summary(data) == (
        "3 conversations and 4 parent messages from 2026-11-02 to 2026-11-06; "
        "busiest day 2026-11-02 with 2 conversations started."
    )
    empty = load(engine, range_of(20, 26))
    assert empty.conversations == empty.messages == [0] * 7
    assert summaries.activity_summary(empty) == "No conversations from 2026-11-22 to 2026-11-28."


def test_weekly_counts_add_up_the_days(engine, rows) -> None:  # noqa: ANN001
    rows.messages(0, 2)
    rows.messages(6, 1)
    rows.messages(7, 5)
    rows.messages(89, 1)
    data = load(engine, range_of(0, 89))
    assert data.weekly and len(data.messages) == 13
    assert data.messages[:2] == [3, 5] and data.messages[-1] == 1 and sum(data.messages) == 9
    table = tables.activity_table(data)
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
    data = load(engine, range_of(0, 3))  # halves: days 0-1 and 2-3
    assert [(t.topic, t.total, t.earlier, t.later) for t in data.topics[:2]] == [
        ("what_is_crs", 7, 3, 4),
        ("fever", 5, 0, 5),
    ]
    assert len(data.topics) == 10 and data.topics[-1].topic == "rare_07"
    table = tables.topics_table(data)
    assert table.columns[2:] == ("Earlier half (2026-11-02 to 2026-11-03)",
                                 "Later half (2026-11-04 to 2026-11-05)", "Change")  # fmt: skip
    assert table.rows[0] == ("what_is_crs", 7, 3, 4, "up 1")
    assert summaries.topics_summary(data) == (
        "Most asked: what_is_crs (7 messages); rising most: fever (from 0 to 5 between the halves)."
    )
    one_day = load(engine, range_of(3, 3))
    assert tables.topics_table(one_day).columns == ("Topic", "Parent messages")


def test_not_understood_share_uses_low_confidence_and_out_of_scope(engine, rows) -> None:  # noqa: ANN001
    rows.message(0, confidence=0.5, text_redacted="low one")
    rows.message(0, confidence=0.7, text_redacted="fairly sure")
    rows.message(0, confidence=0.99, fallback=True, text_redacted="fell back")
    rows.message(0, confidence=None, text_redacted="no confidence")
    rows.message(0, out_of_scope=True, intent="out_of_scope", text_redacted="weather?")
    rows.message(1, confidence=0.1, kind="feedback", feedback="down")  # not a parent message
    data = load(engine, range_of(0, 1))
    assert data.messages == [5, 0]
    assert data.not_understood == [2, 0] and data.out_of_scope == [1, 0]
    assert tables.understanding_table(data).rows == [
        ("2026-11-02", 5, 2, "40.0", 1, "20.0"),
        ("2026-11-03", 0, 0, "0.0", 0, "0.0"),
    ]
    assert load(engine, range_of(0, 1), low=0.8).not_understood == [3, 0]
    assert summaries.understanding_summary(data) == (
        "Of 5 parent messages, 2 (40%) were not understood and 1 (20%) were out of scope."
    )


def test_examples_are_the_five_most_recent_redacted_texts(engine, rows) -> None:  # noqa: ANN001
    for i in range(7):
        rows.message(1, second=100 + i, fallback=True, text_redacted=f"lost {i} <NAME>", sender_id=f"c{i}")
    rows.message(1, second=999, confidence=0.2, kind="feedback", feedback="down", text_redacted="rating")
    rows.message(1, second=500, text_redacted="understood fine")
    rows.message(9, second=100, fallback=True, text_redacted="after the range")
    rows.message(0, out_of_scope=True, text_redacted="what about the weather")
    data = load(engine, range_of(0, 3))
    assert [e.text for e in data.not_understood_examples] == [f"lost {i} <NAME>" for i in (6, 5, 4, 3, 2)]
    assert data.not_understood_examples[0].sender_id == "c6"
    assert [e.text for e in data.out_of_scope_examples] == ["what about the weather"]


def test_thumbs_up_and_down_per_topic(engine, rows) -> None:  # noqa: ANN001
    for topic, up, down in (("what_is_crs", 4, 1), ("fever", 1, 3), (None, 2, 0)):
        rows.messages(0, up, kind="feedback", feedback="up", topic=topic)
        rows.messages(1, down, kind="feedback", feedback="down", topic=topic)
    rows.messages(1, 5, kind="feedback", feedback="down", topic="fever", day=day_of(-3))
    rows.message(1, kind="feedback", feedback=None, topic="fever")  # not a thumb
    rows.message(1, kind="user", topic="fever")  # a question, not a rating
    data = load(engine, range_of(0, 1))
    assert [(r.topic, r.up, r.down) for r in data.ratings] == [
        ("fever", 1, 3),
        ("what_is_crs", 4, 1),
        (queries.NO_TOPIC, 2, 0),
    ]
    assert (
        summaries.feedback_summary(data)
        == "11 ratings: 7 thumbs up, 4 thumbs down; most thumbs down: fever (3)."
    )


def test_urgent_conversations_per_day_link_to_the_filtered_list(engine, rows) -> None:  # noqa: ANN001
    rows.conversation("u1", 0, urgent=True)
    rows.conversation("u2", 0, second=DAY - 1, urgent=True)
    rows.conversation("calm", 0)
    rows.conversation("u3", 2, urgent=True)
    rows.conversation("u-before", -1, urgent=True)
    rows.message(2, urgent=True)
    data = load(engine, range_of(0, 2))
    assert data.urgent_conversations == [2, 0, 1] and data.urgent_messages == [0, 0, 1]
    assert page.urgent_links(data, "/console") == [
        ("2026-11-02: 2 conversations",
         "/console/conversations?date_from=2026-11-02&date_to=2026-11-02&flag=urgent"),
        ("2026-11-04: 1 conversation",
         "/console/conversations?date_from=2026-11-04&date_to=2026-11-04&flag=urgent"),
    ]  # fmt: skip
    weekly = load(engine, range_of(0, 89))
    assert page.urgent_links(weekly, "")[0][1] == (
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
        data = load(engine, range_of(0, 29))
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
