#!/usr/bin/env bash
# Train the model only when data, domain or config changed (Rasa compares the
# fingerprint with models/crs.tar.gz and skips training when nothing changed).
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=3 SQLALCHEMY_SILENCE_UBER_WARNING=1 RASA_TELEMETRY_ENABLED=false
.venv/bin/rasa train --domain domain --fixed-model-name crs --out models "$@"
