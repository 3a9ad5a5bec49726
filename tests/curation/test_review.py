"""Review: duplicates skipped, conflicts and held-out texts flagged, answers scripted."""

from curation.corrections import Correction
from curation.merge import destination, home_blocks
from curation.review import classify, review
from curation.training_data import example_key, held_out_texts, load_index


def scripted(*answers):
    """An ``input`` replacement answering in turn, then end of input (as Ctrl-D)."""
    remaining = list(answers)
    asked = []

    def ask(prompt):
        asked.append(prompt)
        if not remaining:
            raise EOFError
        return remaining.pop(0)

    ask.asked = asked
    return ask


def run_review(project, corrections, ask=None):
    homes = home_blocks(project.nlu)
    said = []
    outcome = review(
        corrections,
        load_index(project.nlu),
        held_out_texts([project.held_out]),
        lambda intent: destination(intent, homes, project.nlu),
        said.append,
        ask,
    )
    return outcome, said


def test_the_comparison_ignores_case_whitespace_and_entity_markup():
    assert example_key("  WHAT is\t CRS? ") == example_key("what is crs?")
    assert example_key("wat is [crs](topic)") == example_key("Wat is crs")
    assert example_key("what is crs") != example_key("what is crs?")


def test_classify(project):
    index, held_out = load_index(project.nlu), held_out_texts([project.held_out])
    duplicate = classify(Correction("faq/what_is_crs", " WAT IS  crs "), index, held_out)
    assert duplicate.duplicate is not None and duplicate.duplicate.path.name == "faq_basics.yml"
    conflict = classify(Correction("faq/car_t", "Explain CRS"), index, held_out)
    assert conflict.duplicate is None and conflict.risky
    assert [(k.intent, k.path.name, k.text) for k in conflict.conflicts] == [
        ("faq/what_is_crs", "faq_basics.yml", "explain crs")
    ]
    held = classify(Correction("faq/car_t", "is CAR T a kind of chemo"), index, held_out)
    assert held.held_out == "holdout.yml" and held.risky and not held.conflicts
    new = classify(Correction("faq/car_t", "what do car t cells do"), index, held_out)
    assert not new.risky and new.duplicate is None


def test_without_questions_new_examples_are_accepted_and_flagged_ones_rejected(project):
    corrections = [
        Correction("faq/car_t", "what do car t cells do"),
        Correction("faq/what_is_crs", "What is CRS"),  # already there
        Correction("report_urgent_symptom", "explain crs"),  # a conflict
        Correction("faq/car_t", "is car t a kind of chemo"),  # held out
    ]
    outcome, said = run_review(project, corrections)
    assert outcome.accepted == [corrections[0]]
    assert outcome.skipped == [corrections[1]]
    assert outcome.rejected == corrections[2:]
    text = "\n".join(said)
    assert "CONFLICT: already an example of faq/what_is_crs in faq_basics.yml: explain crs" in text
    assert "HELD-OUT" in text and "report_urgent_symptom  ->  urgent.yml" in text


def test_scripted_answers_accept_reject_edit_and_quit(project):
    corrections = [
        Correction("faq/car_t", "what do car t cells do"),  # Enter: accept (default)
        Correction("faq/car_t", "how long is car t"),  # n: reject
        Correction("greet", "helo"),  # e, then a new text, then y
        Correction("report_urgent_symptom", "explain crs"),  # conflict, Enter: reject
        Correction("report_urgent_symptom", "she is blue around the lips"),  # ?, then y
        Correction("faq/source", "where is this from"),  # q
        Correction("faq/source", "who wrote this"),  # never asked
    ]
    ask = scripted("", "n", "e", "  hello   there  friend ", "yes", "", "?", "y", "q")
    outcome, said = run_review(project, corrections, ask)
    assert outcome.accepted == [
        corrections[0],
        Correction("greet", "hello there friend"),
        corrections[4],
    ]
    assert outcome.rejected == [corrections[1], corrections[3]]
    assert outcome.not_reviewed == corrections[5:]
    assert "[y/N/e/q]" in ask.asked[5] and "[Y/n/e/q]" in ask.asked[0]
    assert any("please answer y" in line for line in said)


def test_a_redaction_placeholder_is_pointed_out(project):
    outcome, said = run_review(project, [Correction("report_urgent_symptom", "<NAME> is having a fit")])
    assert outcome.accepted and "NOTE: <NAME> is the console's redaction" in "\n".join(said)


def test_an_edit_to_a_known_text_is_then_skipped(project):
    ask = scripted("e", "how does CAR T work")
    outcome, _ = run_review(project, [Correction("faq/car_t", "how car t work")], ask)
    assert outcome.skipped == [Correction("faq/car_t", "how does CAR T work")] and not outcome.accepted


def test_end_of_input_quits(project):
    corrections = [Correction("faq/car_t", "a new one"), Correction("faq/car_t", "another one")]
    outcome, _ = run_review(project, corrections, scripted("y"))
    assert outcome.accepted == corrections[:1] and outcome.not_reviewed == corrections[1:]


def test_an_accepted_example_is_compared_with_the_later_ones(project):
    corrections = [
        Correction("faq/car_t", "tell me more"),
        Correction("faq/car_t", "Tell me  more"),
        Correction("faq/source", "tell me more"),
    ]
    outcome, said = run_review(project, corrections)
    assert outcome.accepted == corrections[:1]
    assert outcome.skipped == corrections[1:2]
    assert outcome.rejected == corrections[2:]
    assert "CONFLICT: already an example of faq/car_t in faq_basics.yml: tell me more" in "\n".join(said)
