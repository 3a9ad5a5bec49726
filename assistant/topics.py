"""The FAQ topics of the contract (`medical-source/faq-topics.md`) and their button titles.

The titles are short questions a parent can tap when the bot is unsure what they
meant (see `actions/fallback.py`). Each title is also a training example of its
topic, so tapping it is understood with high confidence.
"""

from typing import Dict

RETRIEVAL_INTENT = "faq"

TOPIC_TITLES: Dict[str, str] = {
    "what_is_crs": "What is CRS?",
    "what_are_cytokines": "What are cytokines?",
    "when_does_crs_start": "When does CRS start?",
    "recovery_time": "How long does CRS last?",
    "monitoring_period": "How long will my child be watched?",
    "symptoms_general": "What are the signs of CRS?",
    "symptoms_heart": "How can CRS affect the heart?",
    "symptoms_brain": "How can CRS affect the brain?",
    "symptoms_lungs": "How can CRS affect the lungs?",
    "symptoms_labs": "What lab changes can CRS cause?",
    "neurotoxicity": "What is neurotoxicity?",
    "causes": "What causes CRS?",
    "which_therapies": "Which treatments can cause CRS?",
    "blinatumomab": "What is blinatumomab?",
    "car_t": "What is CAR T-cell therapy?",
    "risk_factors": "Who gets more severe CRS?",
    "treatment_overview": "How is CRS treated?",
    "severity_grading": "How do doctors judge how bad CRS is?",
    "monitoring_tests": "What do they check during monitoring?",
    "supportive_care": "What is supportive care?",
    "icu": "Will my child need the ICU?",
    "seizure_prevention": "Is there medicine to prevent seizures?",
    "il6_blockers": "What are IL-6 blockers?",
    "steroids": "Are steroids used for CRS?",
    "immunosuppressant_tradeoffs": "Why aren't these medicines given to everyone?",
    "is_crs_dangerous": "Is CRS dangerous?",
    "long_term_effects": "Does CRS cause lasting problems?",
    "when_to_call": "What should I do if symptoms change?",
    "child_risk": "Will my child get CRS?",
    "source": "Where does this information come from?",
}


def topic_title(key: str) -> str:
    """The button title of a topic key, or a readable form of an unknown key."""
    return TOPIC_TITLES.get(key, key.replace("_", " ").capitalize())
