"""Print the figures the test run measured (results/*.json), for the log and the README."""

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent.parent / "results"


def load(name: str) -> dict:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def main() -> int:
    holdout = load("holdout_accuracy")
    reports = load("red_flags_reports")
    questions = load("red_flags_questions")
    grade = load("reading_grade")
    train = load("train")
    rows = [
        (
            "held-out accuracy (intent + response selector)",
            f"{holdout.get('accuracy', 0):.1%} ({holdout.get('examples', 0) - holdout.get('errors', 0)}"
            f"/{holdout.get('examples', 0)})"
            if holdout
            else "not measured",
        ),
        (
            "red-flag reports given the urgent reply",
            f"{reports['reports'] - len(reports['missed'])}/{reports['reports']}"
            if reports
            else "not measured",
        ),
        (
            "general questions given the urgent reply",
            f"{len(questions['alarmed'])}/{questions['questions']} ({questions['rate']:.1%})"
            if questions
            else "not measured",
        ),
        (
            "highest Flesch-Kincaid grade of any response",
            f"{grade['max_grade']} ({grade['response']})" if grade else "not measured",
        ),
        (
            "training time",
            f"{train['seconds']} s" + ("" if train.get("trained") else " (model unchanged, not retrained)")
            if train
            else "not measured",
        ),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
