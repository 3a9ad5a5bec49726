"""The triage decision table (assistant/nlu/triage.py), row by row."""

import pytest

from assistant.nlu.triage import OperatingPoints, Signals, decide

POINTS = OperatingPoints(caution=0.2, urgent=0.9, veto=0.02)


@pytest.mark.parametrize(
    ("reports", "mentions", "classifier_urgent", "p", "expected"),
    [
        (True, False, False, 0.5, "urgent"),  # the matcher is sure
        (True, False, False, 0.01, "caution"),  # the model strongly disagrees: both
        (False, True, False, 0.95, "caution"),  # only mentioned, yet the model is sure: both
        (False, False, False, 0.95, "urgent"),  # words the matcher does not know
        (False, False, True, 0.5, "caution"),  # neither learned signal is sure
        (False, False, True, 0.05, "caution"),  # classifier alone: both
        (False, True, True, 0.05, "calm"),  # "no fever so far": the question is answered
        (False, True, False, 0.5, "caution"),  # nobody is sure
        (False, False, False, 0.5, "caution"),
        (False, False, False, 0.1, "calm"),
    ],
)
def test_the_table(reports, mentions, classifier_urgent, p, expected):
    assert decide(Signals(reports, mentions, classifier_urgent, p), POINTS) == expected


@pytest.mark.parametrize(
    ("reports", "mentions", "classifier_urgent", "expected"),
    [
        (True, False, False, "urgent"),
        (False, False, True, "urgent"),
        (False, True, True, "calm"),
        (False, False, False, "calm"),
    ],
)
def test_without_a_model_the_matcher_and_classifier_decide_as_before(
    reports, mentions, classifier_urgent, expected
):
    assert decide(Signals(reports, mentions, classifier_urgent, None), POINTS) == expected


def test_thresholds_out_of_order_are_refused():
    with pytest.raises(ValueError, match="veto <= caution <= urgent"):
        OperatingPoints(caution=0.9, urgent=0.2, veto=0.0)
