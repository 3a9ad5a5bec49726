"""The domain's slot defaults (domain/core.yml) are the settings' defaults, so a reply reads the same
whether the project's response generator (assistant/plugins/nlg.py) or Rasa's own fills it."""

import textstat

from assistant.settings import DEFAULT_CARE_TEAM_CONTACT, DEFAULT_EMERGENCY_NUMBER, Settings
from tests.contract.test_responses import MAX_GRADE, all_variations
from tests.helpers import domain


def slot_default(name: str) -> str:
    return domain()["slots"][name]["initial_value"]


def test_care_team_contact_slot_default_is_the_settings_default():
    assert slot_default("care_team_contact") == DEFAULT_CARE_TEAM_CONTACT
    assert Settings.from_env({}).care_team_contact == DEFAULT_CARE_TEAM_CONTACT


def test_emergency_number_slot_default_is_the_settings_default():
    assert slot_default("emergency_number") == DEFAULT_EMERGENCY_NUMBER
    assert Settings.from_env({}).emergency_number == DEFAULT_EMERGENCY_NUMBER


def test_reading_grade_at_most_8_with_the_deployment_defaults():
    defaults = Settings.from_env({})
    slots = {"care_team_contact": defaults.care_team_contact, "emergency_number": defaults.emergency_number}
    grades = {name: textstat.flesch_kincaid_grade(text.format(**slots)) for name, text in all_variations()}
    assert {name: grade for name, grade in grades.items() if grade > MAX_GRADE} == {}
