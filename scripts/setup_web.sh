#!/usr/bin/env bash
# Idempotent setup of the web app: .venv-web (python3), its pinned packages, Debian's
# Chromium for the browser tests, and axe-core from npm. A second run is instant.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

# 1. The web virtualenv (Python 3.11; not the Rasa one): the hash-pinned locks (scripts/lock.sh
#    regenerates them), runtime + tests/lint/browser driver; the gateway image installs
#    web/requirements.lock alone. Reinstalls when a lock changes.
web_hash=$(cat web/requirements.lock web/requirements-dev.lock | sha256sum | cut -c1-16)
if ! stamp_ok .venv-web/.installed "$web_hash"; then
  echo "==> creating .venv-web"
  [ -x .venv-web/bin/python ] || python3 -m venv .venv-web
  .venv-web/bin/pip install -q --require-hashes -r web/requirements-dev.lock
  echo "$web_hash" > .venv-web/.installed
fi

# 2. Debian's Chromium for Playwright (never `playwright install`), and an emoji font
#    so screenshots show the feedback thumbs.
if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/noto ]; then
  echo "==> installing Debian's chromium"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null
fi

# 3. npm packages (axe-core) from the committed lock file.
npm_hash=$(cat web/package.json web/package-lock.json | sha256sum | cut -c1-16)
if ! stamp_ok web/node_modules/.installed "$npm_hash"; then
  echo "==> installing web/node_modules"
  (cd web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$npm_hash" > web/node_modules/.installed
fi
