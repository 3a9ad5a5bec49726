"""assistant.nlu.spacy_pipeline: the pipeline built into a temp dir, saved, loaded back and used.

Independent of build/spacy_crs_en (what scripts/setup.sh built earlier): this checks
what the code builds now.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from assistant.names import SYMPTOM_LABEL
from assistant.nlu.medical_terms import canonical_lemmas, entity_terms
from assistant.nlu.spacy_pipeline import PIPELINE_NAME, entity_patterns, main


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("spacy") / "crs_en"
    assert main([str(output)]) == 0
    return output


@pytest.fixture(scope="module")
def nlp(built):
    return spacy.load(built)


def test_the_saved_folder_loads_with_its_name_and_pipes(built, nlp):
    assert (built / "config.cfg").exists() and (built / "meta.json").exists()
    assert nlp.meta["name"] == PIPELINE_NAME
    assert nlp.pipe_names == ["lemmatizer", "attribute_ruler", "entity_ruler"]


def test_lookup_lemmas_come_from_spacy_lookups_data(nlp):
    lemmas = [token.lemma_ for token in nlp("My children were having fevers")]
    assert lemmas == ["My", "child", "be", "have", "fever"]


def test_the_attribute_ruler_maps_misspellings_to_the_articles_spelling(nlp):
    for word in ("toculizumab", "tocilizumb", "siltuxumab"):
        token = nlp(f"is {word} safe")[1]
        assert (token.lemma_, token.norm_) == (canonical_lemmas()[word], canonical_lemmas()[word]), word
    # Case does not matter (the ruler matches LOWER); other words keep their own lemma.
    assert nlp("Toculizumab")[0].lemma_ == "tocilizumab"
    assert nlp("tocilizumab")[0].lemma_ == "tocilizumab"


def test_every_single_word_canonical_lemma_rule_is_applied(nlp):
    # The ruler matches one token; keys the tokenizer splits ("car-t") cannot match.
    words = sorted(w for w in canonical_lemmas() if len(nlp.make_doc(w)) == 1)
    assert len(words) > 100
    doc = nlp(" ".join(words))
    assert [token.lemma_ for token in doc] == [canonical_lemmas()[w] for w in words]
    assert [token.norm_ for token in doc] == [canonical_lemmas()[w] for w in words]


def test_entities_have_their_label_and_canonical_id(nlp):
    doc = nlp("she had car t cell therapy and then tocilizumab")
    assert [(e.text, e.label_, e.ent_id_) for e in doc.ents] == [
        ("car t cell", "therapy", "car_t"),
        ("tocilizumab", "drug", "tocilizumab"),
    ]


def test_a_misspelled_drug_is_still_the_drug_entity(nlp):
    # The entity ruler matches on NORM, which the attribute ruler set to the right spelling.
    doc = nlp("he got toculizumab yesterday")
    assert [(e.text, e.label_, e.ent_id_) for e in doc.ents] == [("toculizumab", "drug", "tocilizumab")]


def test_symptoms_by_phrase_and_by_token_pattern(nlp):
    phrase = nlp("he has trouble breathing")
    assert [(e.text, e.label_, e.ent_id_) for e in phrase.ents] == [
        ("trouble breathing", SYMPTOM_LABEL, "breathing")
    ]
    pattern = nlp("her lips are kinda purple")  # no phrase lists this: a token pattern does
    assert [(e.text, e.label_, e.ent_id_) for e in pattern.ents] == [
        ("lips are kinda purple", SYMPTOM_LABEL, "breathing")
    ]


def test_plain_words_are_no_entities(nlp):
    assert nlp("what time is the clinic open").ents == ()


def test_every_term_is_a_pattern():
    patterns = entity_patterns()
    for label, concepts in entity_terms().items():
        for concept_id, phrases in concepts.items():
            for phrase in phrases:
                assert {"label": label, "pattern": phrase, "id": concept_id} in patterns


def test_main_wants_exactly_one_output_dir(capsys):
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err
