import asyncio

from actions.fallback import ActionDefaultAskAffirmation
from tests.actions.conftest import make_tracker


def selector(*ranking):
    return {
        "response_selector": {
            "faq": {"ranking": [{"intent_response_key": key, "confidence": conf} for key, conf in ranking]}
        }
    }


def test_offers_the_closest_topics_as_buttons(dispatcher):
    extra = selector(
        ("faq/steroids", 0.4),
        ("faq/il6_blockers", 0.3),
        ("faq/steroids", 0.1),
        ("faq/icu", 0.2),
        ("faq/source", 0.1),
    )
    asyncio.run(ActionDefaultAskAffirmation().run(dispatcher, make_tracker("nlu_fallback", extra=extra), {}))
    [message] = dispatcher.messages
    assert message["response"] == "utter_ask_affirmation"
    assert message["buttons"] == [
        {"title": "Are steroids used for CRS?", "payload": "Are steroids used for CRS?"},
        {"title": "What are IL-6 blockers?", "payload": "What are IL-6 blockers?"},
        {"title": "Will my child need the ICU?", "payload": "Will my child need the ICU?"},
    ]


def test_without_a_ranking_offers_the_general_topics(dispatcher):
    asyncio.run(ActionDefaultAskAffirmation().run(dispatcher, make_tracker("nlu_fallback"), {}))
    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert titles == ["What is CRS?", "What are the signs of CRS?", "What should I do if symptoms change?"]


def test_ignores_low_confidence_and_unknown_keys(dispatcher):
    extra = selector(("faq/not_a_topic", 0.9), ("faq/icu", 0.01))
    asyncio.run(ActionDefaultAskAffirmation().run(dispatcher, make_tracker("nlu_fallback", extra=extra), {}))
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]][0] == "What is CRS?"
