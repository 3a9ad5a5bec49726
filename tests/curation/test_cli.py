"""The command: refuses bad files, writes only what was accepted, then trains unless told not to."""

import pytest

from curation.cli import main
from tests.curation.project import export
from tests.curation.test_review import scripted


class Runner:
    """Records the commands instead of running them."""

    def __init__(self, statuses=()):
        self.calls = []
        self.statuses = list(statuses)

    def __call__(self, command, cwd):
        self.calls.append((list(command), cwd))
        return self.statuses.pop(0) if self.statuses else 0


def run(project, corrections, *args, ask=None, runner=None):
    path = project.corrections(corrections)
    said = []
    runner = runner if runner is not None else Runner()
    argv = [str(path), "--nlu-dir", str(project.nlu), "--domain", str(project.domain)]
    argv += ["--held-out", str(project.held_out), *args]
    status = main(argv, ask=ask, say=said.append, run=runner, root=project.root)
    return status, "\n".join(said), runner


EXPORT = export(
    {
        "faq/car_t": ["what do car t cells do", "How does CAR T work"],
        "out_of_scope": ["whats the weather tomorrow"],
        "report_urgent_symptom": ["explain crs"],
    }
)


def test_accept_all_with_no_train_merges_and_does_not_train(project):
    status, said, runner = run(project, EXPORT, "--accept-all", "--no-train")
    assert status == 0 and runner.calls == []
    assert "2 accepted, 1 rejected, 1 already in the training data" in said
    assert "--no-train" in said
    basics = project.file("faq_basics.yml").read_text(encoding="utf-8")
    assert basics.count("what do car t cells do") == 1 and "How does CAR T work" not in basics
    assert "explain crs" not in project.file("urgent.yml").read_text(encoding="utf-8")
    assert "whats the weather tomorrow" in project.file("corrections.yml").read_text(encoding="utf-8")


def test_by_default_training_then_evaluation_run_in_the_project(project):
    status, said, runner = run(project, EXPORT, "--accept-all")
    assert status == 0
    assert runner.calls == [
        ([str(project.root / "scripts" / "train.sh")], project.root),
        ([str(project.root / ".venv" / "bin" / "python"), "-m", "evaluation"], project.root),
    ]
    assert f"results: {project.root / 'results' / 'evaluation.json'}" in said


def test_a_failed_training_stops_before_the_evaluation(project):
    status, said, runner = run(project, EXPORT, "--accept-all", runner=Runner([3]))
    assert status == 3 and len(runner.calls) == 1
    assert "train failed (exit status 3)" in said


def test_dry_run_prints_the_changes_and_writes_nothing(project):
    before = project.snapshot()
    status, said, runner = run(project, EXPORT, "--dry-run")
    assert status == 0 and runner.calls == [] and project.snapshot() == before
    assert "add to " in said and "+ faq/car_t: what do car t cells do" in said
    assert "create " in said and "+ out_of_scope: whats the weather tomorrow" in said
    assert "dry run: nothing written" in said


def test_interactive_review_then_confirmation(project):
    # car_t: accept; out_of_scope: reject; conflict: accept anyway; then confirm the write.
    ask = scripted("y", "n", "y", "")
    status, said, runner = run(project, EXPORT, ask=ask, runner=Runner())
    assert status == 0 and len(runner.calls) == 2
    assert "explain crs" in project.file("urgent.yml").read_text(encoding="utf-8")
    assert not project.file("corrections.yml").exists()
    assert "write these to 2 file(s)?" in ask.asked[-1]


def test_declining_the_confirmation_writes_nothing(project):
    before = project.snapshot()
    status, said, runner = run(project, EXPORT, ask=scripted("y", "y", "n", "n"))
    assert status == 0 and runner.calls == [] and project.snapshot() == before
    assert said.endswith("nothing written")


def test_nothing_accepted_means_no_write_and_no_training(project):
    before = project.snapshot()
    status, said, runner = run(project, export({"faq/what_is_crs": ["What is CRS"]}), "--accept-all")
    assert status == 0 and runner.calls == [] and project.snapshot() == before
    assert "nothing to merge" in said


def test_a_held_out_text_is_rejected_by_default(project):
    status, said, _ = run(project, export({"faq/car_t": ["is car t a kind of chemo"]}), "--accept-all")
    assert "HELD-OUT" in said and "0 accepted, 1 rejected" in said
    assert "kind of chemo" not in project.file("faq_basics.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("corrections", "message"),
    [
        (export({"faq/car_t": ["ok"], "flurb": ["x"]}), "unknown intent 'flurb'"),
        (export({"faq/nope": ["x"]}), "no response utter_faq/nope"),
        ("\x00\x01binary", "binary file"),
        ("", "is empty"),
    ],
)
def test_a_bad_file_stops_before_anything_is_written(project, corrections, message):
    before = project.snapshot()
    with pytest.raises(SystemExit) as exit_:
        run(project, corrections, "--accept-all")
    assert message in str(exit_.value) and "nothing written" in str(exit_.value)
    assert project.snapshot() == before


def test_the_review_needs_a_terminal_or_accept_all(project, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(SystemExit, match="--accept-all"):
        run(project, EXPORT)


def test_ctrl_c_during_the_review_writes_nothing(project):
    def interrupt(prompt):
        raise KeyboardInterrupt

    before = project.snapshot()
    with pytest.raises(SystemExit, match="interrupted: nothing written"):
        run(project, EXPORT, ask=interrupt)
    assert project.snapshot() == before
