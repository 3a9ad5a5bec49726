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
medical words of the ``philter-ucsf`` package (``web.console.name_lists``), with
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

import importlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from web.console.name_lists import WordLists, word_lists

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


# --------------------------------------------------------------------------- words
def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# A short hand list from this product's domain: treatment and drug words that the
# name lists hold (car, dex, toci, storm...), family words, and the spellings of
# parents typing on a phone. Ordinary English words come from the package's list.
_DOMAIN_WORDS = _word_set(
    """
    crs car cart car-t t-cell icans kymriah blincyto blinatumomab tisagenlecleucel tisa-cel
    tocilizumab toci actemra siltuximab dex dexamethasone decadron keppra methyl methylpred
    solumedrol tylenol motrin advil zofran benadryl ativan chemo onc oncology bmt picu icu nicu
    er ed ct mri eeg ekg ecg picc port iv bp hr o2 sat sats crp ferritin storm cytokine gene
    neuro neurotox fever temp temps rash kid kids kiddo kiddos bub bubs bubba lo ds dd dh dw
    mom mum mommy mummy momma mama dad daddy papa nana nanna granny grandma grandpa gran
    hubby sis bro doc dr nurse nurses
    ty thx tysm pls plz ive im hes shes theyre wont cant dont didnt doesnt isnt wasnt hasnt
    havent wouldnt couldnt shouldnt thats whats lil kinda wanna gonna gotta ya cya hiya helo
    hey hi hii ok okay wen wat u ur yeah yep nope idk omg lol tho hun
    """
)
_FUNCTION_WORDS = _word_set(
    """
    a an the and or but so if of in on at to for from by with about after before since
    during into over under up down out off as than like because while until i me my we us
    our you your he him his she her hers it its they them their this that these those there
    here who whom whose which what when where why how is was are were be been being am has
    had have do does did can could would should might must shall not no yes all
    any some every each just also still now then too very really
    """
)
_DETERMINERS = _word_set(
    "the a an my his her our your their this that these those some any no every each of "
    "one another which what whose"
)
_MONTHS_DAYS = _word_set(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday mon tue tues wed thu thur thurs fri sat sun
    """
)
# Words after "X's" that make X a person ("Liam's mom", "Noahs dad").
_KIN_AFTER = _word_set(
    """
    mom mum mommy mummy mother momma mama dad daddy father papa parent parents grandma grandpa
    granny nana nanna grandmother grandfather aunt auntie aunty uncle sister brother sibling
    siblings cousin stepmom stepdad stepmother stepfather guardian family nurse doctor dr
    oncologist teacher caregiver
    """
)
# Words a name is often followed by when it is the subject.
_SUBJECT_FOLLOWERS = _word_set(
    """
    has had have is was were will wont won't can cant can't could couldnt couldn't did does
    didnt didn't doesnt doesn't isnt isn't wasnt wasn't hasnt hasn't hadnt hadn't keeps kept
    just still also got gets threw throws woke wakes went goes ate eats slept sleeps felt
    feels seems looks says said told started starts began begins needs wants cried cries
    came comes fell falls ran hit here hates loves refuses
    """
)
_STRONG_FOLLOWERS = _word_set("has had is was")

_RELATIONS = (
    r"(?:son|daughter|child|kid|kiddo|boy|girl|baby|babe|toddler|teen|teenager|twin|"
    r"grandson|granddaughter|grandchild|grandbaby|nephew|niece|brother|sister|husband|wife|"
    r"partner|fianc[eé]e?|hubby|stepson|stepdaughter|stepchild|godson|goddaughter|"
    r"little\s{1,2}one|lo|ds|dd|dh)s?"
)
_AGE_WORDS = r"(?:years?|yrs?|y/?o|months?|mos?)"


@lru_cache(maxsize=1)
def _medical_words() -> frozenset[str]:
    """Single words of the assistant's drug and treatment vocabulary, with misspellings.

    (Symptom phrases are left out: their words are ordinary English, "will not wake".)
    """
    try:  # imported by name: it is plain data, shared with the Rasa side (not type-checked here)
        medical_terms = importlib.import_module("assistant.nlu.medical_terms")
    except ImportError:  # the web image always ships assistant/; stay usable without it
        return frozenset()
    words: set[str] = set()
    phrases: list[str] = list(medical_terms.CANONICAL_LEMMAS)
    phrases += medical_terms.CANONICAL_LEMMAS.values()
    for group in medical_terms.ENTITY_TERMS.values():
        for canonical, terms in group.items():
            phrases.append(canonical)
            phrases.extend(terms)
    for phrase in phrases:
        words.update(re.findall(r"[a-z][a-z'-]+", phrase.lower()))
    return frozenset(words)


_CONTRACTION_RE = re.compile(r"n't$|'(?:ll|re|ve|d|m|s)$")


class _Lexicon:
    """Questions about a lower-case word, answered from the lists."""

    def __init__(self, lists: WordLists) -> None:
        self.lists = lists
        self.never = _DOMAIN_WORDS | _FUNCTION_WORDS | _medical_words()

    def first(self, word: str) -> bool:
        return word in self.lists.first_names

    def last(self, word: str) -> bool:
        return word in self.lists.last_names

    def listed(self, word: str) -> bool:
        return word in self.lists.first_names or word in self.lists.last_names

    def ordinary(self, word: str) -> bool:
        """An ordinary English or medical word (it may be a name too: will, hope, mark)."""
        if word in self.never or word in self.lists.common_words:
            return True
        if _CONTRACTION_RE.search(word):  # can't, we'll, they're
            return True
        # "havin", "shakin": a dropped g
        return len(word) > 4 and word.endswith("in") and word + "g" in self.lists.common_words

    def unknown(self, word: str) -> bool:
        """In no list at all: a rare name ("jaxxon") or a typo."""
        return not (self.ordinary(word) or self.listed(word))


# --------------------------------------------------------------------------- tokens
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_SENTENCE_END_RE = re.compile(r"[.!?\n]")
_ALNUM_RE = re.compile(r"[^\W_]")


@dataclass
class _Token:
    start: int
    end: int
    text: str
    lower: str  # without a possessive 's, apostrophes normalised
    possessive: bool
    sentence_start: bool

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper() and not (len(self.lower) > 1 and self.text.isupper())

    @property
    def all_caps(self) -> bool:
        return len(self.lower) > 1 and self.text.isupper()


def _fold(word: str) -> str:
    """Lower case without accents, as the lists are: "Zoë" -> "zoe"."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    previous_end = 0
    for match in _WORD_RE.finditer(text):
        word = match.group().replace("’", "'")
        possessive = len(word) > 3 and word.lower().endswith("'s")
        base = word[:-2] if possessive else word
        gap = text[previous_end : match.start()]
        # the first word (unless a number stands before it) or a word after . ! ? or a new line
        sentence_start = _SENTENCE_END_RE.search(gap) is not None if tokens else _ALNUM_RE.search(gap) is None
        tokens.append(
            _Token(match.start(), match.end(), match.group(), _fold(base), possessive, sentence_start)
        )
        previous_end = match.end()
    return tokens


# --------------------------------------------------------------------------- patterns
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_NOT_A_COUNT = r"(?!\s{0,2}(?:days?|weeks?|hours?|hrs?|doses?|times?|mg|ml|kg|x\b))"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
# "jane.doe@gmail.com", "jane@163.com", and "jane.doe@gmail" without a top-level domain (the local
# part must hold a letter, so "39.5@3am" stays).
_EMAIL_RE = re.compile(
    rf"(?<![\w.+{_ZERO_WIDTH}-])([\w.+{_ZERO_WIDTH}-]{{1,64}})"
    r"@(?:[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}|[^\W\d_][\w-]{0,62})"
)
# Written-out addresses: "jane dot doe at gmail dot com", "jane(at)gmail(dot)com", "jane [at] yahoo",
# "jane.doe @ gmail.com". A bare " at " is an ordinary word, so `_email_spans` asks more of it.
_OBFUSCATED_AT = (
    r"(?:[^\S\n]{0,2}[(\[{<][^\S\n]{0,2}(?:at|@)[^\S\n]{0,2}[)\]}>][^\S\n]{0,2}"
    r"|(?P<bare>[^\S\n]{1,2}at[^\S\n]{1,2})|[^\S\n]{1,2}@[^\S\n]{0,2}|[^\S\n]{0,2}@[^\S\n]{1,2})"
)
_OBFUSCATED_DOT = (
    r"(?:[^\S\n]{0,2}[(\[{<][^\S\n]{0,2}dot[^\S\n]{0,2}[)\]}>][^\S\n]{0,2}|[^\S\n]{1,2}dot[^\S\n]{1,2}|\.)"
)
_MAIL_PROVIDERS = (
    r"(?:gmail|googlemail|yahoo|ymail|hotmail|outlook|icloud|aol|comcast|protonmail|proton|gmx|msn|"
    r"verizon|sbcglobal|bellsouth|wanadoo|laposte)"
)
_TLDS = (
    r"(?:com|org|net|edu|gov|mil|info|biz|io|co|uk|us|ca|au|nz|ie|fr|de|es|nl|ch|se|dk|fi|pl|pt|br|mx|"
    r"jp|za|me|app)"
)
_OBFUSCATED_EMAIL_RE = re.compile(
    rf"(?<![\w.+-])(?P<local>[\w+-]{{1,64}}(?:{_OBFUSCATED_DOT}[\w+-]{{1,64}}){{0,3}}){_OBFUSCATED_AT}"
    rf"(?P<domain>(?:[^\W_][\w-]{{0,62}}{_OBFUSCATED_DOT}){{1,3}}{_TLDS}\b|{_MAIL_PROVIDERS}\b)",
    re.IGNORECASE,
)
_DOT_WORD_RE = re.compile(r"(?i)(?<![^\W_])dot(?![^\W_])")
_PROVIDER_DOMAIN_RE = re.compile(rf"(?i){_MAIL_PROVIDERS}{_OBFUSCATED_DOT}")
_SSN_RE = re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])")
_SSN_CUE_RE = re.compile(
    r"\b(?:ssn|social(?:\s{1,2}security)?(?:\s{1,2}(?:number|no\.?|#))?)\s{0,2}"
    r"(?:is\s{1,2}|:\s{0,2}|#\s{0,2})?(\d{3}[\s.-]?\d{2}[\s.-]?\d{4})(?!\d)",
    re.IGNORECASE,
)
# The value after a cue: letters, digits and inner hyphens or spaced digit groups, holding 4+ digits
# (checked in `_record_spans`): "12345678", "A-998877", "1234567X", "AB 1234 567", "00123456-B".
_RECORD_RE = re.compile(
    r"\b(?:mrn|medical\s{1,2}record(?:\s{1,2}(?:number|no\.?|#))?|"
    r"(?:record|chart|case|policy|account|file|hospital|nhs|medicaid|medicare|subscriber|group)"
    r"\s{1,2}(?:number|no\.?|#|id)|"
    r"(?:patient|insurance|member)\s{1,2}(?:id|number|no\.?|#)|id(?:\s{1,2}(?:number|no\.?|#))?)"
    r"\s{0,2}(?:is\s{1,2}|:\s{0,2}|#\s{0,2})?#?"
    r"([A-Z]{0,3}-?\d(?:[\dA-Z]|-(?=[\dA-Z])|[^\S\n](?=\d\d)){3,24})(?![\w-])",
    re.IGNORECASE,
)
# Digits written as words after a cue, or a long run anywhere: "six five four three two one".
_DIGIT_WORD = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
_SPELLED_DIGITS_RE = re.compile(
    rf"(?<![^\W\d_]){_DIGIT_WORD}(?:[\s,.-]{{1,3}}{_DIGIT_WORD}){{3,30}}(?![^\W\d_])", re.IGNORECASE
)
_DIGIT_WORD_RE = re.compile(_DIGIT_WORD, re.IGNORECASE)
_SPELLED_CUE_RE = re.compile(
    r"(?i)(?:\b(?:(?P<ssn>ssn|social)|(?P<record>mrn|record|chart|id|patient|insurance|member|policy|account)|"
    r"phone|cell|mobile|number|call|text|reach)\b|#)[^.!?\n]{0,30}$"
)
_HASH_NUMBER_RE = re.compile(r"(?<![\w&])#\s?\d{4,12}\b")
_LONG_NUMBER_RE = re.compile(r"(?<![\w.,<])\d{7,}(?![\w.,>])")
# Phone numbers. A separator is a space or two, or "-" "." "/" with up to two spaces either side
# ("555 - 123 - 4567", "555/123/4567"); `_phone_spans` drops temperature lists and round ranges.
_PHONE_SEP = r"(?:[^\S\n]{0,2}[-./][^\S\n]{0,2}|[^\S\n]{1,2})"
# "(555) 123-4567", "+1 555 123 4567", "07700 900 123", "1-800-555-0199"
_PHONE_RE = re.compile(
    rf"(?<![\w<+])(?:\+?\d{{1,3}}{_PHONE_SEP}?)?(?:\(\d{{2,4}}\)|\d{{2,4}}){_PHONE_SEP}?\d{{3,4}}{_PHONE_SEP}?\d{{3,4}}"
    r"(?!\w)(?![.,/-]\d)"
)
# A local number without an area code: "555-0134", "555 0134", "555.0134", "555 - 0134"
_PHONE_LOCAL_RE = re.compile(
    r"(?<![\w<+.,/-])\d{3}(?:[^\S\n]{0,2}[-.][^\S\n]{0,2}|[^\S\n]{1,2})\d{4}(?!\w)(?![.,/-]\d)"
)
# After a country code (+33, 0033) any grouping: "+33 6 12 34 56 78", "+44 (0)20 7946 0958"
_PHONE_INTERNATIONAL_RE = re.compile(
    rf"(?<![\w+])(?:\+|(?<!\d)00)\d{{1,3}}(?:{_PHONE_SEP}|[^\S\n]{{0,2}}\(\d{{1,4}}\)[^\S\n]{{0,2}})\d{{1,4}}"
    rf"(?:{_PHONE_SEP}\d{{2,4}}){{1,6}}(?!\w)"
)
# A national number with a trunk 0, grouped with one separator: "06 12 34 56 78", "06.12.34.56.78",
# "0470 12 34 56", "020-7946-0958" (9 to 12 digits, so "05.12.2019" stays a date).
_PHONE_TRUNK_RE = re.compile(
    r"(?<![\w<+.,/-])0\d{1,4}([^\S\n]|[-.])\d{2,4}(?:\1\d{2,4}){1,4}(?!\w)(?![.,/-]\d)"
)
_PHONE_RES = (_PHONE_RE, _PHONE_LOCAL_RE, _PHONE_INTERNATIONAL_RE, _PHONE_TRUNK_RE)
# What follows a number that is a quantity, not a phone number: "100-1000 mg", "930 - 1030 am"
_QUANTITY_AFTER_RE = re.compile(
    r"[^\S\n]{0,2}(?:%|°|mg|mcg|ml|kg|g|lbs?|units?|iu|degrees?|deg|f|c|am|pm|a\.m|p\.m|days?|weeks?|"
    r"hours?|hrs?|mins?|minutes?|times?|doses?|cells?|k|x)(?![^\W\d_])",
    re.IGNORECASE,
)
_DIGIT_GROUP_RE = re.compile(r"\d+")
_DATE_ISO_RE = re.compile(r"(?<![\d.])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d.])")
_DATE_DMY_RE = re.compile(r"(?<![\d./-])(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?![\d])")
_DATE_SHORT_RE = re.compile(r"(?<![\d./-])(\d{1,2})/(\d{1,2})(?![\d/])")
_DATE_MONTH_DAY_RE = re.compile(
    rf"\b({_MONTHS})\.?\s{{1,2}}(\d{{1,2}})(st|nd|rd|th)?\b(?!\.\d)(,?\s{{1,2}}\d{{4}}\b)?{_NOT_A_COUNT}",
    re.IGNORECASE,
)
_DATE_DAY_MONTH_RE = re.compile(
    rf"(?<![\d.])(\d{{1,2}})(?:st|nd|rd|th)?\s{{1,2}}(?:of\s{{1,2}})?({_MONTHS})\b(?:,?\s{{1,2}}\d{{4}}\b)?",
    re.IGNORECASE,
)
_DATE_MONTH_YEAR_RE = re.compile(rf"\b{_MONTHS}\.?,?\s{{1,2}}(?:19|20)\d\d\b", re.IGNORECASE)
_BIRTH_RE = re.compile(
    r"\b(?:born|dob|d\.o\.b\.?|date\s{1,2}of\s{1,2}birth|birthday|bday)\s{0,2}"
    r"(?:is\s{1,2}|was\s{1,2}|:\s{0,2})?(?:on\s{1,2}|in\s{1,2})?(?:the\s{1,2})?"
    r"((?:19|20)\d\d|[0-3]?\d(?:st|nd|rd|th))\b",
    re.IGNORECASE,
)
_STREET_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Grove|Court|Ct|Boulevard|Blvd|Way|"
    r"Place|Pl|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Close|"
    r"Crescent|Row|Walk|Path|Pike|Alley|Loop)"
)
_ABBREVIATION_DOT = r"(?:(?<=St|Rd|Ln|Dr|Ct|Pl|Sq)\.|(?<=Ave|Ter|Cir|Hwy|Trl)\.|(?<=Blvd|Pkwy)\.)?"
_UNIT = r"(?:,?\s{0,2}(?i:apt|apartment|unit|suite|ste|#)\.?\s{0,2}#?[A-Za-z0-9-]{1,6}\b)?"
_ADDRESS_RE = re.compile(
    r"(?<![\w.,/-])\d{1,6}[A-Za-z]?\s{1,2}"
    r"(?:(?:[NSEW]\.?|North|South|East|West|N[EW]|S[EW])\s{1,2})?"
    rf"(?:(?!(?:Apt|Unit|Suite|APT|UNIT|SUITE)\b)[A-Z][A-Za-z'’-]*\.?\s{{1,2}}){{1,3}}"
    rf"(?:{_STREET_SUFFIX}|{_STREET_SUFFIX.upper()})\b{_ABBREVIATION_DOT}{_UNIT}"
)
# Lower case or mixed: "12 oak st", "12 Oak st.", "4b n maple ave", "12 elm street apt 3". The words
# between the number and the suffix are not counted things ("3 hour drive", "2 nights drive").
_ADDRESS_LOWER_RE = re.compile(
    r"(?<![\w.,/-])\d{1,5}[a-z]?\s{1,2}(?:[nsew]\.?\s{1,2})?"
    r"(?:(?!(?i:the|a|an|of|on|in|at|to|for|my|his|her|our|and|or|more|less|long|short|big|little|old|"
    r"other|few|hour|hours|hr|hrs|minute|minutes|min|mins|sec|secs|second|seconds|mile|miles|km|day|days|"
    r"night|nights|week|weeks|weekend|weekends|month|months|year|years|yr|yrs|yo|wk|wks|mo|mos|times|"
    r"dose|doses|pill|pills|tab|tabs|tablet|tablets|cup|cups|bag|bags|kid|kids|child|children|mg|ml|kg|"
    r"lb|lbs|oz|am|pm|degrees|deg)\b)[A-Za-z][a-z]{1,19}\s{1,2}){1,2}"
    r"(?:street|st|avenue|ave|road|rd|lane|ln|boulevard|blvd|drive|grove|court|ct|terrace|parkway|pkwy|"
    r"highway|hwy|way|place|pl|circle|cir|trail|crescent)\b"
    rf"{_UNIT}"
)
_PO_BOX_RE = re.compile(
    r"\b(?:p\.?\s?o\.?\s{0,2}box|post\s{1,2}office\s{1,2}box)\s{0,2}\d{1,6}\b", re.IGNORECASE
)
_STATES = sorted(
    _word_set(
        "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
        "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
    )
)
_STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|"
    "Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|"
    "Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New\\s{1,2}Hampshire|"
    "New\\s{1,2}Jersey|New\\s{1,2}Mexico|New\\s{1,2}York|North\\s{1,2}Carolina|North\\s{1,2}Dakota|"
    "Ohio|Oklahoma|Oregon|Pennsylvania|Rhode\\s{1,2}Island|South\\s{1,2}Carolina|"
    "South\\s{1,2}Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West\\s{1,2}Virginia|"
    "Wisconsin|Wyoming"
)
_CITY_STATE_RE = re.compile(
    r"(?<![\w'’])((?:[A-Z][a-z]+\s{1,2}){0,2}[A-Z][a-z]+)(,)?\s{1,2}"
    rf"({'|'.join(_STATES)}|{_STATE_NAMES})\b(?:,?\s{{1,2}}(\d{{5}}(?:-\d{{4}})?)(?![\d-]))?"
)
_PLACE_AFTER_RE = re.compile(
    r"\b(?:in|from|near|outside|moved\s{1,2}to|drove\s{1,2}to|live\s{1,2}in|lives\s{1,2}in|"
    r"living\s{1,2}in)\s{1,2}([A-Z][a-z]{2,}(?:\s{1,2}[A-Z][a-z]{2,})?)\b(?!['’]s)"
)
_ZIP_CUE_RE = re.compile(
    r"\b(?:zip|zipcode|postal\s{1,2}code|post\s{1,2}code)(?:\s{0,2}code)?\s{0,2}"
    r"(?:is\s{1,2}|:\s{0,2}|#\s{0,2})?(\d{5}(?:-\d{4})?)(?![\d-])",
    re.IGNORECASE,
)
_ZIP_LIVE_RE = re.compile(r"\b(?:live|lives|living)\s{1,2}in\s{1,2}(\d{5})(?![\d.-])", re.IGNORECASE)
_ZIP4_RE = re.compile(r"(?<![\d.-])\d{5}-\d{4}(?![\d-])")

_CAPW = r"[A-Z][A-Za-z'’\-]*"
_NOT_FUNCTION_CAP = (
    r"(?!(?:The|A|An|At|In|To|From|Our|My|His|Her|Their|This|That|We|I|Is|And|Or|Of|For|On|"
    r"Was|Were|Are|Its|It's|Your|Local|Nearest|Which|What|Any|Some)\b)"
)
_CHILDRENS = r"(?:Children['’]?s|Childrens['’]?)"
_HOSPITAL_SUFFIX = (
    r"(?:Hospitals?|Clinic|Medical\s{1,2}Cent(?:er|re)|Cancer\s{1,2}(?:Cent(?:er|re)|Institute)|"
    r"Infirmary|Health(?:care|\s{1,2}System)?|General|Memorial|University\s{1,2}Hospital)"
)
# Up to 4 capitalised words, then a hospital word. Searched with `_word_led_matches`, never with
# finditer, which tries each start after a hyphen and reads the rest of the word from there
# ("Ab-Ab-..." costs the square of its length).
_WORDS_BEFORE = rf"(?<![\w'’])(?:{_NOT_FUNCTION_CAP}{_CAPW}\s{{1,2}}){{1,4}}"
# "Boston Children's Hospital", "Lurie Children's", "Children's Mercy Kansas City"
_WORDS_CHILDRENS_RE = re.compile(
    rf"{_WORDS_BEFORE}{_CHILDRENS}"
    rf"(?:\s{{1,2}}(?:Hospital|Medical\s{{1,2}}Cent(?:er|re)|Health(?:care)?|Research\s{{1,2}}Hospital))?"
)
# "Sacred Heart Medical Center", "Mass General", "Mayo Clinic"
_WORDS_SUFFIX_RE = re.compile(rf"{_WORDS_BEFORE}{_HOSPITAL_SUFFIX}\b")
_WORD_LED_RES = (_WORDS_CHILDRENS_RE, _WORDS_SUFFIX_RE)
_CAPW_RUN_RE = re.compile(r"[A-Za-z'’\-]+")  # what _CAPW can read: it always reads to the run's end
_WORD_START_RE = re.compile(rf"(?<![\w'’]){_NOT_FUNCTION_CAP}[A-Z]")  # where _WORDS_BEFORE can start
_SPACE_RE = re.compile(r"\s")
_HOSPITAL_RES = (
    _WORDS_CHILDRENS_RE,
    re.compile(
        rf"(?<![\w'’]){_CHILDRENS}\s{{1,2}}(?:Hospital|Mercy|National|Health(?:care)?|Medical\s{{1,2}}Center)"
        rf"(?:\s{{1,2}}(?:of\s{{1,2}}(?:the\s{{1,2}})?)?{_NOT_FUNCTION_CAP}{_CAPW}){{0,3}}"
    ),
    _WORDS_SUFFIX_RE,
    # "Hospital for Sick Children", "Hospital of the University of Pennsylvania"
    re.compile(
        rf"\bHospital\s{{1,2}}(?:of|for)\s{{1,2}}(?:the\s{{1,2}})?{_CAPW}(?:\s{{1,2}}(?:of\s{{1,2}})?{_CAPW}){{0,3}}"
    ),
    # "St. Jude", "Saint Mary's Medical Center"
    re.compile(
        rf"(?<![\w'’])(?:St\.?|Saint)\s{{1,2}}{_CAPW}"
        rf"(?:\s{{1,2}}(?:{_CHILDRENS}(?:\s{{1,2}}Hospital)?|{_HOSPITAL_SUFFIX}|Research\s{{1,2}}Hospital))?"
    ),
    # lower case: "childrens hospital of philadelphia", "boston childrens hospital"
    re.compile(
        r"\bchild(?:ren)?['’]?s?['’]?\s{1,2}hospital\s{1,2}of\s{1,2}(?:the\s{1,2})?[a-z]{3,}", re.IGNORECASE
    ),
    re.compile(
        r"\b(?!(?:the|a|an|our|my|local|nearest|nearby|big|main|other|this|that|your|their|his|her|"
        r"at|to|in|from|of|and|a|new|same|closest)\b)[a-z]{3,}\s{1,2}child(?:ren)?['’]?s?['’]?\s{1,2}hospital\b"
    ),
    # pediatric CAR-T centres a pattern cannot find
    re.compile(
        r"\b(?:dana[\s-]{1,2}farber|md\s{1,2}anderson|(?:memorial\s{1,2})?sloan[\s-]{1,2}kettering|mskcc|msk|chop|choa|"
        r"chla|johns\s{1,2}hopkins|mayo(?:\s{1,2}clinic)?|stanford|ucsf|ucla|great\s{1,2}ormond\s{1,2}street|"
        r"sick\s{0,2}kids|mass\s{1,2}general|mgh|lurie|fred\s{1,2}hutch(?:inson)?|royal\s{1,2}marsden|"
        r"penn\s{1,2}medicine|cook\s{1,2}children['’]?s|rady)\b",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?:Duke|GOSH|City\s{1,2}of\s{1,2}Hope|Nationwide|Primary\s{1,2}Children['’]?s)\b"),
)
_CHILDRENS_PLACE_RE = re.compile(rf"(?<![\w'’]){_CHILDRENS}\s{{1,2}}([A-Z][a-z]{{2,}})\b")
_SAINT_LOWER_RE = re.compile(
    r"\b(?:st\.?|saint)\s{1,2}([a-z]{3,})(?:['’]?s)?\b"
    r"(?:\s{1,2}(?:child(?:ren)?['’]?s?['’]?(?:\s{1,2}hospital)?|hospital|medical\s{1,2}cent(?:er|re))\b)?"
)

# Cues before a name; the token right after the cue (only spaces, commas or a colon
# between) is judged. Kinds: strong, title (clinician), weak.
_CUE_RES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            rf"\b(?:my|our|his|her|your|their)\s{{1,2}}"
            rf"(?:\d{{1,2}}[\s-]{{0,2}}{_AGE_WORDS}(?:[\s-]{{0,2}}old)?\s{{1,2}})?"
            r"(?:(?:little|baby|big|older|younger|youngest|oldest|eldest|sweet|beautiful|step|twin)"
            rf"[\s-]{{1,2}})?{_RELATIONS}\b",
            re.IGNORECASE,
        ),
        "strong",
    ),
    (
        re.compile(r"\b(?:grandma|grandpa|granny|nana|nanna|papa|aunt|auntie|aunty|uncle|cousin)\b", re.I),
        "strong",
    ),
    (
        re.compile(
            r"\b(?:(?:first|last|middle|full|sur)?\s{0,2}name\s{1,2}is|name['’]s|names\s{1,2}(?:is|are)|"
            r"named|called|call\s{1,2}(?:him|her|me)|goes\s{1,2}by|first\s{1,2}name|last\s{1,2}name|"
            r"surname)\b",
            re.IGNORECASE,
        ),
        "strong",
    ),
    (
        re.compile(
            r"\b(?:mom|mum|mother|dad|father|parent|grandma|grandpa|guardian|caregiver)\s{1,2}(?:of|to)\b",
            re.IGNORECASE,
        ),
        "strong",
    ),
    (
        re.compile(
            r"\b(?:dr|doctor|doc|dra|nurse(?:\s{1,2}practitioner)?|np|mr|mrs|ms|miss|mx|prof|professor)\b\.?",
            re.IGNORECASE,
        ),
        "title",
    ),
    (re.compile(r"\b(?:i['’]?m|i\s{1,2}am|this\s{1,2}is|it['’]?s|it\s{1,2}is)\b", re.IGNORECASE), "weak"),
)
_AGE_CUE_RE = re.compile(
    rf"\b(?:my|our)\s{{1,2}}(\d{{1,2}})[\s-]{{0,2}}{_AGE_WORDS}(?:[\s-]{{0,2}}old)?"
    rf"(?:\s{{1,2}}{_RELATIONS})?\b",
    re.IGNORECASE,
)
_CUE_GAP_RE = re.compile(r"[\s,:]{1,4}")
_AGE_UNITS_AFTER = r"(?!\.\d)(?!\s{0,2}(?:%|°|mg|kg|ml|mcg|lbs?|degrees?|f\b|c\b|am\b|pm\b|:))"
_AGE_AFTER_RES = (
    re.compile(r"\s{0,2}\(\s{0,2}(\d{1,2})\s{0,2}(?:[a-z]{1,6}\s{0,2})?\)"),  # "Marco (8)", "(8 yo)"
    re.compile(
        rf",\s{{0,2}}(?:age[ds]?\s{{1,2}}|aged\s{{1,2}})?(\d{{1,2}})(?:\s{{0,2}}{_AGE_WORDS}(?:[\s-]{{0,2}}old)?)?"
        rf"\b{_AGE_UNITS_AFTER}(?=\s{{0,2}}(?:[,.;)]|$)|\s)",
        re.IGNORECASE,
    ),
    re.compile(
        r"\s{1,2}(?:is|was|turned|just\s{1,2}turned|who\s{1,2}is)\s{1,2}"
        rf"(\d{{1,2}})(?:\s{{0,2}}(?:and\s{{1,2}}a\s{{1,2}}half\s{{1,2}})?{_AGE_WORDS}(?:[\s-]{{0,2}}old)?)?"
        rf"\b{_AGE_UNITS_AFTER}",
        re.IGNORECASE,
    ),
)


# --------------------------------------------------------------------------- detectors
def _group_spans(pattern: re.Pattern[str], text: str, kind: str, group: int = 0) -> Iterable[Span]:
    for match in pattern.finditer(text):
        if match.start(group) >= 0:
            yield Span(match.start(group), match.end(group), kind)


def _email_spans(text: str, lexicon: _Lexicon) -> Iterable[Span]:
    for match in _EMAIL_RE.finditer(text):
        if re.search(r"[^\W\d_]", match.group(1)):  # "39.5@3am" is a temperature at a time
            yield Span(match.start(), match.end(), "email")
    for match in _OBFUSCATED_EMAIL_RE.finditer(text):
        local, domain = match.group("local"), match.group("domain")
        if match.group("bare") is not None:
            # "look at webmd.com", "email me at gmail" are not addresses; "jane at gmail.com",
            # "j.doe at mercy.org", "jane dot doe at gmail dot com" are.
            written_out = _DOT_WORD_RE.search(domain) is not None
            provider = _PROVIDER_DOMAIN_RE.match(domain) is not None
            odd_local = re.search(r"[\d_.+-]", local) is not None or _DOT_WORD_RE.search(local) is not None
            not_a_word = len(local) > 1 and not lexicon.ordinary(local.lower())
            if not (written_out or provider or odd_local or not_a_word):
                continue
        yield Span(match.start(), match.end(), "email")


def _record_spans(text: str) -> Iterable[Span]:
    for match in _RECORD_RE.finditer(text):
        if sum(c.isdigit() for c in match.group(1)) >= 4:  # not "id 12days"
            yield Span(match.start(1), match.end(1), "record")


def _spelled_digit_spans(text: str) -> Iterable[Span]:
    """Digits written as words: 7+ anywhere, 4+ after a cue in the same sentence."""
    for match in _SPELLED_DIGITS_RE.finditer(text):
        count = len(_DIGIT_WORD_RE.findall(match.group()))
        cue = _SPELLED_CUE_RE.search(text[max(0, match.start() - 40) : match.start()])
        if cue is None and count < 7:
            continue
        kind = "ssn" if cue and cue.group("ssn") else "record" if cue and cue.group("record") else "phone"
        yield Span(match.start(), match.end(), kind)


def _looks_like_quantities(groups: list[str], separators: list[str]) -> bool:
    """A list of temperatures ("101 102 103", "38 39 40") or a round range ("800-1200", "500 1000 2000")."""
    values = [int(g) for g in groups]
    temperatures = all(34 <= v <= 43 or 95 <= v <= 107 for v in values)
    if temperatures and all(sep.strip(" ,") == "" for sep in separators):
        return True
    return all(v % (10 if len(g) < 4 else 100) == 0 for g, v in zip(groups, values, strict=True))


def _phone_spans(text: str) -> Iterable[Span]:
    for pattern in _PHONE_RES:
        international = pattern is _PHONE_INTERNATIONAL_RE
        for match in pattern.finditer(text):
            number = match.group()
            groups = _DIGIT_GROUP_RE.findall(number)
            digits = sum(len(g) for g in groups)
            if international:
                if 8 <= digits <= 15:
                    yield Span(match.start(), match.end(), "phone")
                continue
            if pattern is _PHONE_TRUNK_RE and not 9 <= digits <= 12:
                continue
            if not number.startswith(("+", "(", "0")):  # a trunk 0 or a country code makes a phone number
                if _QUANTITY_AFTER_RE.match(text, match.end()):
                    continue  # "100 - 1000 mg", "930-1030 am"
                if _looks_like_quantities(groups, _DIGIT_GROUP_RE.split(number)[1:-1]):
                    continue
            yield Span(match.start(), match.end(), "phone")


def _valid_day_month(a: int, b: int) -> bool:
    """``a/b`` can be month/day or day/month."""
    return (1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12 and 1 <= a <= 31)


def _date_spans(text: str) -> Iterable[Span]:
    for match in _DATE_ISO_RE.finditer(text):
        if 1 <= int(match.group(2)) <= 12 and 1 <= int(match.group(3)) <= 31:
            yield Span(match.start(), match.end(), "date")
    for match in _DATE_DMY_RE.finditer(text):
        if _valid_day_month(int(match.group(1)), int(match.group(3))):
            yield Span(match.start(), match.end(), "date")
    for match in _DATE_SHORT_RE.finditer(text):
        a, b = int(match.group(1)), int(match.group(2))
        fraction = a < b and b in (2, 3, 4, 8)
        score = b == 10 and re.search(
            r"(?i)(?:score|pain|rate|rated|level)\W{1,3}(?:\w+\W{1,3}){0,2}$",
            text[max(0, match.start() - 30) : match.start()],
        )
        if _valid_day_month(a, b) and not fraction and not score and (a, b) != (24, 7):
            yield Span(match.start(), match.end(), "date")
    for match in _DATE_MONTH_DAY_RE.finditer(text):
        month, day = match.group(1), int(match.group(2))
        if not 1 <= day <= 31:
            continue
        if month == "may" and not (match.group(3) or match.group(4)):
            continue  # "you may 2x the dose"
        yield Span(match.start(), match.end(), "date")
    for match in _DATE_DAY_MONTH_RE.finditer(text):
        if 1 <= int(match.group(1)) <= 31 and match.group(2) != "may":
            yield Span(match.start(), match.end(), "date")
    yield from _group_spans(_DATE_MONTH_YEAR_RE, text, "date")
    yield from _group_spans(_BIRTH_RE, text, "date", 1)


def _place_spans(text: str, lexicon: _Lexicon) -> Iterable[Span]:
    for match in _CITY_STATE_RE.finditer(text):
        city, comma, state, zip_code = match.group(1), match.group(2), match.group(3), match.group(4)
        words = city.split()
        # Keep only the words of the city that are not ordinary ("Is Tylenol OK").
        while words and lexicon.ordinary(words[0].lower()) and not (zip_code or comma):
            words.pop(0)
        unambiguous_state = len(state) > 2 or state not in _AMBIGUOUS_STATES
        if words and (zip_code or comma or unambiguous_state or not lexicon.ordinary(words[-1].lower())):
            start = text.rfind(words[0], match.start(1), match.end(1))
            yield Span(start, match.end(1), "place")
        if zip_code:
            yield Span(match.start(4), match.end(4), "zip")
    for match in _PLACE_AFTER_RE.finditer(text):
        # A capitalised word after "from/in/near" inside a sentence is a place unless
        # it is a month, a drug or another word of the domain ("in March", "from Kymriah").
        words = match.group(1).split()
        first = words[0].lower()
        if first in lexicon.never or first in _MONTHS_DAYS or re.fullmatch(_STATE_NAMES, words[0]):
            continue  # a state is not personal data
        if first.endswith(("ish", "ese", "ian")) and lexicon.ordinary(first):
            continue  # "in Spanish", "from Canadian"
        if len(words) > 1 and words[1].lower() in lexicon.never:
            yield Span(match.start(1), match.start(1) + len(words[0]), "place")
        else:
            yield Span(match.start(1), match.end(1), "place")


_AMBIGUOUS_STATES = _word_set("CO DE HI ID IN LA MA ME MD MS OH OK OR PA AL")


def _word_led_matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer(text)`` finds, for a pattern that starts with `_WORDS_BEFORE`, in
    linear time.

    Its first word starts at a capital after a non-word character: at a run of `_CAPW_RUN_RE`'s
    characters or after a hyphen inside one, and it reads to the run's end (it must be followed by
    a space). So inside one run every start that passes `_WORD_START_RE` continues the same way
    from the run's end: the first such start decides the run, and the rest of it is not tried.
    """
    pos = 0
    for run in _CAPW_RUN_RE.finditer(text):
        if run.end() <= pos or not _SPACE_RE.match(text, run.end()):
            continue
        start = run.start()
        while start != -1:
            if start >= pos and _WORD_START_RE.match(text, start):
                match = pattern.match(text, start)
                if match:
                    yield match
                    pos = match.end()
                break
            hyphen = text.find("-", start, run.end() - 1)
            start = hyphen + 1 if hyphen != -1 else -1


def _hospital_spans(text: str, lexicon: _Lexicon) -> Iterable[Span]:
    for pattern in _HOSPITAL_RES:
        if pattern in _WORD_LED_RES:
            for match in _word_led_matches(pattern, text):
                yield Span(match.start(), match.end(), "hospital")
        else:
            yield from _group_spans(pattern, text, "hospital")
    for match in _CHILDRENS_PLACE_RE.finditer(text):
        # "Children's Minnesota", but not "Children's Tylenol"
        word = match.group(1)
        if re.fullmatch(_STATE_NAMES, word) or not lexicon.ordinary(word.lower()):
            yield Span(match.start(), match.end(), "hospital")
    for match in _SAINT_LOWER_RE.finditer(text):
        if lexicon.first(match.group(1)):
            yield Span(match.start(), match.end(), "hospital")


def _regex_spans(text: str, lexicon: _Lexicon) -> list[Span]:
    spans: list[Span] = []
    spans += _email_spans(text, lexicon)
    spans += _group_spans(_SSN_RE, text, "ssn")
    spans += _group_spans(_SSN_CUE_RE, text, "ssn", 1)
    spans += _record_spans(text)
    spans += _spelled_digit_spans(text)
    spans += _group_spans(_HASH_NUMBER_RE, text, "record")
    spans += _group_spans(_ADDRESS_RE, text, "address")
    spans += _group_spans(_ADDRESS_LOWER_RE, text, "address")
    spans += _group_spans(_PO_BOX_RE, text, "address")
    spans += _group_spans(_ZIP_CUE_RE, text, "zip", 1)
    spans += _group_spans(_ZIP_LIVE_RE, text, "zip", 1)
    spans += _group_spans(_ZIP4_RE, text, "zip")
    spans += _place_spans(text, lexicon)
    spans += _hospital_spans(text, lexicon)
    spans += _date_spans(text)
    spans += _phone_spans(text)
    spans += _group_spans(_LONG_NUMBER_RE, text, "record")
    return spans


# --------------------------------------------------------------------------- names
class _NameFinder:
    def __init__(self, text: str, lexicon: _Lexicon) -> None:
        self.text = text
        self.lex = lexicon
        self.tokens = _tokens(text)
        self.kinds: dict[int, str] = {}  # token index -> "name" or "clinician"
        self.spans: list[Span] = []

    # -- helpers
    def _next(self, i: int) -> _Token | None:
        return self.tokens[i + 1] if i + 1 < len(self.tokens) else None

    def _gap_after(self, i: int) -> str:
        end = self.tokens[i + 1].start if i + 1 < len(self.tokens) else len(self.text)
        return self.text[self.tokens[i].end : end]

    def _gap_before(self, i: int) -> str:
        start = self.tokens[i - 1].end if i > 0 else 0
        return self.text[start : self.tokens[i].start]

    def _followed_like_subject(self, i: int, strong_only: bool = False) -> bool:
        token = self.tokens[i]
        if token.possessive:
            return True
        gap = self._gap_after(i)
        following = self._next(i)
        if strong_only:
            return following is not None and gap.strip() == "" and following.lower in _STRONG_FOLLOWERS
        if re.match(r"\s{0,2},\s{0,2}\d{1,2}\s{0,2}[,)]", gap):
            return True  # "Liam, 6, ..."
        if following is None or gap.strip() != "":
            return False
        word = following.text.lower().replace("’", "'")
        if word in _SUBJECT_FOLLOWERS:
            return True
        if len(word) > 4 and word.endswith("ed") and self.lex.ordinary(word):
            return True  # "Emma vomited"
        if word == "and":
            after = self._next(i + 1)
            return after is not None and (after.text in ("I", "i", "me") or self._capital_name(after))
        # "Olivia Martinez born...": followed by a surname
        surname = self.lex.last(following.lower) and not self.lex.ordinary(following.lower)
        return following.capitalised and surname

    def _capital_name(self, token: _Token) -> bool:
        return token.capitalised and self.lex.first(token.lower) and token.lower not in self.lex.never

    # -- judging one token
    def _cued(self, i: int, strength: str) -> bool:
        token = self.tokens[i]
        word = token.lower
        if len(word) < 2 or word in self.lex.never:
            return False
        if token.all_caps:
            return self.lex.first(word) and not self.lex.ordinary(word)
        if token.capitalised:
            if self.lex.listed(word) or not self.lex.ordinary(word):
                return True
            # "this is Ana Lopez": an ordinary word followed by a surname
            following = self._next(i)
            return bool(
                following is not None
                and following.capitalised
                and self.lex.last(following.lower)
                and not self.lex.ordinary(following.lower)
            )
        if self.lex.first(word) and not self.lex.ordinary(word):
            return True
        if strength == "weak":
            return False
        if strength == "title" and self.lex.last(word) and not self.lex.ordinary(word):
            return True
        return (
            len(word) > 2 and self.lex.unknown(word) and not word.endswith(("ing", "ed")) and "-" not in word
        )

    def _uncued(self, i: int) -> bool:
        token = self.tokens[i]
        word = token.lower
        if len(word) < 2 or word in self.lex.never or word in _MONTHS_DAYS or token.all_caps:
            return False
        kin_follows = self._kin_follows(i)
        if token.capitalised:
            if kin_follows and not self.lex.ordinary(word):
                return True
            if not self.lex.first(word):
                return False
            ordinary = self.lex.ordinary(word)
            if not token.sentence_start:
                # "we are in Texas now": a state is not personal data
                previous = self.tokens[i - 1].lower if i > 0 else ""
                after_preposition = previous in ("in", "from", "to", "near", "of", "at")
                return not (after_preposition and re.fullmatch(_STATE_NAMES, token.text))
            if ordinary:
                return self._followed_like_subject(i, strong_only=True) or kin_follows
            return self._followed_like_subject(i) or kin_follows
        # lower case
        if not self.lex.first(word) or self.lex.ordinary(word) or len(word) < 3:
            return False
        if i > 0 and self.tokens[i - 1].lower in _DETERMINERS and self._gap_before(i).strip() == "":
            return False
        return kin_follows or self._followed_like_subject(i)

    def _kin_follows(self, i: int) -> bool:
        """``X's mom`` or ``Xs mom``."""
        token = self.tokens[i]
        following = self._next(i)
        if following is None or self._gap_after(i).strip() != "" or following.lower not in _KIN_AFTER:
            return False
        if token.possessive:
            return True
        word = token.lower
        return word.endswith("s") and len(word) > 3 and self.lex.first(word[:-1])

    def _surname(self, token: _Token) -> bool:
        word = token.lower
        if len(word) < 2 or word in self.lex.never or word in _KIN_AFTER:
            return False
        if token.all_caps:
            return False
        if token.capitalised:
            return self.lex.listed(word) or not self.lex.ordinary(word)
        return self.lex.last(word) and not self.lex.ordinary(word)

    # -- the passes
    def _cues(self) -> dict[int, tuple[str, Span | None]]:
        starts = {token.start: index for index, token in enumerate(self.tokens)}
        order = {"weak": 0, "title": 1, "strong": 2}
        cued: dict[int, tuple[str, Span | None]] = {}

        def mark(end: int, strength: str, age: Span | None = None) -> None:
            gap = _CUE_GAP_RE.match(self.text, end)
            position = gap.end() if gap else end
            index = starts.get(position)
            if index is None:
                return
            if index in cued and order[cued[index][0]] >= order[strength] and age is None:
                return
            cued[index] = (strength, age)

        for pattern, strength in _CUE_RES:
            for match in pattern.finditer(self.text):
                mark(match.end(), strength)
        for match in _AGE_CUE_RE.finditer(self.text):
            mark(match.end(), "strong", Span(match.start(1), match.end(1), "age"))
        return cued

    def _accept(self, i: int, kind: str) -> None:
        self.kinds.setdefault(i, kind)

    def _extend(self, i: int, kind: str, strength: str | None) -> None:
        """Surnames, middle names and "X and Y" after an accepted name."""
        j = i
        for _ in range(2):
            following = self._next(j)
            gap = self._gap_after(j)
            if following is None or not re.fullmatch(r" {1,2}|-", gap) or not self._surname(following):
                break
            j += 1
            self._accept(j, kind)
        if strength is None:
            return
        gap = self._gap_after(j)
        following = self._next(j)
        if (
            following is not None
            and re.fullmatch(r"\s{0,2}(?:,|&|and)\s{0,2}", gap)
            and following.capitalised
            and self.lex.first(following.lower)
            and self._cued(j + 1, strength)
        ):
            self._accept(j + 1, kind)

    def find(self) -> list[Span]:
        cued = self._cues()
        for i in range(len(self.tokens)):
            if i in self.kinds:
                continue
            cue = cued.get(i)
            kind = "clinician" if cue and cue[0] == "title" else "name"
            if cue and self._cued(i, cue[0]):
                self._accept(i, kind)
                if cue[1] is not None:
                    self.spans.append(cue[1])
                self._extend(i, kind, cue[0])
            elif self._uncued(i):
                self._accept(i, "name")
                self._extend(i, "name", None)
        # a name found once is hidden everywhere in the message
        found = {self.tokens[i].lower for i in self.kinds}
        found = {w for w in found if not self.lex.ordinary(w) and len(w) > 2}
        for i, token in enumerate(self.tokens):
            if i not in self.kinds and token.lower in found:
                self._accept(i, "name")
        for i, kind in self.kinds.items():
            token = self.tokens[i]
            end = token.end - 2 if token.possessive else token.end  # "<NAME>'s mom"
            self.spans.append(Span(token.start, end, kind))
            self.spans.extend(self._age_after(i))
        return self.spans

    def _age_after(self, i: int) -> Iterable[Span]:
        """``Liam, 6,`` / ``emma is 6`` / ``Maya Patel, age 10``: the age is personal data too."""
        if i + 1 in self.kinds and self._gap_after(i).strip() == "":
            return  # the age follows the last word of the name
        token = self.tokens[i]
        if token.possessive:
            return
        for pattern in _AGE_AFTER_RES:
            match = pattern.match(self.text, token.end)
            if match and int(match.group(1)) <= 21:
                yield Span(match.start(1), match.end(1), "age")
                return


# --------------------------------------------------------------------------- API
def _merge(spans: Iterable[Span], text: str) -> list[Span]:
    """Sorted, non-overlapping spans; two name parts separated by spaces become one."""
    ordered = sorted(spans, key=lambda s: (s.start, -(s.end - s.start)))
    merged: list[Span] = []
    for span in ordered:
        if span.end <= span.start:
            continue
        if merged:
            last = merged[-1]
            same_person = (
                {last.kind, span.kind} <= {"name", "clinician"}
                and text[last.end : span.start].strip(" -") == ""
                and span.start - last.end <= 2
            )
            if span.start < last.end or same_person:
                longer = last if (last.end - last.start) >= (span.end - span.start) else span
                merged[-1] = Span(last.start, max(last.end, span.end), longer.kind)
                continue
        merged.append(span)
    return merged


def find_personal_data(text: str | None) -> list[Span]:
    """The personal data in ``text``: sorted, non-overlapping spans with their kind."""
    if not text:
        return []
    lexicon = _lexicon()
    spans = _regex_spans(text, lexicon)
    spans += _NameFinder(text, lexicon).find()
    return _merge(spans, text)


def redact(text: str | None) -> str:
    """``text`` with personal data replaced by placeholders such as ``<NAME>``."""
    if not text:
        return ""
    pieces: list[str] = []
    position = 0
    for span in find_personal_data(text):
        pieces.append(text[position : span.start])
        pieces.append(PLACEHOLDERS[span.kind])
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    return _Lexicon(word_lists())
