"""`rasa data validate --fail-on-warnings` over the project's data, domain and config."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

RASA = Path(sys.executable).parent / "rasa"  # the environment running the tests


@pytest.mark.slow
def test_rasa_data_validate_fails_on_no_warning():
    result = subprocess.run(
        [str(RASA), "data", "validate", "--domain", "domain", "--fail-on-warnings"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false"},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
