"""Where one turn's time goes, in process (`python -m bench.breakdown MODEL`), as JSON.

NLU: `Agent.parse_message`. Policies: one next-action prediction on a tracker
holding the parsed message (a turn makes two: the answer, then `action_listen`).
The rest of a turn's latency over REST is Rasa's per-turn machinery (tracker
store, events, action execution, HTTP), the same whatever the configuration.
A separate process, so the benchmark's own process never loads TensorFlow.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

from bench.accuracy import holdout_examples
from bench.load import percentile


def breakdown(model: Path, rounds: int = 2) -> Dict[str, Any]:
    from rasa.core.agent import Agent
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    agent = Agent.load(str(model))
    processor = agent.processor
    assert processor is not None
    texts = [text for text, _ in holdout_examples()]
    loop = asyncio.new_event_loop()
    nlu: List[float] = []
    policy: List[float] = []
    for text in texts[:10]:  # warm-up
        loop.run_until_complete(agent.parse_message(text))
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            parsed = loop.run_until_complete(agent.parse_message(text))
            nlu.append(time.perf_counter() - start)
            tracker = DialogueStateTracker.from_events(
                "breakdown",
                [
                    ActionExecuted("action_session_start"),
                    SessionStarted(),
                    ActionExecuted(ACTION_LISTEN_NAME),
                    UserUttered(text, parsed["intent"], parsed["entities"], parse_data=parsed),
                ],
                agent.domain.slots,
            )
            start = time.perf_counter()
            processor._predict_next_with_tracker(tracker)
            policy.append(time.perf_counter() - start)
    loop.close()
    return {
        "nlu_p50_ms": percentile(nlu, 50) * 1000,
        "policy_p50_ms": percentile(policy, 50) * 1000,
        "turns": len(nlu),
    }


if __name__ == "__main__":
    print(json.dumps(breakdown(Path(sys.argv[1]))))
