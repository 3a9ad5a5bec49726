"""Figures per group and per label, and the misses, as text and as JSON-ready data."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Sequence

from evaluation.scoring import LabelFigures, Scored, group_of, tally


def _pct(right: int, total: int) -> str:
    return f"{right}/{total} ({100 * right / total:.1f}%)" if total else "-"


def summary(results: Sequence[Scored]) -> Dict[str, Any]:
    groups = tally(results, key=lambda s: group_of(s.case.expect))
    labels = tally(results)
    return {
        "total": len(results),
        "right": sum(s.right for s in results),
        "groups": {name: _figures(f) for name, f in groups.items()},
        "labels": {name: _figures(f) for name, f in labels.items()},
        "misses": [
            {"text": s.case.text, "expect": s.case.expect, "topic": s.case.topic, "got": s.got}
            for s in results
            if not s.right or s.topic_right is False
        ],
    }


def _figures(figures: LabelFigures) -> Dict[str, Any]:
    data: Dict[str, Any] = {"right": figures.right, "total": figures.total, "urgent_reply": figures.urgent}
    if figures.topic_total:
        data["topic_right"] = figures.topic_right
        data["topic_total"] = figures.topic_total
    return data


def render(results: Mapping[str, Sequence[Scored]]) -> str:
    lines: List[str] = []
    for name, scored in results.items():
        lines.append(f"\n=== {name}: {_pct(sum(s.right for s in scored), len(scored))}")
        for title, table in (
            ("group", tally(scored, key=lambda s: group_of(s.case.expect))),
            ("label", tally(scored)),
        ):
            if title == "label" and len(table) > 40:
                continue
            lines.append(f"  {title:<28} {'right':>16} {'urgent reply':>13} {'topic answered':>16}")
            for label, f in table.items():
                topic = _pct(f.topic_right, f.topic_total) if f.topic_total else ""
                lines.append(f"  {label:<28} {_pct(f.right, f.total):>16} {f.urgent:>13} {topic:>16}")
        misses = [s for s in scored if not s.right or s.topic_right is False]
        if misses:
            lines.append(f"  misses ({len(misses)}):")
            for s in misses:
                expected = s.case.expect + (f" ({s.case.topic})" if s.case.topic else "")
                lines.append(f"    [{expected} -> {s.got}] {s.case.text}")
    return "\n".join(lines)
