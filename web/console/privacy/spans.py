"""What redaction finds: the kinds of personal data, their placeholders, and a span of text."""

from __future__ import annotations

from dataclasses import dataclass

EMAIL = "<EMAIL>"
PHONE = "<PHONE>"
DATE = "<DATE>"
RECORD = "<RECORD>"
ADDRESS = "<ADDRESS>"
NAME = "<NAME>"
SSN = "<SSN>"
ZIP = "<ZIP>"
HOSPITAL = "<HOSPITAL>"
PLACE = "<PLACE>"
AGE = "<AGE>"

PLACEHOLDERS = {
    "email": EMAIL,
    "phone": PHONE,
    "ssn": SSN,
    "record": RECORD,
    "date": DATE,
    "address": ADDRESS,
    "zip": ZIP,
    "place": PLACE,
    "hospital": HOSPITAL,
    "name": NAME,
    "clinician": NAME,
    "age": AGE,
}
KINDS = tuple(PLACEHOLDERS)


@dataclass(frozen=True)
class Span:
    """Personal data at ``text[start:end]``."""

    start: int
    end: int
    kind: str
