"""The one table of settings (assistant/settings_spec.py) against the code, the deployment
files and README.md: every CRS_* name anywhere is in the table, the README's configuration
table lists every setting a process reads with the table's default, and the deployment-only
settings are documented too."""

from __future__ import annotations

import re
import subprocess
from typing import Dict, List

import pytest

from assistant.settings_spec import DEPLOY, LAUNCHER, PROCESSES, SETTINGS, SPEC, TOOL_VARIABLES, SettingError
from tests.helpers import ROOT

NAME = re.compile(r"\bCRS_[A-Z0-9_]*[A-Z0-9]\b")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _tracked_files() -> List[str]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [p for p in out.splitlines() if not p.startswith("tests/") and not p.endswith((".md", ".lock"))]


def _table_rows() -> Dict[str, str]:
    """CRS name -> the default column of README.md's "## Configuration" table."""
    section = README.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|") for line in section.splitlines() if line.startswith("|")][2:]
    return {name: row[2] for row in rows for name in NAME.findall(row[1])}


def _default_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def test_every_crs_name_in_the_code_and_deployment_files_is_a_setting() -> None:
    found: Dict[str, str] = {}
    for path in _tracked_files():
        try:
            text = (ROOT / path).read_text(encoding="utf-8")
        except (UnicodeDecodeError, IsADirectoryError):
            continue
        for name in NAME.findall(text):
            found.setdefault(name, path)
    unknown = {n: p for n, p in found.items() if n not in SPEC and n not in TOOL_VARIABLES}
    assert not unknown, f"add to assistant/settings_spec.py (or remove): {unknown}"


def test_the_readme_table_lists_every_setting_a_process_reads() -> None:
    read = {s.name for s in SETTINGS if set(s.read_by) - {DEPLOY}}
    assert set(_table_rows()) == read


def test_the_readme_table_gives_each_settings_default() -> None:
    rows = _table_rows()
    wrong = [
        name
        for name, column in rows.items()
        if SPEC[name].default not in (None, "") and f"`{_default_text(SPEC[name].default)}`" not in column
    ]
    assert not wrong, f"README.md's default differs from assistant/settings_spec.py: {wrong}"


def test_deployment_settings_are_documented_and_used() -> None:
    for setting in SETTINGS:
        if setting.read_by == (DEPLOY,):
            assert setting.name in README, setting.name
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert all(s.name in compose for s in SETTINGS if s.read_by == (DEPLOY,) and s.name != "CRS_ROLES_SQL")


def test_the_launcher_reads_only_its_settings() -> None:
    reads = re.compile(r"(?:environ\.get|read|setting)\(\"(CRS_[A-Z0-9_]+)\"")
    names = {
        n for p in (ROOT / "launcher").rglob("*.py") for n in reads.findall(p.read_text(encoding="utf-8"))
    }
    assert names, "the launcher reads no CRS_* setting by name"
    assert all(LAUNCHER in SPEC[n].read_by for n in names), names


def test_each_setting_is_well_formed() -> None:
    for setting in SETTINGS:
        assert setting.kind in (str, int, float, bool), setting.name
        assert setting.read_by and set(setting.read_by) <= set(PROCESSES), setting.name
        if setting.default is not None:
            assert isinstance(setting.default, setting.kind), setting.name
            assert setting.parse(None) == setting.default
            assert setting.parse(_default_text(setting.default)) == setting.default, setting.name


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("CRS_DB_RETRY_SECONDS", "301", "from 0 to 300"),
        ("CRS_DB_RETRY_SECONDS", "soon", "a number"),
        ("CRS_TRACKER_CACHE_SIZE", "1.5", "a whole number"),
        ("CRS_RASA_TIMEOUT_SECONDS", "0", "above 0 and at most 120"),
        ("CRS_RATE_LIMIT_ENABLED", "maybe", "true or false"),
        ("CRS_RETENTION_INTERVAL_SECONDS", "5", "at least 60"),
    ],
)
def test_a_bad_value_is_refused_with_its_name_and_bounds(name: str, raw: str, message: str) -> None:
    with pytest.raises(SettingError, match=f"{name} must be {message}, not '{raw}'"):
        SPEC[name].parse(raw)


def test_values_in_bounds_and_booleans_parse() -> None:
    assert SPEC["CRS_DB_RETRY_SECONDS"].parse(" 0 ") == 0.0
    assert SPEC["CRS_TRACKER_CACHE_SIZE"].parse("100000") == 100_000
    assert SPEC["CRS_CONSOLE_COOKIE_SECURE"].parse("Yes") is True
    assert SPEC["CRS_PAGE_TITLE"].parse("") == "CRS questions: a helper for parents"
