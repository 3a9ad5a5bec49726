import asyncio

from actions.urgent import ActionRespondUrgent
from tests.actions.conftest import make_tracker


def run(tracker, dispatcher):
    return asyncio.run(ActionRespondUrgent().run(dispatcher, tracker, {}))


def test_breathing_red_flag_gets_the_emergency_reply(dispatcher):
    flags = [{"category": "breathing", "text": "cant breathe", "reason": "now", "emergency": True}]
    tracker = make_tracker("report_urgent_symptom", "my son cant breathe", extra={"red_flags": flags})
    assert run(tracker, dispatcher) == []
    [message] = dispatcher.messages
    assert message["response"] == "utter_urgent_emergency"
    assert message["custom"] == {
        "urgent": True,
        "level": "emergency",
        "emergency_number": "112",
        "care_team_phone": "+1 555 0100",
    }


def test_fever_red_flag_gets_the_urgent_reply(dispatcher):
    flags = [{"category": "fever", "text": "39.5", "reason": "measured temperature", "emergency": False}]
    tracker = make_tracker("report_urgent_symptom", "his temp is 39.5", extra={"red_flags": flags})
    run(tracker, dispatcher)
    [message] = dispatcher.messages
    assert message["response"] == "utter_urgent"
    assert message["custom"]["level"] == "urgent"


def test_report_found_by_the_intent_alone_still_gets_the_urgent_reply(dispatcher):
    run(make_tracker("report_urgent_symptom", "something is really wrong with my boy"), dispatcher)
    [message] = dispatcher.messages
    assert message["response"] == "utter_urgent"
    assert message["custom"]["urgent"] is True
