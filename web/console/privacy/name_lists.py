"""Word lists for finding names: first names, surnames and ordinary words.

The lists come from the PyPI package ``philter-ucsf`` (pinned in
web/requirements.txt), the PHI filter published by UCSF (BSD-3-Clause) for
de-identifying clinical notes:

- ``firstnames_minus_fps.json``: about 97,000 first names (US census and social
  security baby names, modern children's names included), lower case;
- ``lastnames_minus_fps.json``: about 161,000 surnames;
- ``whitelist_plus_fps_091718_nonames.json``: about 195,000 ordinary English and
  medical words (drug names, anatomy, abbreviations) with names taken out: the
  words that are never personal data.

The package is not imported (it has no dependencies and its code is not used):
the three files are read from where pip installed it, once, on first use, after
checking their sha256, so a changed or corrupted list stops redaction with a clear
error instead of silently hiding less.

Run ``python -m web.console.privacy.name_lists`` to check the files.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

from assistant.packaged_files import PackagedFile, PackagedFileError

PACKAGE = "philter_ucsf"
REQUIREMENT = "philter-ucsf==1.0.3"


# Missing, unreadable or changed lists (see `assistant.packaged_files`).
NameListsError = PackagedFileError
INSTALL_HINT = f"reinstall {REQUIREMENT} (it is in web/requirements.txt)"


FIRST_NAMES_FILE = PackagedFile(
    PACKAGE,
    "filters/blacklists/firstnames_minus_fps.json",
    "37a2cfd4281c5c8fe60a4a73b02dffa172fdf78ccade85397224d4bc5f9dded8",
    INSTALL_HINT,
)
LAST_NAMES_FILE = PackagedFile(
    PACKAGE,
    "filters/blacklists/lastnames_minus_fps.json",
    "ab647c453611c5ce7bef7b1dde9ceee23ec3c079bf54d4d4f3271f8bae425b19",
    INSTALL_HINT,
)
COMMON_WORDS_FILE = PackagedFile(
    PACKAGE,
    "filters/whitelists/whitelist_plus_fps_091718_nonames.json",
    "b2b7425b3d126361ee34069c9d115e8d61b637548d079d6aa1e6c0b13cf15c76",
    INSTALL_HINT,
)
FILES = (FIRST_NAMES_FILE, LAST_NAMES_FILE, COMMON_WORDS_FILE)


@dataclass(frozen=True)
class WordLists:
    """Lower-case word sets: first names, surnames, ordinary (non-identifying) words."""

    first_names: frozenset[str]
    last_names: frozenset[str]
    common_words: frozenset[str]


def verified_bytes(packaged: PackagedFile) -> bytes:
    """The file's content, after checking that its sha256 is the expected one."""
    return packaged.verified_bytes()


def _words(packaged: PackagedFile) -> frozenset[str]:
    try:
        loaded = json.loads(verified_bytes(packaged))
    except ValueError as error:
        raise NameListsError(f"{packaged.relative_path} is not valid JSON: {error}") from error
    if not isinstance(loaded, (dict, list)):
        raise NameListsError(f"{packaged.relative_path} is not a JSON object or list.")
    return frozenset(str(word).lower() for word in loaded if word)


_lock = threading.Lock()
_loaded: WordLists | None = None


def word_lists() -> WordLists:
    """The three lists, read and checked on first call (about a second), then cached."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = WordLists(
                    first_names=_words(FIRST_NAMES_FILE),
                    last_names=_words(LAST_NAMES_FILE),
                    common_words=_words(COMMON_WORDS_FILE),
                )
    return _loaded


def main() -> int:
    for packaged in FILES:
        verified_bytes(packaged)
        print(f"ok {packaged.path()} sha256 {packaged.sha256}")
    lists = word_lists()
    print(
        f"{len(lists.first_names)} first names, {len(lists.last_names)} surnames, "
        f"{len(lists.common_words)} ordinary words"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
