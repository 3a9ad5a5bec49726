"""Held-out accuracy of one model (`python -m bench.accuracy MODEL`), printed as JSON.

A separate process, so the benchmark's own process never loads TensorFlow.
Label: the intent, or `faq/<key>` from the response selector for the FAQ intent.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

from assistant.project_files import nlu_examples
from launcher.stack import ROOT

HOLDOUT = ROOT / "tests" / "data" / "nlu_holdout.yml"


def holdout_examples(path: Path = HOLDOUT) -> List[Tuple[str, str]]:
    """(text, expected label) pairs, entity markup removed."""
    return [(text, intent) for intent, text in nlu_examples(path)]


def predicted_label(parse_data: Dict[str, Any]) -> str:
    intent = parse_data["intent"]["name"]
    if intent == "faq":
        # The project's selector is trained for `faq`; Rasa's default one for all
        # retrieval intents, under the key `default`.
        selectors = parse_data["response_selector"]
        selector = selectors.get("faq") or selectors["default"]
        return selector["response"]["intent_response_key"]
    return intent


def evaluate(model: Path) -> Dict[str, Any]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    pairs = holdout_examples()
    loop = asyncio.new_event_loop()
    wrong = [
        (text, expected, label)
        for text, expected in pairs
        if (label := predicted_label(loop.run_until_complete(agent.parse_message(text)))) != expected
    ]
    loop.close()
    return {"examples": len(pairs), "errors": len(wrong), "accuracy": 1 - len(wrong) / len(pairs)}


if __name__ == "__main__":
    print(json.dumps(evaluate(Path(sys.argv[1]))))
