-- Least-privilege database roles of the CRS assistant (one database, schema public).
--   crs_rasa       Rasa's SQL tracker store: creates and owns `events` (and its sequence).
--   crs_console    the staff console: creates and owns the console_* tables (its migrations),
--                  SELECT only on Rasa's tables.
--   crs_retention  the retention job (python -m web.console.cli purge-old): SELECT and DELETE
--                  on Rasa's tables, SELECT/INSERT/DELETE on the console's (it deletes expired
--                  conversations and audit rows, and records the purge in the audit log); no DDL.
-- The superuser (POSTGRES_USER) is used by nobody but this script.
--
-- Run by psql with the variables db, rasa_password, console_password, retention_password
-- (deploy/postgres/10-roles.sh does that). Idempotent: re-running it sets the passwords
-- again (rotation) and grants on the tables that exist by then.
\set ON_ERROR_STOP on

SELECT 'CREATE ROLE crs_rasa' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'crs_rasa') \gexec
SELECT 'CREATE ROLE crs_console' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'crs_console') \gexec
SELECT 'CREATE ROLE crs_retention' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'crs_retention') \gexec
ALTER ROLE crs_rasa WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'rasa_password';
ALTER ROLE crs_console WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'console_password';
ALTER ROLE crs_retention WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'retention_password';

-- Only these three roles may connect; only Rasa and the console may create tables.
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO crs_rasa, crs_console, crs_retention;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO crs_rasa, crs_console;
GRANT USAGE ON SCHEMA public TO crs_retention;

-- Tables created later (Rasa creates `events` at its first start, the console's migrations
-- create console_*): privileges given by their creator's default privileges.
ALTER DEFAULT PRIVILEGES FOR ROLE crs_rasa IN SCHEMA public GRANT SELECT ON TABLES TO crs_console;
ALTER DEFAULT PRIVILEGES FOR ROLE crs_rasa IN SCHEMA public GRANT SELECT, DELETE ON TABLES TO crs_retention;
ALTER DEFAULT PRIVILEGES FOR ROLE crs_console IN SCHEMA public GRANT SELECT, INSERT, DELETE ON TABLES TO crs_retention;
ALTER DEFAULT PRIVILEGES FOR ROLE crs_console IN SCHEMA public GRANT USAGE ON SEQUENCES TO crs_retention;

-- Tables that already exist (this script re-run on a database in use).
SELECT format('GRANT SELECT ON public.%I TO crs_console', tablename)
  FROM pg_tables WHERE schemaname = 'public' AND tableowner = 'crs_rasa' \gexec
SELECT format('GRANT SELECT, DELETE ON public.%I TO crs_retention', tablename)
  FROM pg_tables WHERE schemaname = 'public' AND tableowner = 'crs_rasa' \gexec
SELECT format('GRANT SELECT, INSERT, DELETE ON public.%I TO crs_retention', tablename)
  FROM pg_tables WHERE schemaname = 'public' AND tableowner = 'crs_console' \gexec
SELECT format('GRANT USAGE ON SEQUENCE public.%I TO crs_retention', sequencename)
  FROM pg_sequences WHERE schemaname = 'public' AND sequenceowner = 'crs_console' \gexec
