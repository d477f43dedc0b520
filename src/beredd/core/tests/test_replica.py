"""The replica router: which requests may read from the standby, and that nobody reads a stale own write.

The load test (`make loadtest`) runs the router against a real streaming replica; these tests pin down the
decisions with the database the suite runs on.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from beredd.core import replica
from beredd.orgs.models import Organisation

PATHS = [r"^/lagesbild/tillfalle/\d+/$"]


def _middleware(lag: float | None, monkeypatch: Any) -> tuple[replica.ReplicaReadMiddleware, list[str | None]]:
    monkeypatch.setattr(replica, "replica_lag_seconds", lambda: lag)
    seen: list[str | None] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(replica.ReplicaRouter().db_for_read(Organisation))
        return HttpResponse("ok")

    return replica.ReplicaReadMiddleware(view), seen


@pytest.fixture(autouse=True)
def _replica_settings(settings: Any) -> None:
    settings.DATABASE_REPLICA_PATHS = PATHS
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 2
    settings.DATABASE_REPLICA_PIN_SECONDS = 10


class TestRouting:
    def test_a_dashboard_get_reads_from_a_replica_that_keeps_up(self, monkeypatch: Any) -> None:
        mw, seen = _middleware(0.2, monkeypatch)
        mw(RequestFactory().get("/lagesbild/tillfalle/7/"))
        assert seen == ["replica"]

    def test_other_pages_read_from_the_primary(self, monkeypatch: Any) -> None:
        mw, seen = _middleware(0.0, monkeypatch)
        mw(RequestFactory().get("/register/"))
        mw(RequestFactory().get("/lagesbild/tillfalle/7/export/answers.csv"))
        assert seen == [None, None]

    def test_a_lagging_or_dead_replica_is_not_used(self, monkeypatch: Any) -> None:
        mw, seen = _middleware(2.5, monkeypatch)
        mw(RequestFactory().get("/lagesbild/tillfalle/7/"))
        mw_dead, seen_dead = _middleware(None, monkeypatch)
        mw_dead(RequestFactory().get("/lagesbild/tillfalle/7/"))
        assert seen == [None] and seen_dead == [None]

    def test_after_a_write_the_same_client_reads_its_own_change_from_the_primary(self, monkeypatch: Any) -> None:
        mw, seen = _middleware(0.0, monkeypatch)
        response = mw(RequestFactory().post("/lagesbild/svar/1/"))
        cookie = response.cookies[replica.PIN_COOKIE]
        assert cookie["max-age"] == 10 and cookie["httponly"]
        pinned = RequestFactory().get("/lagesbild/tillfalle/7/")
        pinned.COOKIES[replica.PIN_COOKIE] = cookie.value
        mw(pinned)
        assert seen == [None, None]  # the POST itself and the pinned GET both stay on the primary

    def test_the_routing_ends_with_the_request(self, monkeypatch: Any) -> None:
        mw, _seen = _middleware(0.0, monkeypatch)
        mw(RequestFactory().get("/lagesbild/tillfalle/7/"))
        assert replica.ReplicaRouter().db_for_read(Organisation) is None


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_and_all_writes_go_to_the_primary() -> None:
    router = replica.ReplicaRouter()
    token = replica._use_replica.set(True)
    try:
        assert router.db_for_read(Organisation) == "replica"
        with transaction.atomic():
            assert router.db_for_read(Organisation) is None
        assert router.db_for_write(Organisation) == "default"
        assert router.allow_migrate("replica", "orgs") is False
    finally:
        replica._use_replica.reset(token)


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_a_server_that_is_not_a_standby_is_never_taken_for_a_replica() -> None:
    """Pointed at a primary by mistake (or after a failover promoted it), the lag check refuses it."""
    if connection.vendor != "postgresql":
        pytest.skip("the lag query is PostgreSQL's")
    replica._down_until[0] = 0.0
    assert replica.replica_lag_seconds(alias="default") is None


def test_a_recent_lag_reading_is_reused_with_the_time_since_added(monkeypatch: pytest.MonkeyPatch) -> None:
    """Within REUSE_SECONDS no query is asked, and the lag taken is never less than the reading plus its age."""
    import time

    monkeypatch.setattr(replica, "_last", {"replica": (time.monotonic() - 0.2, 1.5)})
    replica._down_until[0] = 0.0
    lag = replica.replica_lag_seconds()
    assert lag is not None and 1.7 <= lag < 1.5 + replica.REUSE_SECONDS
    monkeypatch.setattr(replica, "_last", {"replica": (time.monotonic() - replica.REUSE_SECONDS - 0.1, 0.0)})
    monkeypatch.setattr(replica, "_down_until", [time.monotonic() + 5])  # older than that: asked again (here: down)
    assert replica.replica_lag_seconds() is None
