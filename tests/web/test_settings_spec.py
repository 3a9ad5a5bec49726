"""The web app's settings object is built from the one table of settings
(assistant/settings_spec.py): the same names, defaults and bounds. The table against README.md
and the code: tests/contract/test_settings_spec.py."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from assistant.settings_spec import CONSOLE, SETTINGS, SPEC, WEB
from web.settings import WebSettings

# Read through the shared settings object (assistant/settings.py), which the web app also uses.
SHARED = {"CRS_CARE_TEAM_PHONE", "CRS_CARE_TEAM_CONTACT", "CRS_EMERGENCY_NUMBER", "CRS_DATABASE_URL"}


def test_the_web_settings_are_the_tables_web_and_console_settings() -> None:
    fields = {f"CRS_{name.upper()}" for name in WebSettings.model_fields}
    table = {s.name for s in SETTINGS if {WEB, CONSOLE} & set(s.read_by)} - SHARED
    assert fields == table


def test_the_web_settings_defaults_are_the_tables() -> None:
    settings = WebSettings()
    for name in WebSettings.model_fields:
        value = getattr(settings, name)
        value = value.get_secret_value() if hasattr(value, "get_secret_value") else value
        assert value == SPEC[f"CRS_{name.upper()}"].default, name


@pytest.mark.parametrize(
    ("field", "inside", "outside"),
    [("max_body_bytes", 1024, 1023), ("rasa_timeout_seconds", 120, 0), ("console_low_confidence", 1, 1.01)],
)
def test_the_web_settings_keep_the_tables_bounds(field: str, inside: float, outside: float) -> None:
    assert getattr(WebSettings(**{field: inside}), field) == inside
    with pytest.raises(ValidationError):
        WebSettings(**{field: outside})
