"""Every FAQ answer offers 2 or 3 related topics as quick-reply buttons.

The related-topic map lives in domain/faq_answers.yml only (`buttons:` of each `utter_faq/<key>`).
Each button's title and payload are the topic's question from assistant/topics.py,
which is also a training example of that topic, so a tap asks that question.
"""

from typing import Dict, List

from assistant.topics import TOPIC_TITLES
from tests.helpers import contract_keys, domain, training_examples

TITLE_TO_KEY = {title: key for key, title in TOPIC_TITLES.items()}


def related_buttons() -> Dict[str, List[Dict[str, str]]]:
    """FAQ key -> buttons of its (single) response variation."""
    out = {}
    for name, variations in domain()["responses"].items():
        if name.startswith("utter_faq/"):
            for variation in variations:
                out.setdefault(name.split("/", 1)[1], []).extend(variation.get("buttons") or [])
    return out


def test_every_faq_answer_offers_two_or_three_related_topics():
    counts = {key: len(buttons) for key, buttons in related_buttons().items()}
    assert set(counts) == set(contract_keys())
    assert {key: n for key, n in counts.items() if not 2 <= n <= 3} == {}


def test_every_faq_response_has_one_variation_so_the_map_is_one_place():
    variations = {n: len(v) for n, v in domain()["responses"].items() if n.startswith("utter_faq/")}
    assert {n: count for n, count in variations.items() if count != 1} == {}


def test_button_titles_are_the_topic_questions_and_payloads_ask_them():
    wrong = [
        (key, button)
        for key, buttons in related_buttons().items()
        for button in buttons
        if button.get("title") not in TITLE_TO_KEY or button.get("payload") != button.get("title")
    ]
    assert wrong == []


def test_related_topics_are_other_topics_without_repeats():
    bad = {}
    for key, buttons in related_buttons().items():
        targets = [TITLE_TO_KEY.get(b.get("title")) for b in buttons]
        if key in targets or len(set(targets)) != len(targets):
            bad[key] = targets
    assert bad == {}


def test_every_payload_is_a_training_example_of_its_topic():
    examples = training_examples()
    missing = [
        (key, button["payload"])
        for key, buttons in related_buttons().items()
        for button in buttons
        if button["payload"] not in examples.get(f"faq/{TITLE_TO_KEY.get(button['payload'])}", [])
    ]
    assert missing == []


def test_only_faq_answers_carry_related_topic_buttons():
    others = [
        name
        for name, variations in domain()["responses"].items()
        if not name.startswith("utter_faq/") and any(v.get("buttons") for v in variations)
    ]
    assert others == []
