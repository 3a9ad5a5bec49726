"""Figures per group and per label, and the misses, as text and as JSON-ready data."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Sequence, Tuple

from scipy.stats import binomtest

from evaluation.scoring import LabelFigures, Scored, group_of, tally


def _pct(right: int, total: int) -> str:
    return f"{right}/{total} ({100 * right / total:.1f}%)" if total else "-"


def wilson(right: int, total: int) -> Tuple[float, float]:
    """The 95% Wilson confidence interval of right/total (0..1)."""
    if not total:
        return (0.0, 1.0)
    interval = binomtest(right, total).proportion_ci(confidence_level=0.95, method="wilson")
    return (float(interval.low), float(interval.high))


def _ci(right: int, total: int) -> str:
    low, high = wilson(right, total)
    return f"{_pct(right, total)} [{100 * low:.1f}-{100 * high:.1f}]"


def has_kinds(results: Sequence[Scored]) -> bool:
    return any(s.case.kind for s in results)


def _kind_key(scored: Scored) -> str:
    side = "report" if scored.case.is_report else "not report"
    language = "" if scored.case.language == "en" else f" [{scored.case.language}]"
    return f"{side}: {scored.case.kind or '-'}{language}"


def triage_figures(results: Sequence[Scored]) -> Dict[str, Any]:
    """Recall on reports and false alarms on the rest, English and other languages apart."""
    english = [s for s in results if s.case.language == "en"]
    reports = [s for s in english if s.case.is_report]
    calm = [s for s in english if not s.case.is_report]
    other = [s for s in results if s.case.language != "en"]
    figures = {
        "reports_escalated": _count(sum(s.escalated for s in reports), len(reports)),
        "reports_urgent_reply": _count(sum(s.got == "urgent" for s in reports), len(reports)),
        "non_reports_urgent_reply": _count(sum(s.got == "urgent" for s in calm), len(calm)),
        "non_reports_emergency_line": _count(sum(s.caution for s in calm), len(calm)),
        "other_language_safety_message": _count(sum(s.right for s in other), len(other)),
    }
    return {name: value for name, value in figures.items() if value["total"]}


def _count(right: int, total: int) -> Dict[str, Any]:
    low, high = wilson(right, total)
    return {"count": right, "total": total, "ci95": [round(low, 4), round(high, 4)]}


def summary(results: Sequence[Scored]) -> Dict[str, Any]:
    groups = tally(results, key=lambda s: group_of(s.case.expect))
    labels = tally(results)
    extra: Dict[str, Any] = {}
    if has_kinds(results):
        extra["triage"] = triage_figures(results)
        extra["kinds"] = {name: _figures(f) for name, f in tally(results, key=_kind_key).items()}
    return {
        "total": len(results),
        "right": sum(s.right for s in results),
        **extra,
        "groups": {name: _figures(f) for name, f in groups.items()},
        "labels": {name: _figures(f) for name, f in labels.items()},
        "misses": [
            {
                "text": s.case.text,
                "expect": s.case.expect,
                "topic": s.case.topic,
                "got": s.got,
                "caution": s.caution,
                "kind": s.case.kind,
            }
            for s in results
            if not s.right or s.topic_right is False
        ],
    }


def _figures(figures: LabelFigures) -> Dict[str, Any]:
    low, high = wilson(figures.right, figures.total)
    data: Dict[str, Any] = {
        "right": figures.right,
        "total": figures.total,
        "ci95": [round(low, 4), round(high, 4)],
        "urgent_reply": figures.urgent,
        "emergency_line": figures.caution,
    }
    if figures.topic_total:
        data["topic_right"] = figures.topic_right
        data["topic_total"] = figures.topic_total
    return data


def render(results: Mapping[str, Sequence[Scored]]) -> str:
    lines: List[str] = []
    for name, scored in results.items():
        lines.append(f"\n=== {name}: {_pct(sum(s.right for s in scored), len(scored))}")
        tables = [
            ("group", tally(scored, key=lambda s: group_of(s.case.expect))),
            ("label", tally(scored)),
        ]
        if has_kinds(scored):
            for figure, value in triage_figures(scored).items():
                lines.append(f"  {figure:<36} {_ci(value['count'], value['total'])}")
            tables.append(("kind", tally(scored, key=_kind_key)))
        for title, table in tables:
            if title == "label" and len(table) > 40:
                continue
            lines.append(
                f"  {title:<40} {'right [95% CI]':>28} {'urgent':>7} {'em.line':>8} {'topic answered':>16}"
            )
            for label, f in table.items():
                topic = _pct(f.topic_right, f.topic_total) if f.topic_total else ""
                lines.append(
                    f"  {label[:40]:<40} {_ci(f.right, f.total):>28} {f.urgent:>7} {f.caution:>8} {topic:>16}"
                )
        misses = [s for s in scored if not s.right or s.topic_right is False]
        if misses:
            lines.append(f"  misses ({len(misses)}):")
            for s in misses:
                expected = s.case.expect + (f" ({s.case.topic})" if s.case.topic else "")
                got = s.got + (" + emergency line" if s.caution else "")
                lines.append(f"    [{expected} -> {got}] {s.case.text}")
    return "\n".join(lines)
