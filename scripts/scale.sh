#!/usr/bin/env bash
# Scale-out on one machine: 2 Rasa replicas (override: --replicas N) and the action
# server behind nginx, conversations in PostgreSQL, conversation locks in Redis.
#   CRS_DATABASE_URL  default postgresql://postgres@127.0.0.1:5432/crs_scale (created if missing)
#   CRS_REDIS_HOST / CRS_REDIS_PORT / CRS_REDIS_DB   default 127.0.0.1 / 6379 / 1
# Ctrl-C stops every process it started.
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=3 SQLALCHEMY_SILENCE_UBER_WARNING=1 RASA_TELEMETRY_ENABLED=false
scripts/setup.sh
scripts/setup_scale.sh
scripts/train.sh
url="${CRS_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/crs_scale}"
# launcher.scale creates the database when it is missing (launcher/databases.py).
exec .venv/bin/python -m launcher.scale run --database-url "$url" "$@"
