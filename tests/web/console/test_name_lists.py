import subprocess
import sys
from pathlib import Path

import pytest

from assistant.packaged_files import sha256_of
from web.console.privacy import name_lists
from web.console.privacy.name_lists import FILES, NameListsError, PackagedFile, verified_bytes

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("packaged", FILES, ids=[f.relative_path.rsplit("/", 1)[-1] for f in FILES])
def test_installed_files_have_the_pinned_sha256(packaged: PackagedFile) -> None:
    assert sha256_of(packaged.path()) == packaged.sha256
    assert verified_bytes(packaged)


def test_lists_hold_names_surnames_and_ordinary_words() -> None:
    lists = name_lists.word_lists()
    assert {"liam", "emma", "noah", "aaliyah", "nevaeh", "jaxon"} <= lists.first_names
    assert {"smith", "patel", "nguyen", "kowalski"} <= lists.last_names
    assert {"fever", "tocilizumab", "tired", "hospital"} <= lists.common_words
    assert "liam" not in lists.common_words
    assert name_lists.word_lists() is lists  # read once


def test_a_changed_file_is_refused_with_a_clear_error() -> None:
    wrong = PackagedFile(name_lists.PACKAGE, FILES[0].relative_path, "0" * 64)
    with pytest.raises(NameListsError, match=r"has sha256 [0-9a-f]{64}, expected 0{64}"):
        verified_bytes(wrong)


def test_a_missing_package_or_file_is_a_clear_error() -> None:
    with pytest.raises(NameListsError, match="is not installed"):
        PackagedFile("no_such_package_for_names", "x.json", "0" * 64).path()
    with pytest.raises(NameListsError, match="cannot be read"):
        verified_bytes(PackagedFile(name_lists.PACKAGE, "filters/missing.json", "0" * 64))


def test_importing_redaction_reads_no_list() -> None:
    code = (
        "import web.console.privacy, web.console.privacy.name_lists as n, sys;"
        "sys.exit(0 if n._loaded is None and 'philter_ucsf' not in sys.modules else 1)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0


def test_command_line_check() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "web.console.privacy.name_lists"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("ok ") == 3
