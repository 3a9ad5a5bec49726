"""The two questions of a message that asks two things."""

import pytest

from assistant.nlu.question_split import question_parts


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("what is crs and how long does it last", ["what is crs", "how long does it last"]),
        ("What is CRS? How long does it last?", ["What is CRS?", "How long does it last?"]),
        (
            "which tests do they do and will she need the ICU",
            ["which tests do they do", "will she need the ICU"],
        ),
        ("wat r cytokines n why does crs happen", ["wat r cytokines", "why does crs happen"]),
        ("is it dangerous, how is it treated", ["is it dangerous", "how is it treated"]),
    ],
)
def test_two_questions_are_split_in_the_order_asked(text, parts):
    assert question_parts(text) == parts


@pytest.mark.parametrize(
    "text",
    [
        "We start CAR T next week. What is CRS?",
        "what are the symptoms of crs and neurotoxicity",
        "crs? what even is that. it was on the consent form we signed",
        "my son has car t next week and im wondering what crs is",
        "",
        "??",
    ],
)
def test_one_question_is_not_split(text):
    assert question_parts(text) == []
