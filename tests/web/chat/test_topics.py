"""The welcome's topics and the intents a button may carry: from the project's one source."""

from assistant.topics import TOPIC_TITLES
from web.chat.topics import WELCOME_TOPIC_KEYS, button_intents, welcome_buttons
from web.console.topics import faq_keys


def test_welcome_offers_common_topics_with_the_assistants_titles() -> None:
    buttons = welcome_buttons()
    assert [b["title"] for b in buttons] == [TOPIC_TITLES[key] for key in WELCOME_TOPIC_KEYS]
    # Like the fallback's buttons (actions/logic.topic_buttons), tapping asks the title.
    assert all(b["payload"] == b["title"] for b in buttons)
    assert "What is CRS?" in {b["title"] for b in buttons}
    assert set(WELCOME_TOPIC_KEYS) <= set(faq_keys())


def test_button_intents_are_faq_keys_and_small_talk_only() -> None:
    intents = button_intents()
    assert {f"faq/{key}" for key in faq_keys()} <= intents
    for forbidden in ("restart", "session_start", "feedback", "report_urgent_symptom", "out_of_scope", "faq"):
        assert forbidden not in intents
