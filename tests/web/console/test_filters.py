"""Filters: parsed from untrusted query strings, applied in SQL on the summary."""

from datetime import date

from sqlalchemy import Engine

from assistant.topics import TOPIC_TITLES
from tests.web.console.rasa_rows import action, bot, insert_rows, user
from web.console.services import listing, reviews, summary
from web.console.services.filters import parse_filters

TOPICS = list(TOPIC_TITLES)
DAY = 86400.0
T0 = 1_700_000_000.0  # 2023-11-14


def _seed(engine: Engine) -> None:
    with engine.begin() as conn:
        insert_rows(conn, [
            user("a", "what is crs my son Liam", "faq", 0.97, "faq/what_is_crs", 0.9, ts=T0),
            bot("a", "answer", ts=T0),
            user("b", "seizure now", "report_urgent_symptom", ts=T0 + DAY),
            action("b", "utter_urgent", ts=T0 + DAY),
            user("c", "weather", "out_of_scope", 0.8, ts=T0 + 2 * DAY),
        ])  # fmt: skip
        reviews.set_reviewed(conn, "b", True, "rex")
    summary.sync(engine)


def _ids(engine: Engine, params: dict) -> list[str]:
    with engine.connect() as conn:
        page = listing.list_page(conn, parse_filters(params, TOPICS), 0.6, 25)
    return [c.sender_id for c in page.items]


def test_each_filter(engine: Engine) -> None:
    _seed(engine)
    assert _ids(engine, {}) == ["c", "b", "a"]  # newest first
    assert _ids(engine, {"flag": "urgent"}) == ["b"]
    assert _ids(engine, {"flag": "out_of_scope"}) == ["c"]
    assert _ids(engine, {"topic": "what_is_crs"}) == ["a"]
    assert _ids(engine, {"reviewed": "yes"}) == ["b"]
    assert _ids(engine, {"reviewed": "no"}) == ["c", "a"]
    assert _ids(engine, {"max_confidence": "0.85"}) == ["c"]
    assert _ids(engine, {"date_from": "2023-11-15"}) == ["c", "b"]
    assert _ids(engine, {"date_to": "2023-11-15"}) == ["b", "a"]
    assert _ids(engine, {"q": "WHAT IS"}) == ["a"]


def test_free_text_searches_redacted_text_only(engine: Engine) -> None:
    _seed(engine)
    assert _ids(engine, {"q": "Liam"}) == []


def test_search_wildcards_are_literal(engine: Engine) -> None:
    _seed(engine)
    assert _ids(engine, {"q": "%"}) == []
    assert _ids(engine, {"q": "_"}) == []
    assert _ids(engine, {"q": "what_is"}) == []


def test_invalid_values_are_reported_and_ignored(engine: Engine) -> None:
    _seed(engine)
    params = {"date_from": "yesterday", "topic": "x' OR 1=1 --", "flag": "<script>",
              "max_confidence": "2", "reviewed": "maybe", "page": "abc"}  # fmt: skip
    filters = parse_filters(params, TOPICS)
    assert len(filters.errors) == 6
    assert _ids(engine, params) == ["c", "b", "a"]
    assert filters.date_from is None and filters.page == 1


def test_query_string_round_trip_and_pagination(engine: Engine) -> None:
    _seed(engine)
    filters = parse_filters({"flag": "urgent", "date_from": "2023-01-02", "page": "2"}, TOPICS)
    assert filters.date_from == date(2023, 1, 2)
    again = parse_filters(dict(p.split("=") for p in filters.query_string().split("&")), TOPICS)
    assert again.flag == "urgent" and again.page == 2
    with engine.connect() as conn:
        page = listing.list_page(conn, parse_filters({"page": "2"}, TOPICS), 0.6, 2)
        beyond = listing.list_page(conn, parse_filters({"page": "99"}, TOPICS), 0.6, 2)
    assert [c.sender_id for c in page.items] == ["a"]
    assert page.pages == 2 and page.has_previous and not page.has_next
    assert beyond.number == 2 and [c.sender_id for c in beyond.items] == ["a"]
