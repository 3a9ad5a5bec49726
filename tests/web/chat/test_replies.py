from web.chat.replies import shape_replies


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
