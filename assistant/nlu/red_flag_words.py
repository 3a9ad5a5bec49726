"""The words and patterns the red-flag matcher (`assistant/nlu/red_flags.py`) reads context with.

Kept apart from the matcher's logic so a clinician or a reviewer can read and change the
lists without reading the code. Each list is named for the role it plays in a clause.
"""

from __future__ import annotations

import re
from typing import FrozenSet


def words(text: str) -> FrozenSet[str]:
    """The words of a group written several to a line, split at whitespace."""
    return frozenset(text.split())


CLAUSE_BREAKS = frozenset({".", "?", "!", ";", ",", "\n", "and", "but", "so", "also", "plus", "then", "&"})
SENTENCE_ENDS = frozenset({".", "?", "!", ";", "\n"})
CHILD_NOUNS = words(
    """
    son daughter kid kiddo child baby boy girl toddler teen teenager infant lo bub grandson
    granddaughter sister brother he she hes shes they theyre sn lil babys kids
    """
)
OBJECT_PRONOUNS = frozenset({"him", "her", "his", "them"})
POSSESSIVES = frozenset({"my", "our", "his", "her", "ma", "their"})
STATE_WORDS = words(
    """
    is 's s are 're was were has have 've had keeps kept started starts just ca can't cant cannot wo
    won't wont isnt r keep cnt n't nt not does doesnt looks seems feels got gets been woke went turned
    became suddenly still now really very so acting having being getting
    """
)
HYPOTHETICAL = frozenset({"if", "whether", "incase", "unless", "hypothetically"})
HYPOTHETICAL_OPENERS = frozenset({"suppose", "supposing", "imagine"})
MODALS = frozenset({"will", "would", "could", "might", "may", "should", "can", "shall", "does", "do"})
NEGATIONS = frozenset({"n't", "nt", "not", "cannot", "barely", "hardly"})
NOT_NAMES = words(
    """
    crs it this that kids children patients people doctors they there what whats which how why when who
    where
    """
)
FUTURE_RE = re.compile(r"\b(going to|gonna|likely to|expected to)\b")
NOW_WORDS = frozenset({"now", "currently", "tonight", "help", "911", "emergency", "asap", "urgent"})
PLEA_BEFORE = frozenset({"please", "pls", "plz", "need", "needs", "omg", "!", ".", ",", "-", "someone"})
PLEA_AFTER = words("! me us please pls plz asap now quick , . my he she")
# Words that make even an "if"/"will" clause a report ("is it crs if he's seeing things
# right now"); "tonight" is not one of them ("if he gets a fever tonight").
PRESENT_WORDS = NOW_WORDS - {"tonight"}
QUESTION_OPENERS = frozenset({"what", "which", "how", "why", "when", "who", "where"})
TEMPERATURE_WORDS = words("temp temperature fever degrees deg ° febrile thermometer")
OTHER_UNITS = words(
    """
    kg kgs kilos lb lbs pounds g mg ml mcg cm mm in inches % weeks wks days years yrs months hours hrs
    minutes mins percent x
    """
)
MEASURE_RE = re.compile(r"^(\d{2,3}(?:[.,]\d)?)\s*(?:°|º)?\s*([cf])?$", re.IGNORECASE)

# A sign word naming a medicine or a plan ("seizure prevention", "fever reducer")...
SIGN_AS_MODIFIER = words(
    """
    prevention preventing medicine medicines medication medications meds med drug drugs reducer reducers
    reducing plan precautions pills pill risk
    """
)
HYPHENS = frozenset({"-", "–", "—"})
PURPOSE_VERBS = words("stop prevent treat control reduce lower avoid manage calm")
# ...and "didn't respond to chemo": a treatment that did not work, not a child who does not respond.
TREATMENTS = words(
    """
    chemo chemotherapy treatment treatments therapy the medicine medication drugs car car-t kymriah
    blincyto blinatumomab immunotherapy transplant radiation
    """
)
# A negation right before a sign: "no fever", "hasn't had any vomiting", "never had a seizure".
NEGATION_CUES = words(
    """
    no not never n't nt without none nor neither zero hasnt havent didnt wasnt isnt doesnt dont arent
    werent aint
    """
)
# ...unless the negation is about something else: "won't stop seizing", "not sure if", "never seen her so".
NEGATION_EXCEPTIONS = words("stop stopping quit sure know certain clear idea seen like tell just only")
NEGATION_WINDOW = 6
GENERIC_SIGNS = frozenset({"symptoms", "symptom", "signs", "sign", "symptons", "symtoms"})
# A clause told in the past tense ("she had a fever on day 5", "he was confused")...
PAST_WORDS = words(
    """
    had was were needed did got went came made gave caused became happened lasted stopped yesterday ago
    last earlier
    """
)
PRESENT_STATE = words(
    """
    is 's are 're has have 've keeps keep still now currently right today tonight again suddenly just
    getting having starting
    """
)
# ...is over when the message says so (not enough for breathing, seizures or waking: a seizure
# that stopped is still an emergency), or when it was long ago.
RESOLVED_RE = re.compile(
    r"\b(went away|gone away|go away|is gone|are gone|was gone|gone now|fine now|ok now|okay now|better now|"
    r"(?:fever|temp|temperature|_) (?:has |had |finally )?"
    r"(?:broke|broken|came down|come down|went down|gone down)|"
    r"back to normal|normal (?:now|since|again)|been normal|resolved|settled|settling|"
    r"doing (?:great|well|fine|better|good)|recovered)\b"
)
GONE_AFTER_SIGN_RE = re.compile(
    r"(?:is |'s |has |have |had |was |finally )?(?:gone|went away|gone away|broke|broken|came down|went down|"
    r"come down|resolved|cleared|over|better)\b"
)
DISTANT_PAST_RE = re.compile(
    r"\b(?:\d+|a|one|two|three|four|five|six|few|couple(?: of)?|several) (?:weeks?|months?|years?) ago\b"
    r"|\blast (?:week|month|year)\b|\bbefore (?:any of this|all this|treatment|the treatment|car|cancer)\b"
    r"|\bas a (?:baby|toddler)\b|\bwhen (?:he|she|they) (?:was|were) (?:little|younger|a baby)\b"
)
# The parent's own body and feelings: "I can't breathe when I think of it", "my head is pounding from crying".
FIRST_PERSON = frozenset({"i", "im", "me", "myself", "ive", "id"})
PARENT_BODY = frozenset({"heart", "head", "chest", "hands", "stomach", "tummy", "legs"})
FEELING_CUES = words(
    """
    think thinking thought reading read crying cried cry worry worried worrying anxious anxiety scared
    panic panicking panicked stress stressed information info nervous terrified afraid frightened
    overwhelmed imagine imagining whenever exhausted
    """
)

THIRD_PARTY_RE = re.compile(
    r"\b(my|a|our) (friend|cousin|neighbou?r)'?s?\b|\banother (mom|mum|dad|parent|family)\b"
    r"|\bother (kids|children|parents|families)\b|\bi (heard|read)\b"
    r"|\bsomeone'?s (kid|child|son|daughter|baby)\b|\b(facebook|support|parent|parents'?) group\b"
    r"|\b(the|a) (boy|girl|kid|child|baby) (in|on|from|next|down) (the )?(next|same|other)?\b"
)

# Words that name an FAQ topic ("crs and hallucinations": a topic, not a report)...
TOPIC_WORDS = words(
    """
    prevention prevent medicine medication meds drug drugs symptom symptoms sign signs risk mean meaning
    cause causes info information effects normal crs cytokine cytokines
    """
)
# ...and the words a bare statement of a sign may start with ("help, high fever").
FILLERS = words("help omg pls please urgent hi hello a the very really severe bad high sudden new")
