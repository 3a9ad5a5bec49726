"""The welcome's topics and the intents a button may carry: from the project's one source."""

from assistant import project_files
from assistant.topics import TOPIC_TITLES
from web.chat.replies import shape_replies
from web.chat.topics import WELCOME_TOPIC_KEYS, button_intents, welcome_buttons


def test_welcome_offers_common_topics_with_the_assistants_titles() -> None:
    buttons = welcome_buttons()
    assert [b["title"] for b in buttons] == [TOPIC_TITLES[key] for key in WELCOME_TOPIC_KEYS]
    # Like the fallback's buttons (actions/logic.topic_buttons), tapping asks the title.
    assert all(b["payload"] == b["title"] for b in buttons)
    assert "What is CRS?" in {b["title"] for b in buttons}
    assert set(WELCOME_TOPIC_KEYS) <= set(project_files.faq_keys(project_files.domain()))


def test_button_intents_are_faq_keys_and_small_talk_only() -> None:
    intents = button_intents()
    assert {f"faq/{key}" for key in project_files.faq_keys(project_files.domain())} <= intents
    for forbidden in ("restart", "session_start", "feedback", "report_urgent_symptom", "out_of_scope", "faq"):
        assert forbidden not in intents


def _domain_buttons() -> list[dict[str, str]]:
    domain = project_files.domain()
    return [
        button
        for variants in (domain.get("responses") or {}).values()
        for variant in variants or []
        for button in variant.get("buttons") or []
    ]


def test_every_button_the_bot_can_send_reaches_the_widget_unchanged() -> None:
    # The domain's buttons (related topics under each answer) and the fallback's topic
    # buttons (title and payload: the topic's question, see actions/logic.topic_buttons).
    buttons = _domain_buttons() + [{"title": t, "payload": t} for t in TOPIC_TITLES.values()]
    for button in buttons:
        shaped = shape_replies([{"text": "An answer. care team", "buttons": [button]}])
        assert [(b.title, b.payload) for b in shaped[0].buttons] == [(button["title"], button["payload"])]
