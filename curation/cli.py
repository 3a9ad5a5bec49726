"""`make corrections FILE=...`: review the console's corrections export, merge the accepted
examples into data/nlu/, retrain and evaluate.

python -m curation FILE [--accept-all | --dry-run] [--no-train]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional, Sequence

from curation.corrections import (
    Correction,
    CorrectionsError,
    domain_problems,
    load_domain,
    read_corrections,
)
from curation.merge import Change, MergeError, destination, home_blocks, plan, write
from curation.retrain import Runner, retrain_and_evaluate, run_command
from curation.review import Ask, Outcome, Say, review
from curation.training_data import held_out_texts, load_index
from evaluation.sets import PROJECT_SETS

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m curation",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", type=Path, help="corrections exported from the console (Rasa NLU YAML)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--accept-all",
        action="store_true",
        help="no questions: accept every new example, reject every conflict and held-out text",
    )
    mode.add_argument(
        "--dry-run",
        action="store_true",
        help="only print what would change (with the defaults of --accept-all); write nothing",
    )
    parser.add_argument("--no-train", action="store_true", help="merge only: do not retrain and evaluate")
    parser.add_argument("--nlu-dir", type=Path, default=ROOT / "data" / "nlu", help=argparse.SUPPRESS)
    parser.add_argument("--domain", type=Path, default=ROOT / "domain", help=argparse.SUPPRESS)
    parser.add_argument(
        "--held-out",
        type=Path,
        action="append",
        metavar="FILE",
        help="a set never trained on (default: the project's held-out and red-flag sets)",
    )
    return parser.parse_args(argv)


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def summary(outcome: Outcome) -> str:
    return (
        f"{len(outcome.accepted)} accepted, {len(outcome.rejected)} rejected, "
        f"{len(outcome.skipped)} already in the training data"
        + (f", {len(outcome.not_reviewed)} not reviewed" if outcome.not_reviewed else "")
    )


def describe_changes(changes: Sequence[Change]) -> List[str]:
    lines = []
    for change in changes:
        count = sum(len(examples) for examples in change.added.values())
        verb = "create" if change.created else "add to"
        lines.append(f"{verb} {shown(change.path)}: {count} example(s)")
        for intent, examples in change.added.items():
            lines += [f"    + {intent}: {example}" for example in examples]
    return lines


def main(
    argv: Sequence[str] | None = None,
    ask: Optional[Ask] = None,
    say: Say = print,
    run: Runner = run_command,
    root: Path = ROOT,
) -> int:
    """``ask`` answers the review's questions (``input`` on a terminal), ``run`` runs the
    training and evaluation commands in ``root``: both are replaced in the tests."""
    args = parse_args(argv)
    corrections = _checked_corrections(args.file, args.domain)
    ask = _asker(args, ask)
    homes = home_blocks(args.nlu_dir)
    held_out = held_out_texts(args.held_out if args.held_out is not None else PROJECT_SETS.values())
    say(f"{len(corrections)} correction(s) in {shown(args.file)}")

    def target(intent: str) -> Path:
        return destination(intent, homes, args.nlu_dir)

    try:
        outcome = review(corrections, load_index(args.nlu_dir), held_out, target, say, ask)
    except KeyboardInterrupt:
        raise SystemExit("\ninterrupted: nothing written") from None
    say(summary(outcome))
    if not outcome.accepted:
        say("nothing to merge")
        return 0
    try:
        changes = plan(outcome.accepted, args.nlu_dir)
    except MergeError as error:
        raise SystemExit(f"error: {error}") from None
    for line in describe_changes(changes):
        say(line)
    if args.dry_run:
        say("dry run: nothing written")
        return 0
    if ask is not None and _answer_no(ask, f"write these to {len(changes)} file(s)? [Y/n] "):
        say("nothing written")
        return 0
    write(changes)
    say(f"written: {', '.join(shown(change.path) for change in changes)}")
    if args.no_train:
        say("not retrained (--no-train): `make train` then `make evaluate` when ready")
        return 0
    return retrain_and_evaluate(root, run, say)


def _checked_corrections(file: Path, domain: Path) -> List[Correction]:
    """The corrections in `file`; SystemExit when it cannot be read or names what `domain` cannot train."""
    try:
        corrections = read_corrections(file)
        problems = domain_problems(corrections, load_domain(domain))
    except CorrectionsError as error:
        raise SystemExit(f"error: {error}\nnothing written") from None
    if problems:
        listed = "\n".join(f"  - {problem}" for problem in problems)
        raise SystemExit(
            f"error: {file} names intents the domain cannot train; nothing written:\n{listed}\n"
            "fix or remove these blocks (the intents are listed under `intents:` in domain/core.yml, "
            "the answers as `utter_faq/<key>` responses)"
        )
    return corrections


def _asker(args: argparse.Namespace, ask: Optional[Ask]) -> Optional[Ask]:
    """Who answers the review's questions: None without questions (--accept-all, --dry-run)."""
    if args.accept_all or args.dry_run:
        return None
    if ask is None:
        if not sys.stdin.isatty():
            raise SystemExit("error: the review asks questions: run it in a terminal, or pass --accept-all")
        ask = input
    return ask


def _answer_no(ask: Ask, question: str) -> bool:
    try:
        return ask(question).strip().lower().startswith("n")
    except (EOFError, KeyboardInterrupt):
        return True
