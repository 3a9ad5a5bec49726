#!/usr/bin/env bash
# `make bench`: the project's bot against Rasa's default configuration, on this
# machine, in one run, then a 20-minute soak of the project (about 50 minutes on 2 cores).
# Table: results/bench.md. `scripts/bench.sh --soak-minutes 0` skips the soak.
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=3 SQLALCHEMY_SILENCE_UBER_WARNING=1 RASA_TELEMETRY_ENABLED=false
scripts/setup.sh
exec .venv/bin/python -m bench.run --soak-minutes 20 "$@"
