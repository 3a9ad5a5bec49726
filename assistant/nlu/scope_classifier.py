"""Rasa NLU component: does a FAQ-looking question ask something the article does not say?

The intent classifier decides `faq` against `not_in_source` on the whole message, and the
names of the article's therapies and medicines weigh heavily there: "how many weeks does it
take to make the car t cells" shares "car t" with the CAR T answer and was answered with it,
as if that answered the question. This component looks at the *question* with the names
taken out: every therapy, medicine or unit the article names becomes one placeholder word,
so "is <name> a pill", "how much does <name> cost", "does <name> work for other cancers" look
alike whatever the name, and "what is <name>" looks like the FAQ questions it is.

A logistic regression over the masked text (word and word-pair TF-IDF, character n-grams for
typos, and the sentence encoder's vector of the masked text) is trained on the NLU data's
`not_in_source` examples against its `faq` examples. When the classifier's intent is `faq` or
`not_in_source` and P(beyond the article) is at least `threshold`, the intent becomes
`not_in_source` at that confidence at least, and `faq` falls to 1 - P (the reply says plainly
the source does not cover it and offers the FAQ selector's nearest topic as a button; without
the second step the fallback's ambiguity check would see two confident intents and ask the
parent to rephrase). It never touches another intent, so a report stays a report. The threshold is chosen
by cross-validation on the training data alone: `python -m evaluation.choose_scope`.

The parse data carries `scope: {"beyond": P, "asks_beyond": P >= threshold}` for every `faq` or
`not_in_source` message, with `"rescoped_from": "faq"` when this check made the intent. A short
follow-up ("and in the heart?", "the other one, not tocilizumab") has few words for either
model, so `assistant.faq_context` tells a parent a follow-up is beyond the source only when the
intent classifier and this check both say so; otherwise it is answered in the last topic's
context.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from assistant.follow_ups import TOPIC_NAMES
from assistant.names import (
    FAQ_INTENT,
    NOT_IN_SOURCE_INTENT,
    SCOPE_ASKS_BEYOND,
    SCOPE_KEY,
    SCOPE_RESCOPED_FROM,
)
from assistant.nlu.sentence_featurizer import shared_encoder
from assistant.nlu.trusted_models import load_trusted

logger = logging.getLogger(__name__)

MODEL_FILES = {"words": "scope_words.skops", "chars": "scope_chars.skops", "model": "scope_model.skops"}
TRUSTED_TYPES = ("scipy.sparse._csr.csr_matrix",)
PLACEHOLDER = "medx"
# Other spellings of the named topics, beside the names in TOPIC_NAMES.
_ALIASES = (
    r"car[\s-]?t(?:[\s-]cells?)?(?:[\s-]cell)?(?:\s+therapy)?",
    r"cart cells?",
    r"il[\s-]?6(?:\s+(?:blockers?|blocking drugs?|inhibitors?))?",
    r"(?:cortico)?steroids?",
    r"p?icu",
    r"intensive care(?:\s+unit)?",
)


@lru_cache(maxsize=1)
def _names() -> re.Pattern[str]:
    names = sorted({re.escape(name) for group in TOPIC_NAMES.values() for name in group}, key=len)
    alternatives = "|".join([*_ALIASES, *reversed(names)])
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


def masked(text: str) -> str:
    """The message in lower case with every therapy, medicine or unit name as one placeholder."""
    return _names().sub(PLACEHOLDER, text.lower().replace("\u2019", "'"))


def word_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)


def char_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=2)


class ScopeModel:
    """The vectorizers and the regression, fitted together on masked texts."""

    def __init__(
        self,
        words: TfidfVectorizer,
        chars: TfidfVectorizer,
        model: LogisticRegression,
    ) -> None:
        self.words, self.chars, self.model = words, chars, model

    @classmethod
    def fit(cls, texts: Sequence[str], beyond: Sequence[int], C: float, random_state: int) -> ScopeModel:
        plain = [masked(t) for t in texts]
        words, chars = word_vectorizer().fit(plain), char_vectorizer().fit(plain)
        model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000, random_state=random_state)
        scope = cls(words, chars, model)
        model.fit(scope.features(texts), np.asarray(beyond))
        return scope

    def features(self, texts: Sequence[str]) -> csr_matrix:
        plain = [masked(t) for t in texts]
        vectors = shared_encoder().encode(plain)
        return hstack([self.words.transform(plain), self.chars.transform(plain), csr_matrix(vectors)]).tocsr()

    def beyond(self, texts: Sequence[str]) -> np.ndarray:
        """P(the question asks what the article does not say), one per text."""
        return np.asarray(self.model.predict_proba(self.features(texts))[:, 1])


def training_examples(training_data: TrainingData) -> tuple[List[str], List[int]]:
    """`not_in_source` examples (1) and `faq` examples (0) of the NLU data."""
    texts: List[str] = []
    labels: List[int] = []
    for example in training_data.intent_examples:
        intent, text = example.get(INTENT), example.get(TEXT)
        if text and intent in (NOT_IN_SOURCE_INTENT, FAQ_INTENT):
            texts.append(str(text))
            labels.append(int(intent == NOT_IN_SOURCE_INTENT))
    return texts, labels


def rescoped(parse: Dict[str, Any], beyond: float) -> None:
    """Make `not_in_source` the intent at confidence `beyond` (or the classifier's, if higher),
    first in the ranking, and `faq` at most 1 - `beyond`, so that the fallback's ambiguity check
    compares the two as decided."""
    ranking = [dict(r) for r in parse.get(INTENT_RANKING_KEY) or []]
    given = max([beyond, *(r["confidence"] for r in ranking if r.get("name") == NOT_IN_SOURCE_INTENT)])
    for entry in ranking:
        if entry.get("name") == FAQ_INTENT:
            entry["confidence"] = min(float(entry["confidence"]), 1.0 - beyond)
    parse[INTENT] = {"name": NOT_IN_SOURCE_INTENT, "confidence": given}
    rest = sorted(
        (r for r in ranking if r.get("name") != NOT_IN_SOURCE_INTENT), key=lambda r: -float(r["confidence"])
    )
    parse[INTENT_RANKING_KEY] = [dict(parse[INTENT]), *rest]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class ScopeClassifier(GraphComponent):
    """Makes a `faq` or `not_in_source` intent `not_in_source` when the question asks beyond
    the article (a `not_in_source` intent the classifier was unsure of is then made sure)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"threshold": 0.75, "C": 4.0, "random_state": 42}

    @staticmethod
    def required_packages() -> List[str]:
        return ["sklearn", "skops"]

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        scope: Optional[ScopeModel] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        if not 0.0 < float(self.config["threshold"]) <= 1.0:
            raise ValueError(f"ScopeClassifier: threshold must be in (0, 1], got {self.config['threshold']}")
        self._storage = model_storage
        self._resource = resource
        self.scope = scope

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ScopeClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        texts, labels = training_examples(training_data)
        if len(set(labels)) < 2:
            logger.warning("ScopeClassifier: needs both faq and not_in_source examples; nothing trained.")
            return self._resource
        self.scope = ScopeModel.fit(texts, labels, float(self.config["C"]), int(self.config["random_state"]))
        import skops.io as sio

        with self._storage.write_to(self._resource) as directory:
            for part, name in MODEL_FILES.items():
                sio.dump(getattr(self.scope, part), directory / name)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ScopeClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                parts = {
                    part: load_trusted(directory / name, TRUSTED_TYPES) for part, name in MODEL_FILES.items()
                }
        except (ValueError, FileNotFoundError) as error:
            logger.warning("ScopeClassifier: no trained model (%s); faq questions are not rescoped.", error)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, ScopeModel(**parts))

    def process(self, messages: List[Message]) -> List[Message]:
        if self.scope is None:
            return messages
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get("name") not in (FAQ_INTENT, NOT_IN_SOURCE_INTENT) or not message.get(TEXT):
                continue
            beyond = round(float(self.scope.beyond([str(message.get(TEXT))])[0]), 4)
            asks_beyond = beyond >= float(self.config["threshold"])
            scope: Dict[str, Any] = {"beyond": beyond, SCOPE_ASKS_BEYOND: asks_beyond}
            if asks_beyond:
                if intent.get("name") == FAQ_INTENT:
                    scope[SCOPE_RESCOPED_FROM] = FAQ_INTENT
                parse = {INTENT: intent, INTENT_RANKING_KEY: message.get(INTENT_RANKING_KEY)}
                rescoped(parse, beyond)
                message.set(INTENT, parse[INTENT], add_to_output=True)
                message.set(INTENT_RANKING_KEY, parse[INTENT_RANKING_KEY], add_to_output=True)
            message.set(SCOPE_KEY, scope, add_to_output=True)
        return messages
