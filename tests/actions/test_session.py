import asyncio

from actions.session import ActionSessionStart
from tests.actions.conftest import make_tracker


def test_session_start_fills_contact_slots_from_settings(dispatcher):
    events = asyncio.run(ActionSessionStart().run(dispatcher, make_tracker(), {}))
    assert events[0]["event"] == "session_started"
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots == {"care_team_contact": "call them at +1 555 0100", "emergency_number": "112"}
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")
    assert dispatcher.messages == []
