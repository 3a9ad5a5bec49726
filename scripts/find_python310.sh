#!/usr/bin/env bash
# Prints the path of a working Python 3.10 (Rasa 3.6 needs 3.8-3.10).
set -euo pipefail
for candidate in "${PYTHON310:-}" python3.10; do
  [ -n "$candidate" ] || continue
  if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
    command -v "$candidate"; exit 0
  fi
done
# pyenv installs 3.10 but its shim refuses it unless that version is selected.
if command -v pyenv >/dev/null 2>&1; then
  for dir in "$(pyenv root)"/versions/3.10*; do
    if [ -x "$dir/bin/python3.10" ]; then echo "$dir/bin/python3.10"; exit 0; fi
  done
fi
echo "error: Python 3.10 not found; install it or set PYTHON310=/path/to/python3.10" >&2
exit 1
