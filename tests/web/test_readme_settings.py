"""README.md's configuration table and the settings objects name the same CRS_* variables.

Every variable the web settings (`WebSettings`: env prefix + field name) or the shared
settings (`assistant.settings.Settings.from_env`) read is documented in the table, and
every CRS_* variable in the table is read somewhere: by one of those two, or by another
process listed in READ_ELSEWHERE (checked to occur in the file that reads it).
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from assistant.settings import Settings
from web.settings import WebSettings

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"\bCRS_[A-Z0-9_]+\b")

# Variables documented in the table but read by another process than the web app's and
# the shared settings objects, and the file that reads each.
READ_ELSEWHERE = {
    "CRS_GATEWAY_HOST": "launcher/stack.py",
    "CRS_GATEWAY_PORT": "launcher/stack.py",
    "CRS_SCALE_PORT": "launcher/scale.py",
    "CRS_REDIS_HOST": "launcher/scale.py",
    "CRS_REDIS_PORT": "launcher/scale.py",
    "CRS_REDIS_DB": "launcher/scale.py",
}


def _configuration_table() -> set[str]:
    """The CRS_* names in the first column of README.md's "## Configuration" table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    assert len(rows) > 2, "no table under ## Configuration"
    return {name for row in rows[2:] for name in NAME.findall(row.split("|")[1])}


def _web_names() -> set[str]:
    prefix = WebSettings.model_config.get("env_prefix", "")
    return {f"{prefix}{field}".upper() for field in WebSettings.model_fields}


def _shared_names() -> set[str]:
    return set(NAME.findall(inspect.getsource(Settings.from_env)))


def test_the_settings_read_what_we_expect() -> None:
    assert _shared_names() >= {
        "CRS_CARE_TEAM_PHONE", "CRS_CARE_TEAM_CONTACT", "CRS_EMERGENCY_NUMBER", "CRS_DATABASE_URL",
    }  # fmt: skip
    assert {"CRS_RASA_URL", "CRS_ALLOWED_ORIGINS", "CRS_CONSOLE_ENABLED"} <= _web_names()


def test_every_setting_is_in_the_readme_table() -> None:
    missing = (_web_names() | _shared_names() | set(READ_ELSEWHERE)) - _configuration_table()
    assert not missing, f"add to README.md's ## Configuration table: {sorted(missing)}"


def test_every_variable_in_the_readme_table_is_read() -> None:
    unknown = _configuration_table() - _web_names() - _shared_names() - set(READ_ELSEWHERE)
    assert not unknown, f"in README.md's table but read by nothing: {sorted(unknown)}"


def test_variables_read_elsewhere_are_read_there() -> None:
    for name, path in READ_ELSEWHERE.items():
        source = (ROOT / path).read_text(encoding="utf-8")
        assert f'"{name}"' in source, f"{name} is not read in {path}"
        assert name not in _web_names() | _shared_names(), f"{name} is a setting now: drop it here"
