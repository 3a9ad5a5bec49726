from datetime import date

from assistant.topics import TOPIC_TITLES
from tests.web.console.rasa_rows import action, bot, user
from web.console.conversations import Conversation
from web.console.filters import apply_filters, paginate, parse_filters
from web.console.messages import build_messages

TOPICS = list(TOPIC_TITLES)
DAY = 86400.0
T0 = 1_700_000_000.0  # 2023-11-14


def _conv(sender: str, rows: list[dict], reviewed: bool = False) -> Conversation:
    rows = [dict(r, id=i + 1) for i, r in enumerate(rows)]
    return Conversation(sender, build_messages(rows, 0.6), reviewed=reviewed)


CONVS = [
    _conv("a", [user("a", "what is crs my son Liam", "faq", 0.97, "faq/what_is_crs", 0.9, ts=T0),
                bot("a", "answer", ts=T0)]),
    _conv("b", [user("b", "seizure now", "report_urgent_symptom", ts=T0 + DAY),
                action("b", "action_respond_urgent", ts=T0 + DAY)], reviewed=True),
    _conv("c", [user("c", "weather", "out_of_scope", 0.8, ts=T0 + 2 * DAY)]),
]  # fmt: skip


def _ids(params: dict) -> list[str]:
    return [c.sender_id for c in apply_filters(CONVS, parse_filters(params, TOPICS))]


def test_each_filter() -> None:
    assert _ids({}) == ["a", "b", "c"]
    assert _ids({"flag": "urgent"}) == ["b"]
    assert _ids({"flag": "out_of_scope"}) == ["c"]
    assert _ids({"topic": "what_is_crs"}) == ["a"]
    assert _ids({"reviewed": "yes"}) == ["b"]
    assert _ids({"reviewed": "no"}) == ["a", "c"]
    assert _ids({"max_confidence": "0.85"}) == ["c"]
    assert _ids({"date_from": "2023-11-15"}) == ["b", "c"]
    assert _ids({"date_to": "2023-11-15"}) == ["a", "b"]
    assert _ids({"q": "WHAT IS"}) == ["a"]


def test_free_text_searches_redacted_text_only() -> None:
    assert _ids({"q": "Liam"}) == []


def test_invalid_values_are_reported_and_ignored() -> None:
    filters = parse_filters(
        {"date_from": "yesterday", "topic": "x' OR 1=1 --", "flag": "<script>",
         "max_confidence": "2", "reviewed": "maybe", "page": "abc"},
        TOPICS,
    )  # fmt: skip
    assert len(filters.errors) == 6
    assert apply_filters(CONVS, filters) == CONVS
    assert filters.date_from is None and filters.page == 1


def test_query_string_round_trip_and_pagination() -> None:
    filters = parse_filters({"flag": "urgent", "date_from": "2023-01-02", "page": "2"}, TOPICS)
    assert filters.date_from == date(2023, 1, 2)
    again = parse_filters(dict(p.split("=") for p in filters.query_string().split("&")), TOPICS)
    assert again.flag == "urgent" and again.page == 2
    page = paginate(CONVS, 2, 2)
    assert [c.sender_id for c in page.items] == ["c"]
    assert page.pages == 2 and page.has_previous and not page.has_next
