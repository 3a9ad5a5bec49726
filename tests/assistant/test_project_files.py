"""The one reader of the project's files: the domain folder merged as Rasa merges it, NLU
examples without markup, the FAQ keys; a missing or broken file is a clear error."""

from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain

from assistant import project_files
from assistant.project_files import ProjectFileError
from tests.helpers import ROOT


def test_the_merged_domain_is_the_one_rasa_trains_with() -> None:
    ours = project_files.read_domain(ROOT / "domain")
    rasa = Domain.load(str(ROOT / "domain")).as_dict()
    assert set(ours["intents"]) == {i if isinstance(i, str) else next(iter(i)) for i in rasa["intents"]}
    assert ours["responses"] == rasa["responses"]
    assert set(ours["slots"]) == set(rasa["slots"])
    assert ours["actions"] == rasa["actions"]


def test_faq_keys_are_the_utter_faq_responses() -> None:
    keys = project_files.faq_keys(project_files.domain())
    assert "what_is_crs" in keys and keys == sorted(keys)
    assert all(f"utter_faq/{key}" in project_files.domain()["responses"] for key in keys)


def test_files_are_merged_in_name_order_lists_without_repeats(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(
        'version: "3.1"\nintents: [greet, faq]\nresponses: {utter_greet: [{text: hi}]}\n'
    )
    (tmp_path / "b.yml").write_text("intents: [faq, goodbye]\nresponses:\n  utter_goodbye: [{text: bye}]\n")
    merged = project_files.read_domain(tmp_path)
    assert merged["intents"] == ["greet", "faq", "goodbye"]
    assert set(merged["responses"]) == {"utter_greet", "utter_goodbye"}
    assert merged["version"] == "3.1"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "holds no domain files"),
        ("intents: [a\n", "cannot be read"),
        ("- just a list\n", "not a mapping"),
    ],
)
def test_a_missing_or_broken_domain_names_the_problem(tmp_path: Path, content: object, message: str) -> None:
    if content is not None:
        (tmp_path / "core.yml").write_text(str(content))
    with pytest.raises(ProjectFileError, match=message):
        project_files.read_domain(tmp_path)


def test_examples_lose_their_entity_markup(tmp_path: Path) -> None:
    path = tmp_path / "nlu.yml"
    path.write_text(
        'version: "3.1"\nnlu:\n- intent: feedback\n  examples: |\n'
        '    - [that helped]{"entity": "feedback_value", "value": "up"}\n'
        "    - is [CRS](topic) serious\n- lookup: feedback_value\n  examples: |\n    - thumbs up\n"
    )
    assert project_files.nlu_examples(path) == [("feedback", "that helped"), ("feedback", "is CRS serious")]
    assert project_files.strip_entity_markup("no markup [here]") == "no markup [here]"
