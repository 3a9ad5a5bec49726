"""Which FAQ answers a turn gives, from the parse data and the previous answer's topic."""

from typing import Any, Dict, List, Optional

import pytest
from rasa.shared.core.events import BotUttered, UserUttered

from assistant.faq_context import answer_plan, in_context, last_topic, related_topic, related_topics
from assistant.follow_ups import half_named_topics, has_own_words, is_follow_up

RELATED = {
    "symptoms_heart": ("supportive_care", "symptoms_lungs", "symptoms_brain"),
    "blinatumomab": ("car_t", "when_does_crs_start"),
    "steroids": ("il6_blockers", "immunosuppressant_tradeoffs"),
}


def parse(text: str, intent: str = "faq", ranking: Optional[Dict[str, float]] = None, **extra: Any) -> Dict:
    entries = [{"intent_response_key": f"faq/{k}", "confidence": v} for k, v in (ranking or {}).items()]
    return {
        "text": text,
        "intent": {"name": intent},
        "response_selector": {"faq": {"ranking": entries}},
        **extra,
    }


@pytest.mark.parametrize(
    "text", ["and the lungs?", "is that dangerous", "why not?", "what about kymriah", "the other one"]
)
def test_short_messages_that_lean_on_the_last_answer_are_follow_ups(text):
    assert is_follow_up(text)


@pytest.mark.parametrize(
    "text", ["what is crs", "how long will my child be watched", "is she at risk", "", "x " * 20 + "it"]
)
def test_questions_that_stand_alone_are_not_follow_ups(text):
    assert not is_follow_up(text)


def test_a_follow_up_of_only_linking_words_has_no_words_of_its_own():
    assert not has_own_words("and the other one?")
    assert has_own_words("and the lungs?")


def test_the_context_is_the_previous_turns_faq_answer_only():
    earlier = [
        UserUttered("what does crs do to the heart"),
        BotUttered("...", metadata={"utter_action": "utter_faq/symptoms_heart"}),
        UserUttered("and the lungs?"),
    ]
    assert last_topic(earlier) == "symptoms_heart"
    assert last_topic(
        [*earlier, BotUttered("...", metadata={"utter_action": "utter_faq/symptoms_lungs"})]
    ) == ("symptoms_heart")
    two_turns_ago = [*earlier[:2], UserUttered("thanks"), BotUttered("..."), UserUttered("and the lungs?")]
    assert last_topic(two_turns_ago) is None
    assert last_topic([UserUttered("hi")]) is None


def test_the_related_ones_are_boosted_and_the_last_topic_left_out():
    scores = {"symptoms_heart": 0.5, "what_is_crs": 0.3, "symptoms_lungs": 0.1}
    assert in_context(scores, "symptoms_heart", ("symptoms_lungs",)) == ("symptoms_lungs", pytest.approx(0.4))


def test_a_follow_up_is_answered_in_context():
    ranking = {"symptoms_heart": 0.4, "what_is_crs": 0.25, "symptoms_lungs": 0.2}
    assert answer_plan(parse("and the lungs?", ranking=ranking), "symptoms_heart", RELATED) == [
        "utter_faq/symptoms_lungs"
    ]


def test_a_follow_up_naming_a_new_topic_clearly_keeps_its_own_answer():
    ranking = {"causes": 0.8, "car_t": 0.05}
    assert answer_plan(parse("and what causes it", ranking=ranking), "blinatumomab", RELATED) == [
        "utter_faq/causes"
    ]


def test_a_bare_follow_up_is_answered_from_context_whatever_the_intent():
    plan = answer_plan(parse("and the other one?", "not_in_source", {"source": 0.2}), "blinatumomab", RELATED)
    assert plan == ["utter_faq/car_t"]


def test_a_question_the_source_does_not_answer_stays_honest_in_a_follow_up():
    ranking = {"blinatumomab": 0.6}
    assert answer_plan(parse("how is it given?", "not_in_source", ranking), "blinatumomab", RELATED) is None


def test_out_of_scope_follow_up_needs_a_likely_topic():
    weak = {"symptoms_lungs": 0.05}
    assert (
        answer_plan(parse("and what about the weather", "out_of_scope", weak), "symptoms_heart", RELATED)
        is None
    )


@pytest.mark.parametrize(
    "intent", ["report_urgent_symptom", "ask_medicine_dose", "feedback", "express_feelings", "other_language"]
)
def test_a_report_a_medicine_question_or_feelings_are_never_claimed(intent):
    assert answer_plan(parse("and that?", intent, {"car_t": 0.9}), "blinatumomab", RELATED) is None


def test_small_talk_is_claimed_only_for_a_follow_up_that_points_at_a_topic():
    assert answer_plan(parse("thanks, that helps", "thank", {"car_t": 0.9}), "blinatumomab", RELATED) is None
    assert answer_plan(parse("tell me more about the other one", "thank"), "blinatumomab", RELATED) == [
        "utter_faq/car_t"
    ]
    answer = "Most often blinatumomab (Blincyto) and tisagenlecleucel (Kymriah)."
    data = parse("whats the first one u said, blina something", "greet", {"source": 0.5})
    assert answer_plan(data, "which_therapies", RELATED, answer) == ["utter_faq/blinatumomab"]


def test_the_first_one_is_the_first_named_in_the_last_answer():
    answer = "Most often blinatumomab (Blincyto) and tisagenlecleucel (Kymriah), a CAR T-cell therapy."
    plan = answer_plan(parse("tell me more about the second one", "faq"), "which_therapies", RELATED, answer)
    assert plan == ["utter_faq/car_t"]


def test_two_questions_get_two_answers_in_order():
    data = parse(
        "what is crs and how long does it last", faq_questions=["faq/what_is_crs", "faq/recovery_time"]
    )
    assert answer_plan(data, None, RELATED) == ["utter_faq/what_is_crs", "utter_faq/recovery_time"]


def test_a_first_message_is_left_to_the_rules():
    assert answer_plan(parse("what is crs", ranking={"what_is_crs": 0.9}), None, RELATED) is None


def test_the_related_topic_offered_is_the_conversations_for_a_follow_up():
    data = parse("how is it given?", "not_in_source", {"severity_grading": 0.3})
    assert related_topic(data, "blinatumomab") == "blinatumomab"
    assert related_topic(parse("how is blincyto given", "not_in_source", {"blinatumomab": 0.6}), None) == (
        "blinatumomab"
    )


def test_related_topics_come_from_the_buttons_and_the_families():
    responses: Dict[str, List[Dict[str, Any]]] = {
        "utter_faq/symptoms_heart": [
            {"text": "...", "buttons": [{"title": "x", "payload": "What is supportive care?"}]}
        ],
        "utter_greet": [{"text": "hi"}],
    }
    related = related_topics(responses)
    assert list(related) == ["symptoms_heart"]
    assert related["symptoms_heart"][:4] == (
        "symptoms_general",
        "symptoms_brain",
        "symptoms_lungs",
        "symptoms_labs",
    )
    assert related["symptoms_heart"][4:] == ("supportive_care",)


def test_the_context_is_read_from_the_action_when_no_message_was_recorded():
    from rasa.shared.core.events import ActionExecuted

    selector = {"faq": {"response": {"intent_response_key": "faq/blinatumomab"}}}
    asked = UserUttered("what is blinatumomab", parse_data={"response_selector": selector})
    assert (
        last_topic([asked, ActionExecuted("utter_faq"), UserUttered("and the other one?")]) == "blinatumomab"
    )
    assert (
        last_topic([asked, ActionExecuted("utter_faq/car_t"), UserUttered("and the other one?")]) == "car_t"
    )


def test_the_other_medicine_of_the_same_topic_is_that_topic():
    data = parse("the other one, not tocilizumab, what was it called", "faq", {"steroids": 0.5})
    assert answer_plan(data, "il6_blockers", RELATED) == ["utter_faq/il6_blockers"]
    data = parse("not blincyto, the other one. what is it", "faq", {"blinatumomab": 0.9})
    assert answer_plan(data, "blinatumomab", RELATED) == ["utter_faq/car_t"]


def test_a_follow_up_is_beyond_the_source_only_when_both_models_say_so():
    ranking = {"symptoms_lungs": 0.3, "symptoms_heart": 0.3}
    rescoped = {"beyond": 0.8, "asks_beyond": True, "rescoped_from": "faq"}
    plan = answer_plan(
        parse("and in the heart?", "not_in_source", ranking, scope=rescoped), "symptoms_lungs", RELATED
    )
    assert plan == ["utter_faq/symptoms_heart"]
    unsure = {"beyond": 0.4, "asks_beyond": False}
    plan = answer_plan(
        parse("and in the heart?", "not_in_source", ranking, scope=unsure), "symptoms_lungs", RELATED
    )
    assert plan == ["utter_faq/symptoms_heart"]
    both = {"beyond": 0.9, "asks_beyond": True}
    assert (
        answer_plan(
            parse("how is it given?", "not_in_source", ranking, scope=both), "symptoms_lungs", RELATED
        )
        is None
    )
    first = parse("what does crs do to the heart", "not_in_source", ranking, scope=unsure)
    assert answer_plan(first, None, RELATED) is None


@pytest.mark.parametrize(
    "text, named",
    [
        ("and the other one u said, methyl something", ["steroids"]),
        ("what about the dexameth one", ["steroids"]),
        ("why not start them on steroids", []),
        ("is blincyto like that", []),
        ("and the lungs?", []),
        ("the other one, the level one", []),
        ("toci?", []),
    ],
)
def test_a_medicine_is_half_named_by_five_letters_or_more_of_its_name(text, named):
    assert half_named_topics(text) == named


def test_a_half_remembered_name_in_a_follow_up_is_its_topic():
    data = parse("and the other one u said, methyl something", "nlu_fallback", {"seizure_prevention": 0.3})
    assert answer_plan(data, "steroids", RELATED) == ["utter_faq/steroids"]


@pytest.mark.parametrize(
    "text, context, answer",
    [
        ("The other drug that causes CRS in kids. What's that one.", "car_t", "blinatumomab"),
        ("and the remaining one, then?", "blinatumomab", "car_t"),
        ("whats the other type of med, the broader one", "il6_blockers", "steroids"),
    ],
)
def test_the_other_one_after_a_therapy_or_medicine_is_its_pair(text, context, answer):
    data = parse(text, "faq", {"which_therapies": 0.9, "what_are_cytokines": 0.05})
    assert answer_plan(data, context, RELATED) == [f"utter_faq/{answer}"]


def test_the_other_one_that_names_a_topic_is_left_to_the_classifiers():
    data = parse("is the other one like kymriah", "faq", {"car_t": 0.9})
    assert answer_plan(data, "steroids", RELATED) == ["utter_faq/car_t"]
