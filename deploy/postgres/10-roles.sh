#!/usr/bin/env bash
# Creates the CRS assistant's database roles (roles.sql beside this file in the repository).
# The postgres image runs it from /docker-entrypoint-initdb.d when its data volume is new;
# docker-compose.yml and deploy/k8s/20-postgres.yaml mount it there, and roles.sql at
# /etc/crs/roles.sql. For a database that already exists (or a managed PostgreSQL), run it
# by hand with PGHOST/PGPORT/PGUSER (a role that may create roles) and the variables below.
# Passwords come from the environment, never from a file in the repository:
#   CRS_RASA_DB_PASSWORD, CRS_CONSOLE_DB_PASSWORD, CRS_RETENTION_DB_PASSWORD
set -euo pipefail
psql -v ON_ERROR_STOP=1 -X --no-password \
  --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-crs}" \
  --set db="${POSTGRES_DB:-crs}" \
  --set rasa_password="${CRS_RASA_DB_PASSWORD:?set CRS_RASA_DB_PASSWORD}" \
  --set console_password="${CRS_CONSOLE_DB_PASSWORD:?set CRS_CONSOLE_DB_PASSWORD}" \
  --set retention_password="${CRS_RETENTION_DB_PASSWORD:?set CRS_RETENTION_DB_PASSWORD}" \
  --file "${CRS_ROLES_SQL:-/etc/crs/roles.sql}"
