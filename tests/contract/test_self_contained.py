"""The repo carries its medical source and contract: the contract tests pass in a clone
made in an empty folder, with nothing beside it (no `../shared`)."""

import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT


@pytest.mark.slow
def test_contract_tests_pass_in_a_clone_with_nothing_beside_it(tmp_path):
    clone = tmp_path / "empty" / "repo"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{ROOT}", str(clone)], check=True)
    assert sorted(p.name for p in clone.parent.iterdir()) == ["repo"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/contract",
         "--deselect", "tests/contract/test_self_contained.py"],
        cwd=clone, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(clone)},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
