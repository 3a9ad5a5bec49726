"""`make evaluate`: the trained model on every labelled set, per label, with the misses.

python -m evaluation [--model models/crs.tar.gz] [--set NAME=PATH ...] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any, Dict, List, Sequence

from evaluation import conversations
from evaluation.outcome import cautioned, outcome
from evaluation.report import render, summary
from evaluation.scoring import Case, Scored, score
from evaluation.sets import PROJECT_SETS, ROOT, load_cases


def run_model(model: Path, sets: Dict[str, List[Case]]) -> Dict[str, List[Scored]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()

    def judge(case: Case) -> Scored:
        parse_data = loop.run_until_complete(agent.parse_message(case.text))
        return score(case, outcome(parse_data), cautioned(parse_data))

    try:
        return {name: [judge(case) for case in cases] for name, cases in sets.items()}
    finally:
        loop.close()


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m evaluation", description=__doc__)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "crs.tar.gz")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=PATH", help="an extra set (dev-set format)"
    )
    parser.add_argument("--json", type=Path, default=ROOT / "results" / "evaluation.json")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    paths = dict(PROJECT_SETS)
    for item in args.set:
        name, _, path = item.rpartition("=")
        paths[name or Path(path).stem] = Path(path)
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise SystemExit(f"no such set: {', '.join(missing)}")
    if not args.model.is_file():
        raise SystemExit(f"no trained model at {args.model}: run `make train` first")
    results = run_model(args.model, {name: load_cases(path) for name, path in paths.items()})
    report: Dict[str, Any] = {name: summary(scored) for name, scored in results.items()}
    print(render(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    conversation_sets = {
        name: conversations.load_conversations(path)
        for name, path in conversations.conversation_sets().items()
    }
    if conversation_sets:
        played = conversations.run_conversations(args.model, conversation_sets)
        for name, items in played.items():
            print("\n" + conversations.render(name, items))
            report[f"conversation: {name}"] = conversations.figures(items)
    args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
