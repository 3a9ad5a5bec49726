"""Redact personal data from a parent's message before staff see or export it.

``redact(text)`` replaces each piece of personal data with a placeholder:

- ``<EMAIL>``: a@b.org, a@gmail (no top-level domain), and written out: "jane dot doe at gmail
  dot com", "jane(at)gmail(dot)com", "jane [at] yahoo" (a bare "at" needs more: see `_email_spans`);
- ``<PHONE>``: 3 digit groups with spaces, "-", "." or "/" (spaced or not), 7-digit local numbers
  (555-0134, 555 0134), after a country code any grouping (+33 6 12 34 56 78), a trunk 0 and pairs
  (06 12 34 56 78); not temperature lists (101 102 103), round ranges (800-1200) or quantities
  (100-1000 mg, 930-1030 am);
- ``<SSN>`` (123-45-6789, or 9 digits after "SSN"/"social"), ``<RECORD>`` (MRN, patient/insurance/
  hospital id with letters too: 1234567X, AB-4471-22; ``#123456``, bare numbers of 7+ digits);
  digits written as words ("six five four three") after such a cue, or 7 of them anywhere;
- ``<DATE>``: numeric dates (3/4/2019, 2019-03-04, 5/14 when it is a valid day and
  month, not 80/40 or 1/2), written dates (March 3rd, 12 March, june 2 2017), and
  a year or day after "born", "DOB", "date of birth", "birthday";
- ``<ADDRESS>``: number + capitalised words + Street/St/Ave/Road/Lane/Drive/Dr/
  Grove/Court/Way/Place..., with an apartment; lower-case or mixed "12 oak st", "4 Elm ave";
  PO boxes;
- ``<ZIP>``: 5 or 5+4 digits after a US state, after "zip", or in the 12345-6789
  form; ``<PLACE>``: a city before a state ("Dayton OH", "Columbus, Ohio") or a
  capitalised unknown word after in/from/near ("from Fresno");
- ``<HOSPITAL>``: capitalised words before Hospital/Clinic/Medical Center/Children's/
  General..., "Children's Hospital of X", "St./Saint X", and a short list of
  pediatric CAR-T centres that no pattern finds (CHOP, Dana-Farber, MD Anderson...);
- ``<NAME>``: names of children, parents and clinicians (see below);
- ``<AGE>``: an age tied to a name ("Liam, 6,", "my 6 year old Emma", "emma is 6").
  Temperatures (39.6, 102), doses, day counts and ages without a name stay.

Names use the first-name and surname lists and the list of ordinary English and
medical words of the ``philter-ucsf`` package (``web.console.privacy.name_lists``), with
capitalisation and context, because many names are also words (Will, Hope, Grace,
Mark, kid, storm...):

1. After a cue, a word is a name if it is capitalised and not an ordinary word, or
   is in the name lists (capitalised or not, and not an ordinary word when lower
   case). Strong cues: "my son/daughter/kid/husband...", "grandma/aunt",
   "name is", "named", "called", "mom of", titles "Dr./Doctor/Nurse/Mrs..."
   (clinicians), "my 6 year old"; after a strong cue an unknown lower-case word
   is a name too ("my son jaxxon"). Weak cues, "I'm", "im", "this is", "it's",
   need a listed first name.
2. Without a cue, a listed first name is a name when it is capitalised inside a
   sentence ("is it normal for Hope to sleep"); at the start of a sentence or in
   lower case it must not be an ordinary word and be followed by what a subject
   is followed by (has/is/was/had/keeps/threw/'s..., a verb in -ed, ", 6,",
   "here"): "liam has a fever", "Emma threw up", "brantley's heart rate". An
   ordinary word at the start needs has/is/was/had/'s ("Will has a fever").
3. "X's mom/dad/uncle" and "Xs mom" make X a name; a capitalised listed surname
   (or unknown word) right after a name is its surname ("Noah Smith"); a name found
   once is hidden everywhere in the message ("... can mia catch it").

Over-redacting is preferred to leaking: the original text stays in the tracker
store and an admin may reveal one message (audit-logged). Every pattern is
bounded and anchored at word starts, so redaction time grows linearly with the
text (a 100 kB message takes well under a second).
"""

from __future__ import annotations

from web.console.privacy.redactor import find_personal_data, redact
from web.console.privacy.spans import (
    ADDRESS,
    AGE,
    DATE,
    EMAIL,
    HOSPITAL,
    KINDS,
    NAME,
    PHONE,
    PLACE,
    PLACEHOLDERS,
    RECORD,
    SSN,
    ZIP,
    Span,
)

__all__ = [
    "ADDRESS",
    "AGE",
    "DATE",
    "EMAIL",
    "HOSPITAL",
    "KINDS",
    "NAME",
    "PHONE",
    "PLACE",
    "PLACEHOLDERS",
    "RECORD",
    "SSN",
    "Span",
    "ZIP",
    "find_personal_data",
    "redact",
]
