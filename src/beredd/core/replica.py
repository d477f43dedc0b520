"""Read dashboards from a PostgreSQL streaming replica, and never show a stale figure because of it.

Only set up when ``DATABASE_REPLICA_URL`` is configured (see settings). The rules:

* Writes always go to the primary (``db_for_write``), and so does everything inside a transaction.
* A read goes to the replica only while the request is marked replica-safe by ``ReplicaReadMiddleware``:
  a GET or HEAD whose path matches ``DATABASE_REPLICA_PATHS`` (roll-up pages and fragments, exports), from
  a client that has not written in the last ``DATABASE_REPLICA_PIN_SECONDS`` (a cookie set on every unsafe
  request pins that browser to the primary, so a coordinator sees her own change at once).
* Before a request is sent to the replica, one query asks the replica how far behind it is (a reading younger than
  half a second is reused, plus the time since it was taken, which bounds the real lag); when the replay
  lag exceeds ``DATABASE_REPLICA_MAX_LAG_SECONDS``, or the replica does not answer, the request reads from
  the primary instead, and a replica that failed is not tried again for a few seconds. So a lagging or dead
  replica costs freshness never, and availability only for the requests in flight when it died.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PIN_COOKIE = "beredd_primary"
_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("beredd_use_replica", default=False)
_down_until = [0.0]

_LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN NULL "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)


class ReplicaRouter:
    """Database router: reads to the replica only inside a replica-safe request, writes to the primary."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if _use_replica.get() and not connections["default"].in_atomic_block:
            return REPLICA
        return None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica is a copy of the primary: every relation is valid across the two aliases

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == "default"


@contextlib.contextmanager
def primary_reads() -> Iterator[None]:
    """Reads inside go to the primary whatever the request's routing: for a cache fill that every reader, also
    one pinned to the primary after their own write, may be served (``reporting.fragments``)."""
    token = _use_replica.set(False)
    try:
        yield
    finally:
        _use_replica.reset(token)


def reading_from_replica() -> bool:
    """True while the current request reads from the replica (a replica-safe request outside a transaction)."""
    return _use_replica.get() and not connections["default"].in_atomic_block


# The last reading per alias: (when, lag). Within REUSE_SECONDS of it the lag is taken as that reading plus the
# time since, which is never less than the real lag (replay falls behind at most one second per second); so each
# app process asks the replica a few times a second, not once per dashboard request.
_last: dict[str, tuple[float, float]] = {}
REUSE_SECONDS = 0.5


def replica_lag_seconds(alias: str = REPLICA) -> float | None:
    """The replica's replay lag in seconds (0 when it has replayed all it received); None if it is unusable."""
    now = time.monotonic()
    if now < _down_until[0]:
        return None
    last = _last.get(alias)
    if last is not None and now - last[0] < REUSE_SECONDS:
        return last[1] + (now - last[0])
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(_LAG_SQL)
            row = cursor.fetchone()
    except DatabaseError:
        _last.pop(alias, None)
        connections[alias].close()
        _down_until[0] = time.monotonic() + settings.DATABASE_REPLICA_RETRY_SECONDS
        return None
    if row is None or row[0] is None:  # not a standby at all (promoted, or misconfigured): do not use it
        _last.pop(alias, None)
        return None
    _last[alias] = (now, float(row[0]))
    return float(row[0])


class ReplicaReadMiddleware:
    """Marks replica-safe requests (see the module docstring) and pins a client to the primary after a write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.paths = [re.compile(p) for p in settings.DATABASE_REPLICA_PATHS]

    def _replica_safe(self, request: HttpRequest) -> bool:
        if request.method not in ("GET", "HEAD") or request.COOKIES.get(PIN_COOKIE):
            return False
        if not any(p.search(request.path) for p in self.paths):
            return False
        lag = replica_lag_seconds()
        return lag is not None and lag <= settings.DATABASE_REPLICA_MAX_LAG_SECONDS

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _use_replica.set(self._replica_safe(request))
        request.beredd_read_from = REPLICA if _use_replica.get() else "default"  # type: ignore[attr-defined]  # for logs and tests
        try:
            response = self.get_response(request)
        finally:
            _use_replica.reset(token)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response
