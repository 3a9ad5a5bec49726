"""Loading the project's persisted scikit-learn models with skops, never with pickle: a file
holding any type beyond scikit-learn's own and the ones a component names is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence


def load_trusted(path: Path, also_trusted: Sequence[str] = ()) -> Any:
    """The model in `path`; `ValueError` naming the types if it holds any not trusted."""
    import skops.io as sio  # imported when a model loads, not when Rasa reads the config

    untrusted = [t for t in sio.get_untrusted_types(file=path) if t not in also_trusted]
    if untrusted:
        raise ValueError(f"untrusted types in {path.name}: {untrusted}")
    return sio.load(path, trusted=list(also_trusted))
