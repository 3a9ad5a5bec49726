"""Unit tests of the red-flag matcher on the project's spaCy pipeline."""

import sys

import pytest

from assistant.nlu import red_flag_clauses, red_flags
from assistant.nlu.red_flags import (
    NEGATED,
    PARENTS_FEELING,
    PAST_AND_OVER,
    SOMEONE_ELSE,
    assess,
    find_red_flags,
    is_emergency,
)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("his temp is 39.5 and he's confused, is that CRS?", "confusion"),
        ("my daughter is having a seizure", "seizure"),
        ("she cant breathe", "breathing"),
        ("my babys lips r blue", "breathing"),
        ("Liam is having a fit", "seizure"),
        ("he wont wake up", "consciousness"),
        ("temp 39.8 day 5 after kymriah", "fever"),
        ("fever of 103F after car t", "fever"),
        ("help my son cant breathe", "breathing"),
        ("her heart is racing", "heart"),
        ("he's slurring his words", "speech"),
        ("shes shakin n wont stop", "seizure"),
        ("high fever after kymria", "fever"),
        ("is it crs if my son is seeing things right now", "confusion"),
    ],
)
def test_reports_happening_now_are_flagged(nlp, text, category):
    flags = find_red_flags(nlp(text))
    assert category in {flag.category for flag in flags}, flags


@pytest.mark.parametrize(
    "text",
    [
        "can CRS cause seizures?",
        "is confusion a symptom of crs",
        "what should i do if she gets a fever after car t?",
        "if my son gets a fever tonight, what should we do?",
        "will he have seizures?",
        "does crs make kids confused",
        "what temperature counts as a fever",
        "seizure prevention crs",
        "my friend's son had seizures after car t, is that common?",
        "how long does the fever last",
        "what are the signs of crs",
        # A clause that opens with "suppose" or "imagine" sets up a case.
        "imagine he starts having a seizure on the bus, who do we call",
        "supposing she gets a high fever at night",
    ],
)
def test_general_questions_are_not_flagged(nlp, text):
    assert find_red_flags(nlp(text)) == []


def test_only_breathing_seizure_and_waking_are_emergencies(nlp):
    assert is_emergency(find_red_flags(nlp("my son cant breathe")))
    assert is_emergency(find_red_flags(nlp("she is having a seizure")))
    assert is_emergency(find_red_flags(nlp("he won't wake up")))
    assert not is_emergency(find_red_flags(nlp("his temp is 39.5")))
    assert not is_emergency(find_red_flags(nlp("she is confused")))


def test_a_normal_temperature_is_not_a_fever(nlp):
    assert find_red_flags(nlp("his temp is 37.2")) == []


def test_each_clause_is_judged_on_its_own(nlp):
    flags = find_red_flags(nlp("can crs cause seizures? my son is having a seizure now"))
    assert [f.text for f in flags] == ["seizure"]  # only the second clause is a report
    assert find_red_flags(nlp("can crs cause seizures? what about fever?")) == []


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01", "<script>alert(1)</script>", "🙂" * 500, "a" * 5000])
def test_odd_input_never_raises(nlp, text):
    assert isinstance(find_red_flags(nlp(text)), list)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("he hasn't had a fever at all since the infusion, is that good?", NEGATED),
        ("my daughter has never had seizures, why is she on keppra", NEGATED),
        ("we are on day 3 and no fever yet", NEGATED),
        ("he had a high fever last week but it broke on friday. was it crs?", PAST_AND_OVER),
        (
            "she was confused for a day in the picu but she's doing fine now, will it come back?",
            PAST_AND_OVER,
        ),
        ("my son had a seizure when he was a baby, does that raise his risk?", PAST_AND_OVER),
        ("I feel like I can't breathe every time I think about the icu", PARENTS_FEELING),
        ("my heart is racing just reading this", PARENTS_FEELING),
        ("someone's kid in our support group had a seizure after car t", SOMEONE_ELSE),
    ],
)
def test_signs_that_are_not_happening_now_are_mentions_not_reports(nlp, text, reason):
    assessment = assess(nlp(text))
    assert assessment.reports == []
    assert {m.reason for m in assessment.mentions} == {reason}


@pytest.mark.parametrize(
    "text",
    [
        "she won't stop seizing",
        "he isn't breathing right",
        "not sure what's going on but my son is shaking and won't stop",
        "no he can't breathe!!",
        "he had a seizure 10 minutes ago",
        "she had a fever an hour ago and now she's confused",
        "the fever went away but now he's really confused",
        "he was confused yesterday and he still is",
        "she's not breathing properly",
        "my daughter has a fever of 39 and no other symptoms",
        "he hasn't eaten and has a fever",
        "he is so drowsy i can't wake him",
        "my son's temp was 39 this morning and it's still 38.9",
        "he doesn't have a fever but he's really confused",
    ],
)
def test_negation_past_and_feelings_never_hide_a_report(nlp, text):
    assert assess(nlp(text)).reports, text


def test_a_negated_sign_beside_a_reported_one_is_listed_as_a_mention(nlp):
    assessment = assess(nlp("he doesn't have a fever but he's really confused"))
    assert [f.category for f in assessment.reports] == ["confusion"]
    assert [(m.category, m.reason) for m in assessment.mentions] == [("fever", NEGATED)]


@pytest.mark.parametrize(
    "text",
    [
        "she hasnt had any seizures, so why is she taking a seizure prevention medicine",
        "she didnt respond to chemo so they said car t is next, what is it",
        "my daughter got a drug called toci last night and her fever came down after, is that what it does",
        "he weighs 39.5 kg, is he big enough for car t",
        "i'm 38.5 weeks pregnant, can i visit him on the ward",
    ],
)
def test_sign_words_that_name_something_else_are_not_reports(nlp, text):
    assert find_red_flags(nlp(text)) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("my sons been shaking for 5 minutes and it wont stop", "seizure"),
        ("38,6 since this morning, day 3 of blincyto", "fever"),
        ("my 3 year old is 39.6 and crying nonstop", "fever"),
        ("he is trying to talk but the words wont come out", "speech"),
        # A seizure, a breathing problem or a child hard to wake is over only when it was long ago.
        ("she had a seizure but it went away after two minutes, is that crs?", "seizure"),
    ],
)
def test_more_report_phrasings_are_flagged(nlp, text, category):
    assert category in {flag.category for flag in find_red_flags(nlp(text))}


@pytest.mark.parametrize(
    "text",
    [
        "she's so sleepy i can barely wake her, day 6",  # "so" starts a sign phrase, not a new clause
        "he doesnt know who i am and keeps calling me the wrong name",
    ],
)
def test_reports_with_a_sign_phrase_that_starts_with_a_clause_word(nlp, text):
    assert find_red_flags(nlp(text))


@pytest.mark.parametrize(
    "text",
    [
        "they started her on keppra before the car t, is that to stop seizures",
        "why is she on seizure-prevention meds",
        "what does crs look like in a kid, is it just fever or more than that?",
        "steroids made my son really puffy last year, why use them for crs",
        "do steroids help with crs symptoms like fever and confusion?",
        "what does it mean if a child's lips turn blue?",
        "his crs fever is gone and they're talking about discharge, is that too soon?",
        "he has no symptoms right now but i check his temp every hour",
    ],
)
def test_questions_naming_signs_are_mentions_not_reports(nlp, text):
    assessment = assess(nlp(text))
    assert assessment.reports == []
    assert assessment.mentions  # so a classifier's urgent guess gives way to the answer


@pytest.mark.parametrize(
    "text",
    [
        "he has been puffy since last week",
        "help my son cant breathe",
        "please help, she is seizing",
        "help! fever 39.4",
        "my son is really sleepy and floppy, is that crs?",
        "his fever is gone but now he is confused",
        "her breathing problems are gone now",  # breathing trouble is never "over" unless long ago
    ],
)
def test_still_reports(nlp, text):
    assert find_red_flags(nlp(text)), text


def _matcher_steps(doc) -> int:
    """Python calls and lines run in red_flags.py and red_flag_clauses.py while it assesses `doc`:
    a deterministic work count."""
    steps = 0
    files = {red_flags.__file__, red_flag_clauses.__file__}

    def trace(frame, event, arg):
        nonlocal steps
        if frame.f_code.co_filename not in files:
            return None
        steps += 1
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        assess(doc)
    finally:
        sys.settrace(previous)
    return steps


@pytest.mark.parametrize(
    "unit",
    [
        "fever and ",  # a clause per sign (the security review's 10,000 chars: 8 s)
        "she had a fever, ",  # past tense: the whole message was re-read for each clause
        "my son is seizing and ",  # subjects: the sentence so far was re-read for each clause
        "he a b c d fever a b c d ",  # subjects far from the signs, in one clause
        "no fever no rash ",
        "what is crs ",
    ],
)
def test_the_work_grows_linearly_with_the_message(nlp, unit):
    """The matcher runs on Rasa's event loop: twice the message is about twice the work, never four times."""
    small, large = (nlp((unit * 1000)[:size]) for size in (2000, 4000))
    assert _matcher_steps(large) < 2.3 * _matcher_steps(small)


@pytest.mark.parametrize("last_line", ["my son is having a seizure", "his temp is 39.5 and he's confused"])
def test_a_report_in_the_last_line_of_a_long_message_is_found(nlp, last_line):
    """Nothing caps what is read: parents write a long story and the report comes last."""
    story = "we have been in hospital for days, can I ask what the nurses meant? " * 150
    flags = find_red_flags(nlp(story + "\n" + last_line))
    assert flags and len(story) > 10_000


def test_i_suppose_is_a_hedge_not_a_case(nlp):
    assert find_red_flags(nlp("i suppose hes just tired but he wont wake up"))
