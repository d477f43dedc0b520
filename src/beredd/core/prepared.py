"""A cursor whose statements PostgreSQL may keep prepared, for the few statements every API submit runs.

Django's PostgreSQL backend binds parameters on the client (the values are written into the SQL text), so the
server parses and plans every statement afresh. The submit's two statements (``core.joinedlookup``'s recipient
lookup and ``core.onestatement``'s write) have the same text every time; through a server-side-binding cursor
psycopg prepares them after a few executions on a connection (``prepare_threshold``, default 5) and the server
skips parsing and planning them. Behind PgBouncer in transaction mode the settings turn preparation off
(``prepare_threshold`` None, ``DATABASE_POOLER_TRANSACTION_MODE``) and the same cursor simply binds on the server.

Only for hand-listed statements: Django's own ORM SQL stays on its client-side binding (some of it, parameters
in GROUP BY, does not work with server-side binding). The cursor is wrapped as Django wraps its own, so query
logging and ``CaptureQueriesContext`` see it. Elsewhere (SQLite) it is the connection's usual cursor.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper


def cursor(connection: BaseDatabaseWrapper) -> Any:
    """A Django cursor wrapper for the statement; use it as a context manager like ``connection.cursor()``."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    import psycopg

    connection.ensure_connection()
    raw: Any = psycopg.Cursor(connection.connection)  # the stubs type the wrappers' argument as a wrapper already
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
