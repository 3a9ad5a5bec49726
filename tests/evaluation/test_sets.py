"""The three set formats are read into cases."""

from evaluation.outcome import URGENT
from evaluation.scoring import NOT_URGENT
from evaluation.sets import PROJECT_SETS, load_cases


def test_dev_set_format(tmp_path):
    path = tmp_path / "set.yml"
    path.write_text(
        "cases:\n"
        "- text: what is crs\n  expect: what_is_crs\n"
        "- text: could crs cause seizures\n  expect: not_urgent_question\n  topic: symptoms_brain\n"
        "  also: [neurotoxicity]\n",
        encoding="utf-8",
    )
    first, second = load_cases(path)
    assert (first.text, first.expect, first.topic) == ("what is crs", "what_is_crs", None)
    assert (second.topic, tuple(second.also)) == ("symptoms_brain", ("neurotoxicity",))


def test_red_flag_format(tmp_path):
    path = tmp_path / "flags.yml"
    path.write_text(
        "reports:\n- he cant breathe\ngeneral_questions:\n- can crs cause fever\n", encoding="utf-8"
    )
    assert [(c.text, c.expect) for c in load_cases(path)] == [
        ("he cant breathe", URGENT),
        ("can crs cause fever", NOT_URGENT),
    ]


def test_nlu_format_strips_entity_markup(tmp_path):
    path = tmp_path / "nlu.yml"
    path.write_text(
        'version: "3.1"\nnlu:\n- intent: feedback\n  examples: |\n    - that was [great](feedback_value)\n',
        encoding="utf-8",
    )
    assert [(c.text, c.expect) for c in load_cases(path)] == [("that was great", "feedback")]


def test_the_project_sets_are_in_the_repo():
    for path in PROJECT_SETS.values():
        assert load_cases(path), path
