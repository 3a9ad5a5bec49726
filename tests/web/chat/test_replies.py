import pytest

from web.chat.replies import MAX_BUTTONS, shape_replies


def test_plain_text_messages_get_ids() -> None:
    shaped = shape_replies([{"recipient_id": "a", "text": "Hi, care team."}, {"text": "Two"}])
    assert [m.text for m in shaped] == ["Hi, care team.", "Two"]
    assert len({m.id for m in shaped}) == 2
    assert not shaped[0].urgent


def test_urgent_marker_is_merged_into_the_text_before_it() -> None:
    shaped = shape_replies(
        [
            {"recipient_id": "a", "text": "Call now. care team"},
            {"recipient_id": "a", "custom": {"urgent": True, "level": "emergency"}},
            {"recipient_id": "a", "text": "More"},
        ]
    )
    assert len(shaped) == 2
    assert shaped[0].urgent and shaped[0].level == "emergency"
    assert not shaped[1].urgent


def test_unknown_level_becomes_urgent_and_lone_marker_is_dropped() -> None:
    assert shape_replies([{"custom": {"urgent": True}}]) == []
    shaped = shape_replies([{"text": "x"}, {"custom": {"urgent": True, "level": "weird"}}])
    assert shaped[0].level == "urgent"


def test_buttons_are_kept_and_bad_ones_dropped() -> None:
    shaped = shape_replies(
        [
            {
                "text": "Pick one",
                "buttons": [
                    {"title": "What is CRS?", "payload": "what is crs"},
                    {"title": 3, "payload": "x"},
                    "junk",
                    {"title": " ", "payload": "x"},
                ],
            }
        ]
    )
    assert [(b.title, b.payload) for b in shaped[0].buttons] == [("What is CRS?", "what is crs")]


def test_buttons_without_text_join_the_previous_message() -> None:
    shaped = shape_replies([{"text": "Pick"}, {"buttons": [{"title": "A", "payload": "a"}]}])
    assert len(shaped) == 1 and shaped[0].buttons[0].title == "A"


def test_unexpected_shapes_are_ignored() -> None:
    assert shape_replies({"text": "not a list"}) == []
    assert shape_replies(None) == []
    assert shape_replies([1, "x", {"text": 5}, {"image": "http://x"}, {"custom": {"other": 1}}]) == []


INTENTS = frozenset({"faq/what_is_crs", "faq/symptoms_general", "greet"})


def _kept(buttons: list, max_chars: int = 1000) -> list[tuple[str, str]]:
    shaped = shape_replies([{"text": "An answer. care team", "buttons": buttons}], max_chars, INTENTS)
    return [(b.title, b.payload) for b in shaped[0].buttons]


def test_related_topic_buttons_pass_through_unchanged() -> None:
    related = [
        {"title": "What are the signs of CRS?", "payload": "/faq/symptoms_general"},
        {"title": "What is CRS?", "payload": "What is CRS?"},
        {"title": "Hello", "payload": "/greet"},
    ]
    assert _kept(related) == [(b["title"], b["payload"]) for b in related]


def test_related_buttons_from_the_real_intents_pass() -> None:
    # Without explicit intents, every FAQ key of the domain is allowed.
    button = {"title": "Signs", "payload": "/faq/symptoms_general"}
    shaped = shape_replies([{"text": "x", "buttons": [button]}])
    assert shaped[0].buttons[0].payload == "/faq/symptoms_general"


@pytest.mark.parametrize(
    "payload",
    [
        "/restart",
        "/session_start",
        "/faq/not_a_topic",
        "/report_urgent_symptom",
        '/feedback{"feedback_value":"up"}',
        '/faq/what_is_crs{"x":"y"}',
        "/faq/what_is_crs@0.9",
        "/faq/what_is_crs extra",
        "/FAQ/what_is_crs",
        "//faq/what_is_crs",
        " /faq/what_is_crs",
        "faq/what_is_crs\n/restart",
        "  what is crs",
        "what\x00 is crs",
        "",
        "a" * 1001,
    ],
)
def test_buttons_with_unsafe_payloads_are_dropped(payload: str) -> None:
    assert _kept([{"title": "A title", "payload": payload}]) == []


@pytest.mark.parametrize(
    "title",
    [
        "<b>What is CRS?</b>",
        '<img src=x onerror="alert(1)">',
        "a > b",
        "line\nbreak",
        "bell\x07",
        "\u202eevil",
        "   ",
        "x" * 121,
    ],
)
def test_buttons_with_unsafe_titles_are_dropped(title: str) -> None:
    assert _kept([{"title": title, "payload": "What is CRS?"}]) == []


def test_payload_must_fit_the_message_limit() -> None:
    assert _kept([{"title": "Long", "payload": "a" * 50}], max_chars=40) == []
    assert _kept([{"title": "Short", "payload": "a" * 40}], max_chars=40) == [("Short", "a" * 40)]


def test_titles_are_trimmed_and_buttons_capped() -> None:
    many = [{"title": f" Topic {i} ", "payload": f"question {i}"} for i in range(10)]
    kept = _kept(many)
    assert len(kept) == MAX_BUTTONS
    assert kept[0] == ("Topic 0", "question 0")


def test_buttons_without_text_are_capped_too() -> None:
    extra = [{"title": f"T{i}", "payload": f"q{i}"} for i in range(MAX_BUTTONS)]
    shaped = shape_replies(
        [{"text": "Pick", "buttons": [{"title": "A", "payload": "a"}]}, {"buttons": extra}], 1000, INTENTS
    )
    assert len(shaped[0].buttons) == MAX_BUTTONS and shaped[0].buttons[0].title == "A"
