"""Held-out NLU set (never trained on): the reply's intent or FAQ topic is right for >= 97%."""

from evaluation.outcome import outcome
from evaluation.scoring import score
from evaluation.sets import PROJECT_SETS, load_cases
from tests.model.conftest import write_result

MIN_ACCURACY = 0.97  # the target on the project's own held-out set, with the sentence encoder


def test_holdout_accuracy(parse):
    results = [
        score(case, outcome(parse(case.text))) for case in load_cases(PROJECT_SETS["held-out NLU set"])
    ]
    errors = [s for s in results if not s.right]
    accuracy = 1 - len(errors) / len(results)
    write_result(
        "holdout_accuracy",
        {
            "examples": len(results),
            "errors": len(errors),
            "accuracy": round(accuracy, 4),
            "mistakes": [
                {"text": s.case.text, "expected": s.case.expect, "predicted": s.got} for s in errors
            ],
        },
    )
    assert accuracy >= MIN_ACCURACY, [(s.case.text, s.case.expect, s.got) for s in errors]
