"""Training and held-out data obey the contract and stay apart."""

import yaml

from assistant.topics import TOPIC_TITLES
from tests.helpers import (
    ROOT,
    article_ngrams,
    contract_keys,
    ngrams,
    nlu_examples,
    training_examples,
    words,
)

MIN_EXAMPLES = 20
HOLDOUT = ROOT / "tests" / "data" / "nlu_holdout.yml"
RED_FLAGS = ROOT / "tests" / "data" / "red_flags.yml"


def normalised(text: str) -> str:
    return " ".join(words(text))


def test_every_contract_key_has_at_least_20_examples():
    examples = training_examples()
    counts = {key: len(examples.get(f"faq/{key}", [])) for key in contract_keys()}
    assert {k: n for k, n in counts.items() if n < MIN_EXAMPLES} == {}


def test_no_faq_intent_outside_the_contract():
    faq = {i.split("/", 1)[1] for i in training_examples() if i.startswith("faq/")}
    assert faq == set(contract_keys())


def test_every_topic_title_is_an_example_of_its_topic():
    examples = training_examples()
    missing = [k for k, title in TOPIC_TITLES.items() if title not in examples[f"faq/{k}"]]
    assert missing == []


def test_no_example_under_two_intents():
    seen = {}
    clashes = []
    for intent, examples in training_examples().items():
        for example in examples:
            key = normalised(example)
            if key in seen and seen[key] != intent:
                clashes.append((example, seen[key], intent))
            seen[key] = intent
    assert clashes == []


def test_no_eight_word_run_copied_from_the_article():
    copied = [
        example
        for examples in training_examples().values()
        for example in examples
        if ngrams(words(example), 8) & article_ngrams()
    ]
    assert copied == []


def test_every_yaml_file_declares_version_3_1():
    files = [
        *(ROOT / "data").rglob("*.yml"),
        *(ROOT / "domain").glob("*.yml"),
        *(ROOT / "tests").glob("test_*.yml"),
    ]
    wrong = [str(p) for p in files if yaml.safe_load(p.read_text(encoding="utf-8")).get("version") != "3.1"]
    assert wrong == []


def test_holdout_has_at_least_5_per_topic():
    holdout = nlu_examples(HOLDOUT)
    assert {
        k: len(holdout.get(f"faq/{k}", [])) for k in contract_keys() if len(holdout.get(f"faq/{k}", [])) < 5
    } == {}


def test_holdout_and_red_flag_sets_are_never_trained_on():
    trained = {normalised(e) for examples in training_examples().values() for e in examples}
    held_out = [e for examples in nlu_examples(HOLDOUT).values() for e in examples]
    for path in (RED_FLAGS, RED_FLAGS.with_name("red_flags_fresh.yml")):
        red_flags = yaml.safe_load(path.read_text(encoding="utf-8"))
        held_out += red_flags["reports"] + red_flags["general_questions"]
    assert [e for e in held_out if normalised(e) in trained] == []


def test_red_flag_set_size():
    red_flags = yaml.safe_load(RED_FLAGS.read_text(encoding="utf-8"))
    assert len(red_flags["reports"]) >= 40
    assert len(red_flags["general_questions"]) >= 40
