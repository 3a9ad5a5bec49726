#!/usr/bin/env bash
# Regenerates the hash-pinned lock files, transitive dependencies included:
#   requirements.lock          Rasa image + .venv runtime  (requirements.txt, Python 3.10)
#   requirements-dev.lock      .venv (runtime + tests/lint) (requirements-dev.txt)
#   web/requirements.lock      gateway image + .venv-web    (web/requirements.txt, Python 3.11)
#   web/requirements-dev.lock  .venv-web (runtime + tests/lint/browser) (web/requirements-dev.txt)
# Run it after adding or changing a package in any requirements*.txt, then commit the locks;
# scripts/setup.sh and scripts/setup_web.sh reinstall when a lock changes.
#
#   scripts/lock.sh              keep every existing pin, add what is new
#   scripts/lock.sh --upgrade    also move unconstrained packages to their newest releases
#   scripts/lock.sh -P NAME      upgrade one package (pip-compile's --upgrade-package)
#
# Versions: the Rasa environment is constrained by constraints.txt (exact pins, the set the
# project was tested with); every lock keeps its existing pins (pip-compile's default).
# Hashes: every file of the pinned version on every index pip uses here (pip config list:
# PyPI and the local mirrors), each from its index page's sha256, so whichever file pip
# downloads is accepted. pip-tools would otherwise take PyPI's JSON API, whose file URLs do
# not match the index pages here, and download every wheel of every platform to hash it.
# The encoder wheels (requirements-encoder.txt) are pinned by hand and never locked here.
set -euo pipefail
cd "$(dirname "$0")/.."

pip_tools="pip-tools==7.6.2"
tools=var/lock-tools

venv_for() {  # venv_for NAME PYTHON -> a venv with pip-tools in $tools/NAME
  local dir="$tools/$1"
  if [ ! -f "$dir/.installed" ] || [ "$(cat "$dir/.installed")" != "$pip_tools" ]; then
    rm -rf "$dir"
    "$2" -m venv "$dir"
    "$dir/bin/pip" install -q "$pip_tools"
    echo "$pip_tools" > "$dir/.installed"
  fi
  echo "$dir/bin/python"
}

compile() {  # compile PYTHON OUTPUT INPUT [pip-compile options...]
  local python=$1 output=$2 input=$3
  shift 3
  echo "==> $output (from $input, $("$python" -c 'import platform; print("Python", platform.python_version())'))"
  "$python" - --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
    --no-emit-find-links --no-emit-trusted-host --resolver=backtracking \
    --output-file "$output" "$@" "$input" <<'PY'
import sys

from piptools.repositories.pypi import PyPIRepository
from piptools.scripts.compile import cli

hash_file = PyPIRepository._get_file_hash


def index_hash(self, link):
    # The sha256 the index page gives for this very file (pip checks it on download).
    if link.hash_name == "sha256" and link.hash:
        return f"sha256:{link.hash}"
    return hash_file(self, link)


PyPIRepository._get_file_hash = index_hash
PyPIRepository._get_project = lambda self, ireq: None  # no PyPI JSON API: see scripts/lock.sh
sys.exit(cli(prog_name="pip-compile"))
PY
}

py310=$(venv_for py310 "$(scripts/find_python310.sh)")
py311=$(venv_for py311 python3.11)

# Runtime first; each dev lock is constrained by its runtime lock, so the versions the
# tests run against are exactly the ones the images ship.
compile "$py310" requirements.lock requirements.txt -c constraints.txt "$@"
compile "$py310" requirements-dev.lock requirements-dev.txt -c constraints.txt -c requirements.lock "$@"
compile "$py311" web/requirements.lock web/requirements.txt "$@"
compile "$py311" web/requirements-dev.lock web/requirements-dev.txt -c web/requirements.lock "$@"

# torch must never come in (the encoder runs on onnxruntime; its wheels are --no-deps).
if grep -qiE '^(torch|nvidia-)' requirements.lock requirements-dev.lock web/requirements.lock web/requirements-dev.lock; then
  echo "error: a lock pulls in torch/CUDA packages" >&2
  exit 1
fi
echo "Locks written. Commit them; scripts/setup.sh and scripts/setup_web.sh install them."
