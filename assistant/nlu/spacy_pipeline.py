"""Builds the project's spaCy pipeline from registry packages only (no model download).

Blank English tokenizer -> lookup lemmatizer (tables from `spacy-lookups-data`) ->
attribute ruler that maps misspelled medical words to the article's spelling ->
entity ruler for drugs, therapies, body systems and red-flag symptoms. The words and patterns
are data files in `assistant/nlu/vocabulary/`, read by `assistant/nlu/medical_terms.py`.

Rasa's `SpacyNLP` loads the saved folder (see `config.yml`), so its lemmas feed the
featurizers; the red-flag matcher reads the symptom entities.

    python -m assistant.nlu.spacy_pipeline build/spacy_crs_en
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any, Dict, List, cast

import spacy
from spacy.language import Language
from spacy.pipeline import AttributeRuler, EntityRuler

from assistant.nlu.medical_terms import canonical_lemmas, entity_ruler_patterns

PIPELINE_NAME = "crs_en"


def entity_patterns() -> List[Dict[str, Any]]:
    """Entity-ruler patterns (assistant/nlu/vocabulary/*.jsonl): every term under its label and
    canonical id, the symptoms under `assistant.names.SYMPTOM_LABEL` and their category. A fresh copy."""
    return copy.deepcopy(entity_ruler_patterns())


def build_pipeline() -> Language:
    """Return the initialised pipeline (not yet saved)."""
    nlp = spacy.blank("en")
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["description"] = "CRS FAQ assistant: lookup lemmas + medical entity ruler"
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = cast(AttributeRuler, nlp.add_pipe("attribute_ruler"))
    entity_ruler = cast(EntityRuler, nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "NORM"}))
    nlp.initialize()  # loads the lemma lookup table from spacy-lookups-data
    for word, canonical in sorted(canonical_lemmas().items()):
        ruler.add(patterns=[[{"LOWER": word}]], attrs={"LEMMA": canonical, "NORM": canonical})
    entity_ruler.add_patterns(entity_patterns())
    return nlp


def main(argv: List[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m assistant.nlu.spacy_pipeline OUTPUT_DIR", file=sys.stderr)
        return 2
    output = Path(argv[0])
    output.mkdir(parents=True, exist_ok=True)
    build_pipeline().to_disk(output)
    print(f"spaCy pipeline saved to {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
