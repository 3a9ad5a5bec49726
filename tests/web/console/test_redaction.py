import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from web.console import redaction
from web.console.redaction import (
    ADDRESS,
    AGE,
    DATE,
    EMAIL,
    HOSPITAL,
    NAME,
    PHONE,
    RECORD,
    SSN,
    ZIP,
    Span,
    find_personal_data,
    redact,
)
from web.console.redaction_eval import DEFAULT_SET, evaluate, load_cases

CASES = [
    ("email", "write to jane.doe+kid@example.org please", "jane.doe"),
    ("phone", "call me at (555) 123-4567", "123-4567"),
    ("phone intl", "my number is +1 555 987 6543", "987 6543"),
    ("date of birth", "she was born 03/14/2015", "03/14/2015"),
    ("iso date", "his dob is 2015-04-01", "2015-04-01"),
    ("written date", "the infusion was on March 3rd, 2024", "March 3rd"),
    ("day month", "we go home 12 March", "12 March"),
    ("record number", "his MRN is 12345678", "12345678"),
    ("record words", "medical record number A-998877", "998877"),
    ("hash number", "patient #445566", "445566"),
    ("street address", "we live at 42 Oak Street, Apt 3", "Oak Street"),
    ("address avenue", "come to 1600 Pennsylvania Ave", "Pennsylvania"),
    ("child name", "my son Liam has a fever", "Liam"),
    ("child name lowercase", "my daughter emma is tired", "emma"),
    ("name is", "her name is Emma Rose and she is 6", "Emma"),
    ("parent name", "I'm Sarah, Liam's mom", "Sarah"),
    ("possessive parent", "Liam's dad here, when does crs start", "Liam"),
    ("named", "our baby named Noah got car t", "Noah"),
    # misses found by the privacy review of the old code
    ("first name alone", "Liam has a fever", "Liam"),
    ("surname", "my son Noah Smith is in the icu", "Smith"),
    ("i'm name and", "I'm Sarah and my daughter is on blincyto", "Sarah"),
    ("ssn", "SSN 123-45-6789", "6789"),
    ("zip", "we live in Dayton OH 45402", "45402"),
    ("zip+4", "mail it to 44308-1234", "44308"),
    ("grove address", "we are at 12 Oak Grove tonight", "Oak Grove"),
    ("doctor", "Dr. Patel said to give toci", "Patel"),
    ("doctor lower case", "dr nguyen wants to start dex", "nguyen"),
    ("hospital saint", "we are at St. Jude for the infusion", "Jude"),
    ("hospital children's", "admitted to Boston Children's Hospital", "Boston"),
    ("hospital of", "at Children's Hospital of Philadelphia", "Philadelphia"),
    ("clinic", "the Mayo Clinic team called", "Mayo"),
    ("lower case name", "liam has a fever", "liam"),
    ("this is", "this is Mike, Ava's dad", "Mike"),
    ("age with name", "Liam, 6, got his cells on monday", "6"),
    ("age before name", "my 6 year old Emma has diarrhea", "6"),
    ("born on", "he was born on 3/4/2019", "3/4/2019"),
    ("dob", "DOB 03/04/2019", "03/04/2019"),
    ("date of birth words", "date of birth is june 2 2017", "june 2"),
    ("born in year", "she was born in 2016", "2016"),
]


@pytest.mark.parametrize(("kind", "text", "secret"), CASES, ids=[c[0] for c in CASES])
def test_each_kind_of_personal_data_is_redacted(kind: str, text: str, secret: str) -> None:
    redacted = redact(text)
    assert not re.search(rf"(?<![\w<]){re.escape(secret)}(?![\w>])", redacted), redacted
    assert "<" in redacted


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my son Noah Smith has a fever", f"my son {NAME} has a fever"),
        ("Liam's mom here", f"{NAME}'s mom here"),
        ("SSN 123-45-6789", f"SSN {SSN}"),
        ("Dayton OH 45402", f"<PLACE> OH {ZIP}"),
        ("12 Oak Grove", ADDRESS),
        ("we're at Boston Children's Hospital", f"we're at {HOSPITAL}"),
        ("Liam, 6, has crs", f"{NAME}, {AGE}, has crs"),
        ("email a@b.co or call 614-555-0192", f"email {EMAIL} or call {PHONE}"),
        ("DOB 03/04/2019, MRN 4471829", f"DOB {DATE}, MRN {RECORD}"),
    ],
)
def test_placeholders(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "my son has a fever of 39.5",
        "is crs dangerous for my kid",
        "my baby vomited twice",
        "it has been 14 days since car t",
        "what is tocilizumab",
        "fever 39.6 at 3am, then 102.4 at 5am",
        "he is 4 years old and weighs 18.5 kg",
        "give 15 mg/kg every 6 hours, 1/2 tablet",
        "BP 85/50 and heart rate 150",
        "ferritin is 12000, platelets 150000",
        "will the fever come back after toci",
        "may i give him motrin",
        "we hope its not crs",
        "Will he lose his hair?",
        "Hope it's okay to text this late",
        "Mark the time of the fever",
        "Grace period ends on the 30th",
        "Bill from the hospital came today",
        "kid has a fever of 39",
        "the cytokine storm is scaring me",
        "I'm so tired and scared",
        "Dr said to watch for seizures and give keppra",
        "Is Children's Tylenol ok for a 4 year old",
        "CAR T was on Tuesday, fever started Thursday night",
        "Kymriah infusion was day 0, Blincyto day 28",
        "ICE score 10/10, pain 7/10, 24/7 monitoring",
        "it's a 3 hour drive to the hospital",
        "temp over 38.5 dr said wait",
        "my son can't talk properly",
        "we are in Texas now",
    ],
)
def test_ordinary_messages_stay_readable(text: str) -> None:
    assert redact(text) == text


def test_empty() -> None:
    assert redact("") == ""
    assert redact(None) == ""
    assert find_personal_data(None) == []


def test_spans_are_sorted_and_disjoint() -> None:
    text = "I'm Sarah Jones, Liam's mom, 12 Oak Grove, Dayton OH 45402, call 614-555-0192"
    spans = find_personal_data(text)
    assert all(isinstance(s, Span) for s in spans)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))
    assert "Sarah" not in redact(text) and "Jones" not in redact(text)


def test_a_name_found_once_is_hidden_everywhere() -> None:
    assert "mia" not in redact("my daughter Mia had blincyto, can mia go to school")


@pytest.mark.parametrize(
    "text",
    [
        "😀🤒🌡️ my son Liam 🤒 has 39.5",
        "<script>alert('Liam has a fever')</script><b>Dr. Patel</b>",
        "Zoë Müller está en el hospital, São Paulo, 東京, אבא",
        "\x00\x01\ufeff\u200b Liam has\u00a0a fever",
        "'''''''\"\"\"\"----////....####@@@@",
        "Dr.\nDr.\nDr.\n",
    ],
)
def test_odd_input_does_not_crash(text: str) -> None:
    assert isinstance(redact(text), str)


def test_markup_is_kept_as_text() -> None:
    out = redact("<script>alert('my son Liam')</script>")
    assert out.startswith("<script>") and "Liam" not in out


@pytest.mark.parametrize(
    "unit",
    [
        "my son Liam has a fever of 39.6, call 614-555-0192, Dr. Patel at St. Jude, 12 Oak Grove. ",
        "a",
        " ",
        "a@",
        "1-",
        "Liam ",
        "Boston St. ",
        "Children's ",
        "my son mrn ",
        "12 Dayton OH ",
        "😀",
    ],
)
def test_long_input_is_linear(unit: str) -> None:
    """100 kB of one repeated piece takes about ten times as long as 10 kB, not 100 times."""
    redact("warm up")  # loads the name lists

    def seconds(size: int) -> float:
        text = (unit * (size // len(unit) + 1))[:size]
        best = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            redact(text)
            best = min(best, time.perf_counter() - start)
        return best

    small, large = seconds(10_000), seconds(100_000)
    assert large < 10.0, (small, large)
    assert large < 30 * max(small, 0.005), (small, large)


def test_labelled_set_recall_and_words_wrongly_hidden() -> None:
    cases = load_cases(DEFAULT_SET)
    report = evaluate(cases)
    print("\n" + "\n".join(report.lines()))
    assert len(cases) >= 100
    assert report.clean_messages >= 30
    assert report.recall >= 0.98, "\n".join(report.lines())
    words = sum(len(re.findall(r"\w+", case.text)) for case in cases)
    # Over-redaction bound: at most 1% of all words hidden that are not personal data.
    assert len(report.wrongly_hidden) <= words // 100, "\n".join(report.lines())


def _hospital_word_texts() -> list[str]:
    """Hospital names beside hyphens, apostrophes, function words and odd spacing, and random mixes."""
    pieces = [
        "A", "Ab", "b", "-", "'", "’", " ", "  ", "   ", "\n", "1", "_", "é", "The", "My", "St.", "Hospital",
        "Children's", "Childrens", "Children’s", "Clinic", "Medical", "Center", "General", "Health",
        "Boston", "Lurie", "Sacred", "Heart", "X-Ray", "-Jones", "Cancer", "Institute", ".", ",", "(",
    ]  # fmt: skip
    texts = [
        "admitted to Boston Children's Hospital",
        "Smith Hospital-Jones Clinic",
        "x-Jones Hospital and The-Mercy General",
        "1Ab-Cd Hospital, Ré-Sacred Heart Medical Center",
        "My Lurie Children's is great, Mass General too",
        "Ab-" * 50 + "Cd Hospital",
    ]
    rng = random.Random(18)
    for _ in range(3000):
        texts.append("".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))))
    return texts


@pytest.mark.parametrize("name", ["_WORDS_CHILDRENS_RE", "_WORDS_SUFFIX_RE"])
def test_hospital_names_after_capitalised_words_are_found_as_finditer_finds_them(name: str) -> None:
    """The linear search returns exactly the regex's own matches."""
    pattern = getattr(redaction, name)
    assert pattern in redaction._WORD_LED_RES
    for text in _hospital_word_texts():
        found = [m.span() for m in redaction._word_led_matches(pattern, text)]
        assert found == [m.span() for m in pattern.finditer(text)], text


@pytest.mark.parametrize("unit", ["Ab-", "AB-", "Ab'b-", "A-"])
def test_hyphen_joined_capitals_are_searched_in_linear_time(unit: str) -> None:
    """300,000 characters of "Ab-Ab-...": milliseconds now; a quadratic search took minutes (the
    regexes alone: 10,000 characters 200 ms each), so a generous limit tells the two apart."""
    text = (unit * (300_000 // len(unit) + 1))[:300_000]
    code = (
        "import sys; from web.console.redaction import find_personal_data; "
        "find_personal_data(sys.stdin.read()); print('done')"
    )
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", code], input=text, capture_output=True, text=True, cwd=root, timeout=60
    )
    assert done.stdout.strip() == "done", done.stderr
