"""Reading and checking the console's corrections export."""

import pytest

from curation.corrections import (
    MAX_BYTES,
    Correction,
    CorrectionsError,
    decode,
    domain_names,
    domain_problems,
    load_domain,
    parse_corrections,
    read_corrections,
)
from tests.curation.project import DOMAIN, export


def test_an_export_is_read_in_order_cleaned_and_without_repeats(project):
    path = project.corrections(
        export(
            {
                "faq/what_is_crs": [
                    "what   is\tthis crs thing",
                    "a [link](x) here",
                    "what is this crs thing",
                ],
                "report_urgent_symptom": ["he is shaking all over"],
            }
        )
    )
    assert read_corrections(path) == [
        Correction("faq/what_is_crs", "what is this crs thing"),
        Correction("faq/what_is_crs", "a (link)(x) here"),
        Correction("report_urgent_symptom", "he is shaking all over"),
    ]


def test_a_byte_order_mark_is_accepted():
    text = decode("\ufeff".encode() + export({"greet": ["hello"]}).encode(), "f.yml")
    assert parse_corrections(text) == [Correction("greet", "hello")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"  \n\n", "is empty"),
        (b"version: '3.1'\n" + b"#" * MAX_BYTES, "is too large"),
        (b"nlu:\x00\x01\x02", "is a binary file"),
        ("nlu:\n- intent: greet\n  examples: |\n    - caf\u00e9\n".encode("latin-1"), "is not UTF-8 text"),
        (b"nlu: [\n", "is not valid YAML (line 2"),
        (b"- just\n- a list\n", "has no `nlu:` list"),
        (b'version: "3.1"\nnlu: []\n', "holds no corrections"),
        (b"nlu:\n- synonym: crs\n  examples: |\n    - cytokine storm\n", "is not an `- intent:` block"),
        (b"nlu:\n- intent: greet\n  examples:\n  - hello\n", "are not an `examples: |` list"),
        (b"nlu:\n- intent: greet\n  examples: |\n    hello\n", "does not start with '- '"),
        (b"nlu:\n- intent: 'greet; rm -rf'\n  examples: |\n    - hi\n", "invalid intent name"),
    ],
)
def test_an_unusable_file_is_refused_with_the_reason(tmp_path, content, message):
    path = tmp_path / "corrections.yml"
    path.write_bytes(content)
    with pytest.raises(CorrectionsError, match=None) as error:
        read_corrections(path)
    assert message in str(error.value)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CorrectionsError, match="no such file"):
        read_corrections(tmp_path / "nope.yml")


def test_domain_names_read_plain_and_configured_intents(project):
    domain = load_domain(project.domain)
    assert {"faq", "greet", "report_urgent_symptom"} <= domain.intents
    assert "utter_faq/car_t" in domain.responses


def test_intents_the_domain_can_train_pass():
    corrections = [Correction(i, "x") for i in ("faq/car_t", "greet", "report_urgent_symptom")]
    assert domain_problems(corrections, domain_names(DOMAIN)) == []


def test_each_untrainable_intent_is_named_once():
    corrections = [
        Correction("flurb", "x"),
        Correction("flurb", "y"),
        Correction("faq/no_such_key", "z"),
        Correction("faq", "w"),
        Correction("nope/car_t", "v"),
    ]
    problems = domain_problems(corrections, domain_names(DOMAIN))
    assert len(problems) == 4
    assert "unknown intent 'flurb'" in problems[0]
    assert "no response utter_faq/no_such_key" in problems[1] and "car_t, source, what_is_crs" in problems[1]
    assert "'faq' is a retrieval intent" in problems[2]
    assert "unknown intent 'nope/car_t'" in problems[3]
