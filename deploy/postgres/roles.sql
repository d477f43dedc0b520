-- Beredd on PostgreSQL: two roles, so that the application cannot alter its own append-only logs.
--
--   beredd_owner  owns the database and its tables; runs `manage.py migrate`, `createcachetable`,
--                 `load_reference` on each upgrade, and nothing else. (Create it and the database first:
--                 CREATE ROLE beredd_owner LOGIN PASSWORD '...'; CREATE DATABASE beredd OWNER beredd_owner;)
--   beredd_app    what gunicorn, the task worker and the scheduled jobs connect as (DATABASE_URL): owns nothing,
--                 reads and writes the ordinary tables, and may only SELECT and INSERT the audit log
--                 (core_auditevent) and the register's access log (register_accesslog): no UPDATE, DELETE,
--                 TRUNCATE, REFERENCES or TRIGGER. Triggers refuse UPDATE, DELETE and TRUNCATE as well, but only a
--                 role that does not own a table cannot `ALTER TABLE ... DISABLE TRIGGER`.
--
-- Run this as a superuser (or the owner with CREATEROLE), connected to the Beredd database, after the first
-- `migrate` and again after every upgrade's `migrate` (it is idempotent):
--     psql -d beredd -f deploy/postgres/roles.sql
--     psql -d beredd -c "ALTER ROLE beredd_app PASSWORD '...'"     -- once; or use certificate/peer auth
-- The application refuses to start in production (system check beredd.E002) while its role owns a log table,
-- is a superuser, or holds UPDATE, DELETE or TRUNCATE on one. `make loadtest` uses this file for its app role.

DO $$
DECLARE
    log_owner name;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'beredd_app') THEN
        CREATE ROLE beredd_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO beredd_app', current_database());
    -- Tables that later migrations create get the ordinary grants at once (the log tables are revoked below).
    SELECT pg_get_userbyid(relowner) INTO log_owner FROM pg_class WHERE relname = 'core_auditevent' AND relkind = 'r';
    IF log_owner IS NOT NULL AND log_owner <> 'beredd_app' THEN
        EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public '
                       'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO beredd_app', log_owner);
        EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public '
                       'GRANT USAGE, SELECT ON SEQUENCES TO beredd_app', log_owner);
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO beredd_app;
REVOKE CREATE ON SCHEMA public FROM beredd_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO beredd_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO beredd_app;

-- The append-only logs: read and append only.
REVOKE ALL ON core_auditevent, register_accesslog FROM beredd_app;
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON core_auditevent, register_accesslog FROM PUBLIC;
GRANT SELECT, INSERT ON core_auditevent, register_accesslog TO beredd_app;
