#!/usr/bin/env bash
# `make run`: set up, train if needed, start action server + Rasa + web gateway.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/setup_web.sh
scripts/train.sh
exec .venv/bin/python -m launcher.stack run "$@"
