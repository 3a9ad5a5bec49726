import asyncio

import pytest

from actions.feedback import ActionRecordFeedback
from tests.actions.conftest import make_tracker


@pytest.mark.parametrize(
    ("value", "response"), [("up", "utter_feedback_up"), ("down", "utter_feedback_down")]
)
def test_feedback_value_is_recorded_and_acknowledged(dispatcher, value, response):
    entities = [{"entity": "feedback_value", "value": value}]
    events = asyncio.run(
        ActionRecordFeedback().run(dispatcher, make_tracker("feedback", entities=entities), {})
    )
    assert events == [{"event": "slot", "name": "feedback_value", "value": value, "timestamp": None}]
    assert [m["response"] for m in dispatcher.messages] == [response]


def test_feedback_without_a_value_records_none_and_still_replies(dispatcher):
    events = asyncio.run(ActionRecordFeedback().run(dispatcher, make_tracker("feedback", text="meh"), {}))
    assert events[0]["value"] is None
    assert [m["response"] for m in dispatcher.messages] == ["utter_feedback_up"]


def test_unknown_feedback_value_is_ignored(dispatcher):
    entities = [{"entity": "feedback_value", "value": "<script>"}]
    events = asyncio.run(
        ActionRecordFeedback().run(dispatcher, make_tracker("feedback", entities=entities), {})
    )
    assert events[0]["value"] is None
