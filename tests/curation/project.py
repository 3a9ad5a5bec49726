"""A tiny project in a tmp folder: data/nlu split by topic (comments, a second block of an
intent in another file, a file without a final newline) and a domain."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DOMAIN = """version: "3.1"
intents:
  - faq
  - greet:
      use_entities: []
  - report_urgent_symptom
  - ask_medicine_dose
  - out_of_scope
responses:
  utter_faq/what_is_crs:
    - text: CRS is ...
  utter_faq/car_t:
    - text: CAR T is ...
  utter_faq/source:
    - text: The source is ...
  utter_greet:
    - text: Hello
"""

BASICS = """version: "3.1"
nlu:
- intent: faq/what_is_crs
  examples: |
    - what is crs
    - wat is [crs](topic)
    - explain crs

- intent: faq/car_t
  examples: |
    - what is car t
    - how does car t work
"""

URGENT = """version: "3.1"
nlu:
# A report of a sign the child has now.
- intent: report_urgent_symptom
  examples: |
    - he cant breathe
    - she had a seizure
    - fever 39.5 after kymriah

"""

# The dose file also holds a few report examples; ends without a newline.
MEDICINE = """version: "3.1"
nlu:
- intent: ask_medicine_dose
  examples: |
    - how much tylenol can i give
    - can i give ibuprofen
# A dose question about a sign the child has now is a report.
- intent: report_urgent_symptom
  examples: |
    - he has a fever can i give tylenol"""

CHITCHAT = 'version: "3.1"\r\nnlu:\r\n- intent: greet\r\n  examples: |\r\n    - hello\r\n    - hi there\r\n'


@dataclass
class Project:
    root: Path
    nlu: Path
    domain: Path
    held_out: Path

    def file(self, name: str) -> Path:
        return self.nlu / name

    def snapshot(self) -> dict:
        return {p.name: p.read_bytes() for p in sorted(self.nlu.iterdir())}

    def corrections(self, text: str, name: str = "console_corrections.yml") -> Path:
        path = self.root / name
        path.write_text(text, encoding="utf-8")
        return path


def make_project(tmp_path: Path) -> Project:
    nlu = tmp_path / "data" / "nlu"
    nlu.mkdir(parents=True)
    (nlu / "faq_basics.yml").write_text(BASICS, encoding="utf-8")
    (nlu / "urgent.yml").write_text(URGENT, encoding="utf-8")
    (nlu / "medicine.yml").write_text(MEDICINE, encoding="utf-8")
    (nlu / "chitchat.yml").write_bytes(CHITCHAT.encode("utf-8"))
    domain = tmp_path / "domain.yml"
    domain.write_text(DOMAIN, encoding="utf-8")
    held_out = tmp_path / "holdout.yml"
    held_out.write_text(
        'version: "3.1"\nnlu:\n- intent: faq/car_t\n  examples: |\n    - is car t a kind of chemo\n',
        encoding="utf-8",
    )
    return Project(tmp_path, nlu, domain, held_out)


def export(blocks: dict) -> str:
    """Text in the console's export format (web/console/services/exports.py `nlu_yaml`)."""
    lines = [
        'version: "3.1"',
        "# Corrections exported from the staff console. Review, then add to data/nlu/.",
        "nlu:",
    ]
    for intent, examples in blocks.items():
        lines += [f"- intent: {intent}", "  examples: |"] + [f"    - {e}" for e in examples]
    return "\n".join(lines) + "\n"
