"""Held-out NLU set (never trained on): intent + response-selector accuracy >= 95%."""

from tests.helpers import ROOT, nlu_examples
from tests.model.conftest import write_result

HOLDOUT = ROOT / "tests" / "data" / "nlu_holdout.yml"
MIN_ACCURACY = 0.95


def predicted_label(parse_data):
    intent = parse_data["intent"]["name"]
    if intent == "faq":
        return parse_data["response_selector"]["faq"]["response"]["intent_response_key"]
    return intent


def test_holdout_accuracy(parse):
    rows = [
        (text, expected, predicted_label(parse(text)))
        for expected, texts in nlu_examples(HOLDOUT).items()
        for text in texts
    ]
    errors = [row for row in rows if row[1] != row[2]]
    accuracy = 1 - len(errors) / len(rows)
    write_result(
        "holdout_accuracy",
        {
            "examples": len(rows),
            "errors": len(errors),
            "accuracy": round(accuracy, 4),
            "mistakes": [{"text": t, "expected": e, "predicted": p} for t, e, p in errors],
        },
    )
    assert accuracy >= MIN_ACCURACY, errors
