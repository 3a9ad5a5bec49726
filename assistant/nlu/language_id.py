"""Which language a parent wrote in: English, or another one the helper cannot answer in.

The helper answers in English only. A parent who writes in Spanish, Chinese, Arabic... must
still be told at once, in their language, to contact the care team if the child is unwell
now (`assistant.nlu.language_classifier`, texts in `languages/safety_messages.yml`).

Language identification is py3langid's naive Bayes model over byte n-grams (97 languages),
shipped inside its PyPI wheel and checked against the sha256 below before it is unpickled.
The decision around it is built for a safety product, where a missed Spanish report is far
worse than a Spanish safety message shown to an English speaker:

1. two or more letters of a non-Latin script (Chinese, Korean, Arabic, Cyrillic...), at least
   a tenth of the letters: not English;
2. otherwise the message is not English when fewer than half of its words are English words,
   one of them is a word only another language has (an accented word, or a function word of
   Spanish, French, Portuguese, Vietnamese, Tagalog or Haitian Creole that English lacks), and
   py3langid ranks another language first or is unsure of English; or when one word is such
   a word and py3langid is all but certain (0.99) of another language;
3. a mixed message ("mi hijo has a fever de 39") counts as not English when two of its words
   are not English, one of them such a word, and they read as another language on their own.
   Names and misspellings ("Jayden", "drowzy") are not English words, but not markers either.

English words are spaCy's English stop words and both sides of its English lemma table
(`spacy-lookups-data`), plus a few chat forms; very short messages ("ok", "38.9", "crs?") stay English.
"""

from __future__ import annotations

import gzip
import json
import lzma
import pickle
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, Optional, Sequence, Tuple

import numpy as np

from assistant.packaged_files import PackagedFile

ENGLISH = "en"
LANGID_MODEL = PackagedFile(
    "py3langid",
    "data/model.plzma",
    "8c99809ff6de3d129e447306d30ceae4713735230dced7e8d4d46df89e6968ce",
)
# Languages py3langid chooses among: English, the ones families here write most often, and
# neighbours that it would otherwise confuse them with (a message in German or Italian is
# not English either, so it gets the safety message in English and the other-language path).
# Urdu and Persian are left out: py3langid names short Arabic messages so.
CANDIDATE_LANGUAGES: Tuple[str, ...] = (
    "en", "es", "zh", "vi", "ar", "fr", "pt", "ru", "ht", "ko", "tl",
    "de", "it", "nl", "pl", "id", "ja", "hi", "tr", "he",
)  # fmt: skip
# Scripts that English is never written in: their share of a message's letters.
_NON_LATIN_SHARE = 0.1
_MIN_NON_LATIN = 2
# A mixed message needs this many words that are not English, one of them a word only another
# language has (a function word or an accented word): names and misspellings ("Jayden",
# "drowzy") are not English words either, but they are no markers.
_MIXED_MARKERS = 2
_MIXED_LANGUAGE_PROBABILITY = 0.95
# py3langid this sure of another language, with one marker word, outweighs English-looking words.
_SURE_LANGUAGE_PROBABILITY = 0.99
_UNSURE_ENGLISH_PROBABILITY = 0.9
_ENGLISH_WORD_SHARE = 0.5
_WORD = re.compile(r"\b[^\W\d_]+(?:['’][^\W\d_]+)*\b", re.UNICODE)  # no digits: "il6" is no word
# Chat forms and the article's words that a lemma table of standard English does not hold.
_CHAT_ENGLISH = frozenset(
    (
        "u",
        "ur",
        "r",
        "pls",
        "plz",
        "thx",
        "ty",
        "rn",
        "idk",
        "omg",
        "lol",
        "ok",
        "okay",
        "hi",
        "hey",
        "yeah",
        "yep",
        "nope",
        "im",
        "ive",
        "dont",
        "cant",
        "wont",
        "isnt",
        "doesnt",
        "didnt",
        "hes",
        "shes",
        "theyre",
        "whats",
        "thats",
        "hows",
        "wat",
        "wats",
        "crs",
        "cart",
        "kymriah",
        "kymria",
        "blincyto",
        "blinatumomab",
        "tocilizumab",
        "siltuximab",
        "keppra",
        "levetiracetam",
        "tisagenlecleucel",
        "cytokine",
        "cytokines",
        "icu",
        "iv",
        "mom",
        "mum",
        "dad",
        "nana",
        "gran",
        "grandma",
        "grandpa",
        "sis",
        "bro",
        "bc",
        "cuz",
        "gonna",
        "wanna",
        "temp",
        "temps",
        "tho",
        "ppl",
    )
)


@dataclass(frozen=True)
class LanguageGuess:
    """The message's language (ISO 639-1) and whether the helper must treat it as not English."""

    language: str
    confidence: float
    other_language: bool


class LanguageIdentifier:
    """py3langid's model, restricted to `CANDIDATE_LANGUAGES`, with the decision above."""

    def __init__(
        self,
        identifier: object,
        english_words: FrozenSet[str],
        function_words: FrozenSet[str],
        markers: FrozenSet[str] = frozenset(),
    ) -> None:
        self._identifier = identifier
        self._function_words = function_words | _CHAT_ENGLISH
        self._english = english_words | self._function_words
        self._markers = frozenset(m for m in markers if m not in self._english)

    @classmethod
    def from_packages(cls) -> LanguageIdentifier:
        """The hash-checked py3langid model and spaCy's English lemma table."""
        from py3langid.langid import LanguageIdentifier as Model  # noqa: PLC0415 (heavy, Rasa only)

        nb_ptc, nb_pc, nb_classes, tk_nextmove, tk_output = pickle.loads(  # noqa: S301 (sha256 checked)
            lzma.decompress(LANGID_MODEL.verified_bytes())
        )
        numfeats = len(nb_ptc) // len(nb_pc)
        model = Model(
            np.array(nb_ptc).reshape(numfeats, len(nb_pc)),
            np.array(nb_pc),
            numfeats,
            nb_classes,
            tk_nextmove,
            tk_output,
            norm_probs=True,
        )
        model.set_languages(list(CANDIDATE_LANGUAGES))
        return cls(model, english_vocabulary(), english_function_words(), marker_words())

    def guess(self, text: str) -> LanguageGuess:
        """The language of `text`, and whether it is to be treated as not English."""
        text = unicodedata.normalize("NFC", text)
        letters = [c for c in text if c.isalpha()]
        if not letters:
            return LanguageGuess(ENGLISH, 1.0, False)
        non_latin = sum(1 for c in letters if not _is_latin(c))
        language, confidence = self._rank(text)
        if non_latin >= _MIN_NON_LATIN and non_latin / len(letters) >= _NON_LATIN_SHARE:
            if language == ENGLISH:
                language, confidence = self._rank_without_english(text)
            return LanguageGuess(language, confidence, True)
        words = [w.lower() for w in _WORD.findall(text)]
        if len(words) < 2:
            return LanguageGuess(ENGLISH, 1.0, False)
        foreign = [w for w in words if not self._is_english_word(w)]
        markers = sum(1 for w in foreign if self._is_marker(w))
        english_share = 1 - len(foreign) / len(words)
        if markers >= 1 and language != ENGLISH and confidence >= _SURE_LANGUAGE_PROBABILITY:
            return LanguageGuess(language, confidence, True)
        if english_share < _ENGLISH_WORD_SHARE and markers >= 1:
            # Most words are not English and one is another language's: not English, however
            # unsure py3langid is of which language it is ("pitit mwen pa ka respire").
            if language != ENGLISH:
                return LanguageGuess(language, confidence, True)
            if language == ENGLISH and confidence < _UNSURE_ENGLISH_PROBABILITY:
                other, other_confidence = self._rank_without_english(text)
                return LanguageGuess(other, other_confidence, True)
        if markers >= 1 and len(foreign) >= _MIXED_MARKERS:
            mixed_language, mixed_confidence = self._rank(" ".join(foreign))
            if mixed_language != ENGLISH and mixed_confidence >= _MIXED_LANGUAGE_PROBABILITY:
                return LanguageGuess(mixed_language, mixed_confidence, True)
        return LanguageGuess(ENGLISH, confidence if language == ENGLISH else 1 - confidence, False)

    def _is_marker(self, word: str) -> bool:
        """A word of another language: accented, or one of its function words English lacks."""
        return _strip_accents(word) != word or word in self._markers

    def _rank(self, text: str) -> Tuple[str, float]:
        ranking: Sequence[Tuple[str, float]] = self._identifier.rank(text)  # type: ignore[attr-defined]
        language, probability = ranking[0]
        return str(language), float(probability)

    def _rank_without_english(self, text: str) -> Tuple[str, float]:
        ranking: Sequence[Tuple[str, float]] = self._identifier.rank(text)  # type: ignore[attr-defined]
        language, probability = next((lang, p) for lang, p in ranking if lang != ENGLISH)
        return str(language), float(probability)

    def _is_english_word(self, word: str) -> bool:
        plain = _strip_accents(word).replace("’", "'")
        if plain != word:  # an accented letter: English spells almost no word that way
            return False
        plain = plain.replace("'", "")
        stem = word.split("'", 1)[0]
        if len(plain) <= 2:  # "mi", "ko", "de": English only as a function word
            return plain in self._function_words
        return word in self._english or plain in self._english or stem in self._english


def _is_latin(char: str) -> bool:
    try:
        return "LATIN" in unicodedata.name(char)
    except ValueError:
        return False


def _strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


# Haitian Creole function words (spaCy 3.4 has no Haitian Creole stop-word list).
_HAITIAN_FUNCTION_WORDS = frozenset(
    ("mwen", "pitit", "li", "gen", "yon", "nan", "pa", "ak", "kounye", "anpil", "pou", "ki", "sa", "yo")
)
# Latin-script languages of the safety messages whose spaCy stop words mark a mixed message.
MARKER_LANGUAGES = ("es", "fr", "pt", "vi", "tl")


def marker_words() -> FrozenSet[str]:
    """Function words of the Latin-script languages above (spaCy's stop words)."""
    import importlib  # noqa: PLC0415

    words = set(_HAITIAN_FUNCTION_WORDS)
    for code in MARKER_LANGUAGES:
        module = importlib.import_module(f"spacy.lang.{code}.stop_words")
        words.update(str(w).lower() for w in module.STOP_WORDS if " " not in str(w))
    return frozenset(words)


def english_function_words() -> FrozenSet[str]:
    """spaCy's English stop words ("my", "the", "he", "is")."""
    from spacy.lang.en.stop_words import STOP_WORDS  # noqa: PLC0415 (Rasa environment only)

    return frozenset(str(w).lower() for w in STOP_WORDS)


def english_vocabulary() -> FrozenSet[str]:
    """English word forms: both sides of spaCy's English lemma lookup table."""
    import spacy_lookups_data  # noqa: PLC0415 (Rasa environment only)

    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        table = json.load(handle)
    words = {str(k).lower() for k in table}
    words.update(str(v).lower() for v in table.values())
    return frozenset(words)


@lru_cache(maxsize=1)
def shared_identifier() -> LanguageIdentifier:
    """One identifier per process, loaded (and hash-checked) on first use."""
    return LanguageIdentifier.from_packages()


def guess_language(text: str) -> Optional[LanguageGuess]:
    """The guess for `text` with the shared identifier; None for an empty text."""
    if not text.strip():
        return None
    return shared_identifier().guess(text)


def main() -> int:
    """`python -m assistant.nlu.language_id`: check the model file (scripts/setup.sh runs it)."""
    import sys  # noqa: PLC0415

    from assistant.packaged_files import PackagedFileError  # noqa: PLC0415

    try:
        LANGID_MODEL.verified_path()
    except PackagedFileError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"py3langid model ok: {LANGID_MODEL.path()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
