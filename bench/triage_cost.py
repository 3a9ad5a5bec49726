"""What the triage model and the language check cost per message (`python -m bench.triage_cost`).

Times, in process, on the held-out questions of tests/data/nlu_holdout.yml: the language
guess (`assistant.nlu.language_id`), the triage model's probability for one message given
its sentence vector (`assistant.nlu.triage_model`, trained here on the project's corpus as
`rasa train` trains it), and, with `--model`, the whole NLU parse of the trained model.
Prints p50/p95 in milliseconds as JSON. No test asserts a timing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

from bench.accuracy import holdout_examples
from bench.load import percentile


def timed(texts: Sequence[str], run: Callable[[str], object], rounds: int = 3) -> Dict[str, float]:
    for text in texts[:10]:
        run(text)
    samples: List[float] = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            run(text)
            samples.append(time.perf_counter() - start)
    return {
        "p50_ms": round(percentile(samples, 50) * 1000, 3),
        "p95_ms": round(percentile(samples, 95) * 1000, 3),
    }


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.triage_cost", description=__doc__)
    parser.add_argument("--model", type=Path, help="a trained model: also time its whole NLU parse")
    args = parser.parse_args(argv)

    from assistant.nlu.language_id import shared_identifier
    from assistant.nlu.sentence_featurizer import shared_encoder
    from assistant.nlu.triage_model import TriageModel, encode_all
    from evaluation.choose_triage import training_data

    texts = [text for text, _ in holdout_examples()]
    corpus, labels = training_data()
    model = TriageModel.fit(corpus, labels, encode_all(corpus, shared_encoder().encode))
    vectors = {text: shared_encoder().encode([text]) for text in texts}
    identifier = shared_identifier()
    figures: Dict[str, object] = {
        "messages": len(texts),
        "language_guess": timed(texts, identifier.guess),
        "triage_probability": timed(texts, lambda t: model.probabilities([t], vectors[t])),
    }
    if args.model:
        from rasa.core.agent import Agent

        agent = Agent.load(str(args.model))
        loop = asyncio.new_event_loop()
        figures["nlu_parse"] = timed(
            texts, lambda t: loop.run_until_complete(agent.parse_message(t)), rounds=2
        )
        loop.close()
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
