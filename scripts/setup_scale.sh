#!/usr/bin/env bash
# Scale-out prerequisites on Debian: nginx as the load balancer, and the clients
# for PostgreSQL and Redis used by the reliability tests. Idempotent; needs root.
# The project runs nginx itself (foreground, generated config, loopback ports),
# so the packaged service is stopped and disabled if the package starts it.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)

if [ ${#missing[@]} -gt 0 ]; then
    echo "==> apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Do not let package scripts start system services (nginx on :80 etc.).
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
        trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "nginx: $( (/usr/sbin/nginx -v 2>&1 || nginx -v 2>&1) | head -1)"

# Offline validators of the deployment files (tests/scale/test_deploy_files.py):
# check-jsonschema ships the Compose specification's schema, kubernetes-validate
# the Kubernetes API schemas. Kept in var/ (git-ignored), apart from both app venvs.
tools=var/deploy-tools
tools_pins="check-jsonschema==0.39.0 kubernetes-validate==1.37.0"
if [ ! -f "$tools/.installed" ] || [ "$(cat "$tools/.installed")" != "$tools_pins" ]; then
    echo "==> installing $tools_pins into $tools"
    rm -rf "$tools"
    python3 -m venv "$tools"
    # shellcheck disable=SC2086
    "$tools/bin/pip" install -q $tools_pins
    echo "$tools_pins" > "$tools/.installed"
fi
