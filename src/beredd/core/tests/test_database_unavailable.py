"""When the database does not answer (a restart, a failover, a dead replica mid-request, SQLite's busy timeout),
pages and the API say 503 with Retry-After, and nothing half-done is kept; never a 500."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client

from beredd.accounts.models import Membership
from beredd.accounts.services import token_create
from beredd.core.middleware import RETRY_AFTER_SECONDS


@contextmanager
def database_fails(on: str) -> Iterator[None]:
    """Every SQL statement containing ``on`` fails as a dropped connection would (a real execute wrapper on the
    real connection: the statements before it really run)."""

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if on in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


def test_a_page_says_503_with_retry_after_and_a_readable_message(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    client.force_login(make_user(ref["gavle"], "viewer", mfa=False))
    with database_fails("reporting_"):
        response = client.get("/lagesbild/mallar/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    text = response.content.decode()
    assert "Tillfälligt otillgänglig" in text and "Inget av det du skickade" in text  # Swedish by default
    assert "Försök igen" in text and "http-equiv" not in text  # the user decides when (WCAG 2.2.1)
    assert "OperationalError" not in text and "server closed" not in text  # no Python value shown to a user


@pytest.mark.parametrize("path", ["/lagesbild/mallar/", "/api/v1/reporting/rounds"])
def test_a_database_failure_outside_the_view_is_503_not_500(ref: dict[str, Any], make_user: Any, path: str) -> None:
    # The signed-in user is read by a middleware, before any view: a replica or primary that stops answering
    # there (measured in the load test when the replica was killed) is a 503 with Retry-After as in a view.
    client = Client(raise_request_exception=False)
    client.force_login(make_user(ref["gavle"], "viewer", mfa=False))
    with database_fails('FROM "accounts_user"'):
        response = client.get(path)
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    if path.startswith("/api/"):
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "service_unavailable"
    else:
        assert "Tillfälligt otillgänglig" in response.content.decode()


def test_any_other_uncaught_error_is_still_a_500(ref: dict[str, Any], make_user: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(make_user(ref["gavle"], "viewer", mfa=False))

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if 'FROM "accounts_user"' in sql:
            raise RuntimeError("a bug")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        response = client.get("/lagesbild/mallar/")
    assert response.status_code == 500


def test_the_api_gives_a_problem_document_and_keeps_nothing_of_a_failed_write(
    client: Client, ref: dict[str, Any], make_user: Any
) -> None:
    from beredd.command.models import LogEntry
    from beredd.core.models import AuditEvent

    user = make_user(ref["gavle"], "coordinator")
    _token, secret = token_create(actor=user, membership=Membership.objects.get(user=user), name="t", days=5)
    before = AuditEvent.objects.count()
    with database_fails('INSERT INTO "core_auditevent"'):
        response = client.post(
            f"/api/v1/command/orgs/{ref['gavle'].pk}/log",
            {"kind": "decision", "text": "Strömavbrott i norra Gävle"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
    assert response.status_code == 503, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json()["code"] == "service_unavailable"
    assert AuditEvent.objects.count() == before
    assert not LogEntry.objects.exists()  # the entry written before the failing audit row was rolled back


@pytest.mark.parametrize("path", ["/api/v1/openapi.json"])
def test_the_openapi_document_declares_the_503_problem(client: Client, db: Any, path: str) -> None:
    operation = client.get(path).json()["paths"]["/api/v1/reporting/rounds"]["get"]
    assert "503" in operation["responses"]
