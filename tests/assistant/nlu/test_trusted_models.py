"""Persisted models load only when every type in them is trusted."""

from pathlib import Path

import numpy as np
import pytest
import skops.io as sio
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from assistant.nlu.trusted_models import load_trusted


def test_a_scikit_learn_model_loads_and_predicts_the_same(tmp_path: Path) -> None:
    x, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1])
    model = LogisticRegression(random_state=0).fit(x, y)
    sio.dump(model, tmp_path / "m.skops")
    loaded = load_trusted(tmp_path / "m.skops")
    assert (loaded.predict_proba(x) == model.predict_proba(x)).all()


def test_a_type_not_named_is_refused_and_loads_once_named(tmp_path: Path) -> None:
    sio.dump({"idf": csr_matrix(np.eye(2))}, tmp_path / "s.skops")
    with pytest.raises(ValueError, match="csr_matrix"):
        load_trusted(tmp_path / "s.skops")
    loaded = load_trusted(tmp_path / "s.skops", ("scipy.sparse._csr.csr_matrix",))
    assert (loaded["idf"].toarray() == np.eye(2)).all()
