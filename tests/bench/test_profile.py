"""bench/profile.py: py-spy's raw stacks parsed and put in buckets by module path (no timing)."""

from __future__ import annotations

from collections import Counter
from typing import List

import pytest

from bench.profile import (
    ACTIONS,
    LOCKS,
    LOGGING,
    NLU,
    OTHER,
    POLICIES,
    RETRIEVE,
    SANIC,
    SAVE,
    SERIALISATION,
    Frame,
    ProfileResult,
    aggregate,
    classify,
    module_path,
    nested,
    parse_frame,
    parse_raw,
    table,
)

SITE = "/srv/app/.venv/lib/python3.10/site-packages"
STDLIB = "/usr/lib/python3.10"
ROOT = "/srv/app"

# The frames every REST turn starts with (Sanic, the channel, the agent, the processor).
REQUEST = [
    ("serve", f"{SITE}/sanic/server/runners.py"),
    ("connection_task", "connection_task"),
    ("handle_request", "handle_request"),
    ("receive", f"{ROOT}/assistant/plugins/channels.py"),
    ("handler", f"{SITE}/rasa/core/channels/channel.py"),
    ("handle_message", f"{SITE}/rasa/core/agent.py"),
    ("handle_message", f"{SITE}/rasa/core/processor.py"),
]
GRAPH = [
    ("run", f"{SITE}/rasa/engine/runner/dask.py"),
    ("get_sync", f"{SITE}/dask/local.py"),
    ("__call__", f"{SITE}/rasa/engine/graph.py"),
]


def stack(*frames: tuple) -> List[Frame]:
    return [parse_frame(f"{name} ({path}:{line})", ROOT) for line, (name, path) in enumerate(frames, 1)]


def processor(function: str) -> tuple:
    return (function, f"{SITE}/rasa/core/processor.py")


def test_module_paths():
    assert module_path(f"{SITE}/rasa/core/processor.py", ROOT) == "rasa/core/processor.py"
    assert module_path(f"{STDLIB}/json/decoder.py", ROOT) == "json/decoder.py"
    assert module_path("/root/.pyenv/versions/3.10.13/lib/python3.10/copy.py", ROOT) == "copy.py"
    assert module_path(f"{ROOT}/assistant/plugins/nlg.py", ROOT) == "assistant/plugins/nlg.py"
    assert module_path("connection_task", ROOT) == "connection_task"


def test_frames_with_and_without_line_numbers():
    assert parse_frame(f"<listcomp> ({SITE}/dask/local.py:238)", ROOT) == Frame("<listcomp>", "dask/local.py")
    generated = parse_frame("connection_task (connection_task:15)", ROOT)
    assert generated == Frame("connection_task", "connection_task")
    assert parse_frame(f"process ({SITE}/rasa/nlu/x.py)", ROOT) == Frame("process", "rasa/nlu/x.py")


def test_raw_lines_drop_pyspys_pseudo_frames_but_not_functions_named_process():
    line = (
        'process 13593:"/srv/app/.venv/bin/python rasa run";thread (13593): MainThread;'
        f"serve ({SITE}/sanic/server/runners.py:155);"
        f"process ({SITE}/rasa/nlu/selectors/response_selector.py:531) 7"
    )
    [(frames, samples)] = list(parse_raw([line, "", "garbage"], ROOT))
    assert samples == 7
    assert [f.function for f in frames] == ["serve", "process"]


@pytest.mark.parametrize(
    "frames, bucket, detail",
    [
        (
            [
                *REQUEST,
                processor("log_message"),
                processor("_handle_message_with_tracker"),
                processor("parse_message"),
                processor("_parse_message_with_graph"),
                *GRAPH,
                ("process", f"{SITE}/rasa/nlu/selectors/response_selector.py"),
                ("_predict", f"{SITE}/rasa/nlu/classifiers/diet_classifier.py"),
            ],
            NLU,
            "ResponseSelector",
        ),
        (
            [
                *REQUEST,
                processor("parse_message"),
                *GRAPH,
                ("process", f"{SITE}/rasa/nlu/tokenizers/tokenizer.py"),  # a base class's method
                ("tokenize", f"{SITE}/rasa/nlu/tokenizers/spacy_tokenizer.py"),
            ],
            NLU,
            "SpacyTokenizer",
        ),
        (
            [
                *REQUEST,
                processor("parse_message"),
                *GRAPH,
                ("process", f"{ROOT}/assistant/nlu/sentence_featurizer.py"),
            ],
            NLU,
            "SentenceEncoderFeaturizer",
        ),
        ([*REQUEST, processor("parse_message"), *GRAPH[:2]], NLU, "graph runner (dask)"),
        (
            [
                *REQUEST,
                processor("_run_prediction_loop"),
                processor("_predict_next_with_tracker"),
                *GRAPH,
                ("predict_action_probabilities", f"{SITE}/rasa/core/policies/rule_policy.py"),
            ],
            POLICIES,
            "RulePolicy",
        ),
        (
            [
                *REQUEST,
                processor("fetch_tracker_and_update_session"),
                processor("get_tracker"),
                ("retrieve", f"{ROOT}/assistant/plugins/tracker_store.py"),
                ("_retrieve", f"{SITE}/rasa/core/tracker_store.py"),
                ("from_dict", f"{SITE}/rasa/shared/core/trackers.py"),
                ("loads", f"{STDLIB}/json/__init__.py"),
            ],
            RETRIEVE,
            "events, replay",
        ),
        (
            [
                *REQUEST,
                processor("save_tracker"),
                ("save", f"{ROOT}/assistant/plugins/tracker_store.py"),
                ("commit", f"{SITE}/sqlalchemy/orm/session.py"),
            ],
            SAVE,
            "SQL",
        ),
        (
            [*REQUEST, processor("save_tracker"), ("dumps", f"{STDLIB}/json/__init__.py")],
            SAVE,
            "JSON",
        ),
        (
            [
                *REQUEST,
                processor("_run_prediction_loop"),
                processor("_run_action"),
                processor("_log_action_on_tracker"),
                ("deepcopy", f"{STDLIB}/copy.py"),
                ("_deepcopy_dict", f"{STDLIB}/copy.py"),
            ],
            LOGGING,
            "deepcopy for a debug log (_log_action_on_tracker)",
        ),
        (
            [*REQUEST, processor("save_tracker"), ("debug", f"{STDLIB}/logging/__init__.py")],
            LOGGING,
            "logging",
        ),
        (
            [
                ("handle_message", f"{SITE}/rasa/core/agent.py"),
                ("lock", f"{SITE}/rasa/core/lock_store.py"),
                ("issue_ticket", f"{ROOT}/assistant/plugins/lock_store.py"),
            ],
            LOCKS,
            "lock_store",
        ),
        (
            [
                *REQUEST,
                processor("_run_prediction_loop"),
                processor("_run_action"),
                ("run", f"{SITE}/rasa/core/actions/action.py"),
                ("generate", f"{ROOT}/assistant/plugins/nlg.py"),
            ],
            ACTIONS,
            "nlg",
        ),
        (
            [*REQUEST, processor("_run_prediction_loop"), ("as_dict", f"{SITE}/rasa/shared/core/events.py")],
            SERIALISATION,
            "as_dict (rasa/shared/core/events.py)",
        ),
        (
            [*REQUEST, processor("is_action_limit_reached")],
            OTHER,
            "is_action_limit_reached (rasa/core/processor.py)",
        ),
        (REQUEST[:3], SANIC, "handle_request"),
        ([("run", f"{STDLIB}/threading.py")], OTHER, "run (threading.py)"),
    ],
)
def test_classify(frames, bucket, detail):
    assert classify(stack(*frames)) == (bucket, detail)


def test_samples_add_up_per_bucket_and_detail():
    a = stack(*REQUEST[:3])
    b = stack(*REQUEST, processor("save_tracker"), ("commit", f"{SITE}/sqlalchemy/orm/session.py"))
    counts = aggregate([(a, 3), (b, 5), (a, 2)])
    assert counts == Counter({(SANIC, "handle_request"): 5, (SAVE, "SQL"): 5})
    assert nested(counts) == {SANIC: {"handle_request": 5}, SAVE: {"SQL": 5}}


def test_ms_per_turn_is_the_share_of_the_main_threads_cpu():
    result = ProfileResult(
        label="x",
        turns=100,
        errors=0,
        seconds=60.0,
        cpu_main_ms_per_turn=20.0,
        cpu_all_ms_per_turn=22.0,
        p50_ms=50.0,
        samples={NLU: {"ResponseSelector": 30, "CountVectorsFeaturizer": 20}, SAVE: {"SQL": 50}},
        load_average="1.0 1.0 1.0",
    )
    assert result.total_samples == 100
    assert result.ms_per_turn(result.bucket_samples(NLU)) == pytest.approx(10.0)
    figures = result.as_dict()
    assert figures["buckets"][SAVE] == {"samples": 50, "ms_per_turn": 10.0, "details": {"SQL": 50}}
    text = table([result])
    assert "| NLU | 50.0% / 10.00 |" in text and "| &nbsp;&nbsp;ResponseSelector | 30.0% / 6.00 |" in text
    assert "| other threads (TF/ONNX pools, unsampled), CPU ms per turn | 2.00 |" in text
