"""Readers for the labelled sets: the NLU held-out file, the red-flag files, the dev-set format."""

from __future__ import annotations

from pathlib import Path
from typing import List

import yaml

from assistant.project_files import strip_entity_markup
from evaluation.outcome import URGENT
from evaluation.scoring import NOT_URGENT, Case

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
PROJECT_SETS = {
    "held-out NLU set": DATA / "nlu_holdout.yml",
    "red-flag set 1": DATA / "red_flags.yml",
    "red-flag set 2": DATA / "red_flags_fresh.yml",
    **{f"triage set {p.stem[5:]}": p for p in sorted((DATA / "triage").glob("eval_*.yml"))},
}


def load_cases(path: Path) -> List[Case]:
    """Cases of any of the three formats, told apart by their top-level keys."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if "cases" in data:
        return [
            Case(
                text=str(item["text"]),
                expect=str(item["expect"]),
                topic=item.get("topic"),
                also=tuple(item.get("also") or ()),
                kind=item.get("kind"),
                language=str(item.get("language") or "en"),
            )
            for item in data["cases"]
        ]
    if "reports" in data:
        return [Case(str(text), URGENT) for text in data["reports"]] + [
            Case(str(text), NOT_URGENT) for text in data.get("general_questions") or []
        ]
    cases: List[Case] = []
    for block in data.get("nlu") or []:
        if "intent" not in block:
            continue
        for line in str(block["examples"]).splitlines():
            if line.strip().startswith("- "):
                cases.append(Case(strip_entity_markup(line.strip()[2:]), str(block["intent"])))
    return cases
