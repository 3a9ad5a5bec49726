"""The baseline: the project's data and domain with the configuration `rasa init` uses.

Rasa 3.6 writes `config.yml` with the pipeline and policies commented out, so
training uses the default recipe's configuration
(`rasa/engine/recipes/config_files/default_config.yml`), written out here. Only
`random_seed` is added, so two runs train the same model.
"""

from __future__ import annotations

from pathlib import Path

BASELINE_CONFIG = """\
recipe: default.v1
assistant_id: crs-baseline-rasa-default
language: en

pipeline:
  - name: WhitespaceTokenizer
  - name: RegexFeaturizer
  - name: LexicalSyntacticFeaturizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 4
  - name: DIETClassifier
    epochs: 100
    constrain_similarities: true
    random_seed: 42
  - name: EntitySynonymMapper
  - name: ResponseSelector
    epochs: 100
    constrain_similarities: true
    random_seed: 42
  - name: FallbackClassifier
    threshold: 0.3
    ambiguity_threshold: 0.1

policies:
  - name: MemoizationPolicy
  - name: RulePolicy
  - name: UnexpecTEDIntentPolicy
    max_history: 5
    epochs: 100
    random_seed: 42
  - name: TEDPolicy
    max_history: 5
    epochs: 100
    constrain_similarities: true
    random_seed: 42
"""


def write_baseline_config(directory: Path) -> Path:
    path = directory / "baseline_config.yml"
    path.write_text(BASELINE_CONFIG, encoding="utf-8")
    return path
