"""``User.access_stamp``: a random value the database changes whenever a user's authority may have changed.

``accounts.policy`` caches a user's memberships (with their organisations) and two-factor state in the shared
cache under ``(user, access_stamp)``, so a dashboard poll does not query them again. The user row is read on
every request anyway (the session's user), so checking the stamp costs nothing; the cache is only as good as the
stamp, so the database itself keeps the stamp fresh, whatever writes the rows (services, the admin, a migration,
raw SQL), in the same transaction as the change:

* any INSERT, UPDATE or DELETE of ``accounts_membership``: a fresh stamp for the old and the new user;
* any INSERT, UPDATE or DELETE of allauth's ``mfa_authenticator``: a fresh stamp for its user;
* any UPDATE of ``orgs_organisation`` (deactivated, moved, renamed): a fresh stamp for every user with a
  membership in it (a move updates every organisation of the subtree, so every member below is covered).

The moment a revocation commits, the next request reads the new stamp, misses the cache and reads the
memberships again: no stale permission. The stamp is random (not a counter), so a user id reused after a
rollback (SQLite) never meets an entry of the earlier user. Time limits (``valid_from``/``valid_until``) need no
stamp: the cached memberships keep their dates and ``policy.memberships`` checks them on every use.
"""

from __future__ import annotations

from typing import Any

TABLES = ("accounts_membership", "mfa_authenticator")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION beredd_access_stamp() RETURNS trigger AS $$
BEGIN
    IF TG_TABLE_NAME = 'orgs_organisation' THEN
        UPDATE accounts_user SET access_stamp = md5(random()::text || clock_timestamp()::text)
        WHERE id IN (SELECT user_id FROM accounts_membership WHERE organisation_id = NEW.id);
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE accounts_user SET access_stamp = md5(random()::text || clock_timestamp()::text) WHERE id = OLD.user_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE accounts_user SET access_stamp = md5(random()::text || clock_timestamp()::text) WHERE id = NEW.user_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

_SQLITE_STAMP = "lower(hex(randomblob(16)))"


def pg_sql() -> list[str]:
    out = [PG_FUNCTION]
    for table in TABLES:
        out.append(
            f"DROP TRIGGER IF EXISTS {table}_access_stamp ON {table};"
            f"CREATE TRIGGER {table}_access_stamp AFTER INSERT OR UPDATE OR DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION beredd_access_stamp();"
        )
    out.append(
        "DROP TRIGGER IF EXISTS orgs_organisation_access_stamp ON orgs_organisation;"
        "CREATE TRIGGER orgs_organisation_access_stamp AFTER UPDATE ON orgs_organisation"
        " FOR EACH ROW EXECUTE FUNCTION beredd_access_stamp();"
    )
    return out


def pg_drop_sql() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {t}_access_stamp ON {t};" for t in (*TABLES, "orgs_organisation")] + [
        "DROP FUNCTION IF EXISTS beredd_access_stamp();"
    ]


def sqlite_sql() -> list[str]:
    def stamp(where: str) -> str:
        return f"UPDATE accounts_user SET access_stamp = {_SQLITE_STAMP} WHERE {where};"  # noqa: S608 - constant SQL, no input

    out: list[str] = []
    for table in TABLES:
        out += [
            f"CREATE TRIGGER IF NOT EXISTS {table}_access_stamp_insert AFTER INSERT ON {table} "
            f"BEGIN {stamp('id = NEW.user_id')} END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_access_stamp_update AFTER UPDATE ON {table} "
            f"BEGIN {stamp('id IN (OLD.user_id, NEW.user_id)')} END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_access_stamp_delete AFTER DELETE ON {table} "
            f"BEGIN {stamp('id = OLD.user_id')} END",
        ]
    members = stamp("id IN (SELECT user_id FROM accounts_membership WHERE organisation_id = NEW.id)")
    out.append(
        f"CREATE TRIGGER IF NOT EXISTS orgs_organisation_access_stamp_update AFTER UPDATE ON orgs_organisation BEGIN {members} END"
    )
    return out


def sqlite_drop_sql() -> list[str]:
    names = [f"{t}_access_stamp_{op}" for t in TABLES for op in ("insert", "update", "delete")]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in [*names, "orgs_organisation_access_stamp_update"]]


def install(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    statements = pg_sql() if vendor == "postgresql" else sqlite_sql() if vendor == "sqlite" else []
    for sql in statements:
        schema_editor.execute(sql)


def uninstall(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    statements = pg_drop_sql() if vendor == "postgresql" else sqlite_drop_sql() if vendor == "sqlite" else []
    for sql in statements:
        schema_editor.execute(sql)
