import json

from tests.web.console import rasa_rows
from web.console.services.messages import (
    NOT_UNDERSTOOD,
    OUT_OF_SCOPE,
    THUMBS_DOWN,
    URGENT,
    build_messages,
)


def _rows(*rows: dict) -> list[dict]:
    return [dict(row, id=i + 1) for i, row in enumerate(rows)]


def test_faq_message_has_topic_and_confidences() -> None:
    rows = _rows(rasa_rows.user("s", "what is crs", "faq", 0.97, "faq/what_is_crs", 0.93))
    [message] = build_messages(rows, 0.6)
    assert message.topic == "what_is_crs"
    assert message.chosen == "faq/what_is_crs"
    assert (message.confidence, message.response_confidence) == (0.97, 0.93)
    assert message.flags == set()


def test_flags() -> None:
    rows = _rows(
        rasa_rows.user("s", "he is having a seizure", "report_urgent_symptom"),
        rasa_rows.user("s", "is it sunny", "out_of_scope"),
        rasa_rows.user("s", "blorp", "nlu_fallback", 0.2),
        rasa_rows.user("s", "when", "faq", 0.9, "faq/when_does_crs_start", 0.4),
        rasa_rows.user("s", "his temp is 39.5", "faq", 0.9, "faq/symptoms_general", 0.9),
        rasa_rows.action("s", "utter_urgent"),
        rasa_rows.user("s", "???", "greet", 0.9),
        rasa_rows.action("s", "action_default_fallback"),
        rasa_rows.user("s", '/feedback{"feedback_value":"down"}', "feedback", 1.0),
    )
    messages = build_messages(rows, 0.6)
    assert [m.flags for m in messages] == [
        {URGENT}, {OUT_OF_SCOPE}, {NOT_UNDERSTOOD}, {NOT_UNDERSTOOD}, {URGENT},
        {NOT_UNDERSTOOD}, {THUMBS_DOWN},
    ]  # fmt: skip
    assert messages[-1].kind == "feedback"
    assert messages[-1].feedback_value == "down"


def test_the_urgent_reply_flags_the_message_it_answers() -> None:
    rows = _rows(
        rasa_rows.user("s", "his temp is 39.5 now", "faq", 0.9, "faq/symptoms_general", 0.9),
        rasa_rows.action("s", "utter_urgent"),
        rasa_rows.user("s", "and her lips look blue", "faq", 0.9, "faq/symptoms_general", 0.9),
        rasa_rows.action("s", "utter_urgent"),
    )
    assert [m.flags for m in build_messages(rows, 0.6)] == [{URGENT}, {URGENT}]


def test_bot_reply_and_buttons_and_garbage_data() -> None:
    rows = _rows(
        rasa_rows.bot("s", "Did you mean?", buttons=[{"title": "What is CRS?", "payload": "/x"}]),
        {"sender_id": "s", "type_name": "user", "timestamp": 1.0, "intent_name": None,
         "action_name": None, "data": "not json"},
    )  # fmt: skip
    bot, user = build_messages(rows, 0.6)
    assert bot.kind == "bot" and bot.buttons == ["What is CRS?"]
    assert user.text == "" and user.intent is None


def test_an_unsure_triage_and_another_language_are_urgent_for_staff() -> None:
    unsure = rasa_rows.user("s", "she is not with it tonight", "express_feelings")
    unsure_data = json.loads(unsure["data"])
    unsure_data["parse_data"]["triage"] = {"probability": 0.4, "decision": "caution"}
    unsure["data"] = json.dumps(unsure_data)
    rows = _rows(
        unsure,
        rasa_rows.user("s", "mi hija tiene fiebre", "other_language"),
        rasa_rows.user("s", "what is crs", "faq", 0.97, "faq/what_is_crs", 0.93),
    )
    assert [m.flags for m in build_messages(rows, 0.6)] == [{URGENT}, {URGENT}, set()]
