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
.venv/bin/python - "$url" <<'PY'
import sys
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
url = make_url(sys.argv[1])
if url.get_backend_name() == "postgresql":
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        if not c.execute(text("SELECT 1 FROM pg_database WHERE datname=:d"), {"d": url.database}).scalar():
            c.execute(text(f'CREATE DATABASE "{url.database}"'))
            print(f"created database {url.database}")
PY
exec .venv/bin/python -m launcher.scale run --database-url "$url" "$@"
