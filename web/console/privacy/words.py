"""Word lists and the lexicon: which lower-case words are ordinary, listed names or unknown."""

from __future__ import annotations

import importlib
import re
from functools import lru_cache

from web.console.privacy.name_lists import WordLists


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
    lemmas = medical_terms.canonical_lemmas()
    phrases: list[str] = [*lemmas, *lemmas.values()]
    for group in medical_terms.entity_terms().values():
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
