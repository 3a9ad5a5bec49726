"""The textual merge: new examples land in the intent's block, everything else unchanged."""

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data

from curation.corrections import Correction
from curation.merge import NEW_FILE, MergeError, find_blocks, home_blocks, plan, verify, write
from tests.curation.project import BASICS, URGENT


def examples_by_intent(path):
    """What Rasa reads from ``path``: full intent (``faq/<key>``) -> texts."""
    result = {}
    for message in load_data(str(path)).intent_examples:
        result.setdefault(message.get_full_intent(), []).append(message.get("text"))
    return result


def merge(project, corrections):
    changes = plan(corrections, project.nlu)
    write(changes)
    return changes


def test_blocks_are_found_with_their_last_line_and_indentation(project):
    blocks = find_blocks(BASICS, project.file("faq_basics.yml"))
    assert [(b.intent, b.last_line, b.indent, b.count) for b in blocks] == [
        ("faq/what_is_crs", 6, "    ", 3),
        ("faq/car_t", 11, "    ", 2),
    ]


def test_an_intent_grows_in_the_file_holding_most_of_its_examples(project):
    homes = home_blocks(project.nlu)
    assert homes["report_urgent_symptom"].path.name == "urgent.yml"
    assert homes["ask_medicine_dose"].path.name == "medicine.yml"
    assert "out_of_scope" not in homes


def test_a_merge_inserts_lines_and_keeps_the_rest_of_the_file(project):
    merge(
        project,
        [
            Correction("faq/what_is_crs", "what does crs mean for my kid"),
            Correction("report_urgent_symptom", "her lips look blue"),
            Correction("faq/car_t", "is car t safe"),
        ],
    )
    basics = project.file("faq_basics.yml").read_text(encoding="utf-8")
    assert basics == BASICS.replace(
        "    - explain crs\n", "    - explain crs\n    - what does crs mean for my kid\n"
    ).replace("    - how does car t work\n", "    - how does car t work\n    - is car t safe\n")
    urgent = project.file("urgent.yml").read_text(encoding="utf-8")
    assert urgent == URGENT.replace("after kymriah\n", "after kymriah\n    - her lips look blue\n")
    assert "# A report of a sign the child has now." in urgent and urgent.endswith("\n\n")
    assert examples_by_intent(project.file("faq_basics.yml"))["faq/what_is_crs"][-1] == (
        "what does crs mean for my kid"
    )
    assert examples_by_intent(project.file("faq_basics.yml"))["faq/car_t"] == [
        "what is car t",
        "how does car t work",
        "is car t safe",
    ]
    assert examples_by_intent(project.file("urgent.yml"))["report_urgent_symptom"][-1] == "her lips look blue"


def test_a_file_without_a_final_newline_and_a_crlf_file(project):
    project.file("medicine.yml").write_text(
        project.file("medicine.yml").read_text(encoding="utf-8").replace("report_urgent_symptom", "feedback"),
        encoding="utf-8",
    )
    merge(project, [Correction("feedback", "that was useful"), Correction("greet", "good morning")])
    medicine = project.file("medicine.yml").read_text(encoding="utf-8")
    assert medicine.endswith("    - he has a fever can i give tylenol\n    - that was useful\n")
    assert examples_by_intent(project.file("medicine.yml"))["feedback"][-1] == "that was useful"
    chitchat = project.file("chitchat.yml").read_bytes()
    assert chitchat.endswith(b"    - hi there\r\n    - good morning\r\n") and b"\n" not in chitchat.replace(
        b"\r\n", b""
    )
    assert examples_by_intent(project.file("chitchat.yml"))["greet"] == ["hello", "hi there", "good morning"]


def test_an_intent_without_a_block_goes_to_a_new_file_then_grows_there(project):
    changes = merge(
        project, [Correction("out_of_scope", "whats the weather"), Correction("faq/source", "who wrote this")]
    )
    new = project.file(NEW_FILE)
    assert [c.created for c in changes] == [True]
    assert new.read_text(encoding="utf-8").startswith('version: "3.1"\n# Staff corrections')
    assert examples_by_intent(new) == {
        "out_of_scope": ["whats the weather"],
        "faq/source": ["who wrote this"],
    }

    changes = merge(project, [Correction("out_of_scope", "book me a taxi"), Correction("greet", "yo")])
    assert {c.path.name: c.created for c in changes} == {NEW_FILE: False, "chitchat.yml": False}
    assert examples_by_intent(new)["out_of_scope"] == ["whats the weather", "book me a taxi"]


def test_a_merge_that_would_change_other_examples_is_refused(project):
    before = project.file("faq_basics.yml").read_text(encoding="utf-8")
    wrong = before.replace("    - explain crs\n", "")
    with pytest.raises(MergeError, match="would not give the expected examples"):
        verify(before, wrong + "", {"faq/car_t": []}, project.file("faq_basics.yml"))
    with pytest.raises(MergeError, match="would break its YAML"):
        verify(before, before + "  - intent: [\n", {}, project.file("faq_basics.yml"))


def test_merged_files_stay_plain_yaml(project):
    merge(project, [Correction("faq/what_is_crs", "crs: what is it # asking")])
    data = yaml.safe_load(project.file("faq_basics.yml").read_text(encoding="utf-8"))
    assert data["nlu"][0]["examples"].splitlines()[-1] == "- crs: what is it # asking"
