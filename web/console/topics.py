"""The FAQ topics (retrieval intent keys) and the intents a correction may choose."""

from __future__ import annotations

from pathlib import Path

import yaml

from assistant.settings import PROJECT_ROOT

# The contract's keys (medical-source/faq-topics.md), used when domain.yml is absent.
CONTRACT_KEYS = (
    "what_is_crs", "what_are_cytokines", "when_does_crs_start", "recovery_time",
    "monitoring_period", "symptoms_general", "symptoms_heart", "symptoms_brain",
    "symptoms_lungs", "symptoms_labs", "neurotoxicity", "causes", "which_therapies",
    "blinatumomab", "car_t", "risk_factors", "treatment_overview", "severity_grading",
    "monitoring_tests", "supportive_care", "icu", "seizure_prevention", "il6_blockers",
    "steroids", "immunosuppressant_tradeoffs", "is_crs_dangerous", "long_term_effects",
    "when_to_call", "child_risk", "source",
)  # fmt: skip

OTHER_INTENTS = (
    "report_urgent_symptom",
    "out_of_scope",
    "greet",
    "goodbye",
    "thank",
    "bot_challenge",
    "what_can_you_do",
    "ask_for_help",
    "ask_medicine_dose",
    "express_feelings",
)


def faq_keys(domain_path: Path | None = None) -> list[str]:
    """FAQ keys from the domain's ``utter_faq/<key>`` responses, else the contract's."""
    path = domain_path or PROJECT_ROOT / "domain.yml"
    try:
        domain = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return sorted(CONTRACT_KEYS)
    responses = domain.get("responses") or {}
    keys = sorted(name.split("/", 1)[1] for name in responses if str(name).startswith("utter_faq/"))
    return keys or sorted(CONTRACT_KEYS)


def correction_choices(domain_path: Path | None = None) -> list[str]:
    """Every intent a staff member may assign: ``faq/<key>`` and the other intents."""
    return [f"faq/{key}" for key in faq_keys(domain_path)] + list(OTHER_INTENTS)
