from pathlib import Path

import pytest
import spacy

PIPELINE = Path(__file__).resolve().parents[2] / "build" / "spacy_crs_en"


@pytest.fixture(scope="session")
def nlp():
    """The pipeline scripts/setup.sh builds (the same folder config.yml names)."""
    return spacy.load(PIPELINE)
