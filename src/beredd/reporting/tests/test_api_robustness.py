"""Issue 9, robustness: each input the fuzzer and the probes found gives a 4xx problem document, never a 500."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from beredd.accounts.models import Membership
from beredd.accounts.services import token_create
from beredd.reporting.models import Round, RoundInstance

pytestmark = pytest.mark.frozen_now  # deadlines must lie ahead and missed instances are counted back from now

HUGE = "1" + "0" * 25


def bearer(user: Any) -> dict[str, str]:
    _token, secret = token_create(actor=user, membership=Membership.objects.filter(user=user).first(), name="t", days=5)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def api() -> Client:
    return Client(raise_request_exception=False)


def problem(response: Any, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def round_body(world: SimpleNamespace, **extra: Any) -> dict[str, Any]:
    return {
        "issuer_id": world.nation.pk,
        "title": "Runda",
        "template_version_id": world.templates["bemanning"].pk,
        "responder": "kommun",
        "recipient_roots": [world.lan.pk],
        "deadline": (dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=1)).isoformat(),
    } | extra


def issue(api: Client, world: SimpleNamespace, **extra: Any) -> Any:
    return api.post(
        "/api/v1/reporting/rounds", round_body(world, **extra), content_type="application/json", **bearer(world.national)
    )


def fields(body: dict[str, Any]) -> set[str]:
    return {e["field"] for e in body.get("errors") or []}


def test_a_huge_page_number_is_422(api: Client, world: SimpleNamespace) -> None:
    body = problem(api.get(f"/api/v1/reporting/rounds?page={HUGE}", **bearer(world.national)))
    assert fields(body) == {"page"}
    problem(api.get(f"/api/v1/orgs/?page_size={HUGE}", **bearer(world.national)))


def test_a_huge_id_in_a_path_is_422(api: Client, world: SimpleNamespace) -> None:
    problem(api.get(f"/api/v1/reporting/instances/{HUGE}/submissions/1", **bearer(world.national)))
    problem(api.get(f"/api/v1/reporting/rounds/{HUGE}", **bearer(world.national)))
    problem(api.get("/api/v1/reporting/rounds/0", **bearer(world.national)))


def test_a_huge_id_in_explicit_recipients_is_422(api: Client, world: SimpleNamespace) -> None:
    body = problem(issue(api, world, explicit_recipients=[int(HUGE)]))
    assert fields(body) == {"explicit_recipients.0"}


@pytest.mark.parametrize("year", ["-1", "1000000", HUGE])
def test_a_year_out_of_range_on_the_self_assessment_is_422(api: Client, world: SimpleNamespace, year: str) -> None:
    url = f"/api/v1/preparedness/orgs/{world.gavle.pk}/self-assessment?year={year}"
    assert fields(problem(api.get(url, **bearer(world.gavle_coord)))) == {"year"}


@pytest.mark.parametrize("hours", [-1, 0, 169, 100000])
def test_recurrence_hours_out_of_range_is_422(api: Client, world: SimpleNamespace, hours: int) -> None:
    assert fields(problem(issue(api, world, recurrence="hours", recurrence_hours=hours))) == {"recurrence_hours"}
    assert not Round.objects.exists()


def test_a_naive_deadline_is_refused_with_a_message(api: Client, world: SimpleNamespace) -> None:
    body = problem(issue(api, world, deadline="2099-01-01T10:00:00"))
    assert fields(body) == {"deadline"}
    assert "timezone" in body["errors"][0]["message"]


def test_a_time_zone_aware_recurrence_time_is_refused(api: Client, world: SimpleNamespace) -> None:
    body = problem(issue(api, world, recurrence="daily", recurrence_time="08:00:00+02:00"))
    assert fields(body) == {"recurrence_time"}
    assert "Europe/Stockholm" in body["errors"][0]["message"]


def test_the_catch_up_of_missed_instances_is_capped(api: Client, world: SimpleNamespace) -> None:
    as_of = (dt.datetime.now(tz=dt.UTC) - dt.timedelta(hours=48)).isoformat()
    body = problem(issue(api, world, as_of=as_of, recurrence="hours", recurrence_hours=1))
    assert fields(body) == {"as_of"}
    assert "24" in body["errors"][0]["message"]
    assert not RoundInstance.objects.exists()
    # 20 hours back with hourly recurrence is within the cap.
    as_of = (dt.datetime.now(tz=dt.UTC) - dt.timedelta(hours=20)).isoformat()
    assert issue(api, world, as_of=as_of, recurrence="hours", recurrence_hours=1).status_code == 201


def test_a_nul_byte_in_free_text_or_a_search_is_422(api: Client, world: SimpleNamespace) -> None:
    body = problem(issue(api, world, title="Runda\x00"))
    assert body["errors"][0]["message"].endswith("title contains a NUL character.")
    body = problem(api.get("/api/v1/orgs/?q=G%00vle", **bearer(world.national)))
    assert fields(body) == {"q"}
    answers = {"answers": {"assessment": "a\x00b"}}
    url = f"/api/v1/reporting/instances/1/submissions/{world.g1.pk}/draft"
    problem(api.put(url, answers, content_type="application/json", **bearer(world.g1_reporter)))


def test_a_nul_byte_in_a_page_query_is_a_400_page(client: Client, world: SimpleNamespace) -> None:
    client.force_login(world.national)
    assert client.get("/orgs/?q=G%00vle").status_code == 400


def test_non_finite_numbers_in_a_body_are_422(api: Client, world: SimpleNamespace) -> None:
    url = f"/api/v1/reporting/instances/1/submissions/{world.g1.pk}/draft"
    response = api.put(
        url, '{"answers": {"staff_total": Infinity}}', content_type="application/json", **bearer(world.g1_reporter)
    )
    assert "finite" in problem(response)["errors"][0]["message"]


def test_the_api_never_emits_non_finite_numbers() -> None:
    from beredd.api.problems import FiniteJSONRenderer

    text = FiniteJSONRenderer().render(None, {"a": float("inf"), "b": [float("nan"), 1.5]}, response_status=200)  # type: ignore[arg-type]
    assert text == '{"a": null, "b": [null, 1.5]}'
    # A Decimal (a rolled-up figure) that is not finite is null too, and a finite one is its exact text.
    text = FiniteJSONRenderer().render(None, {"d": [Decimal("NaN"), Decimal("-Infinity"), Decimal("2.50")]}, response_status=200)  # type: ignore[arg-type]
    assert text == '{"d": [null, null, "2.50"]}'


def test_a_bogus_bearer_token_on_a_post_is_401_not_a_csrf_403(db: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/reporting/rounds", {}, content_type="application/json", HTTP_AUTHORIZATION="Bearer bd_x")
    assert problem(response, 401)["code"] == "unauthorized"


def test_an_unhandled_error_is_a_problem_document_not_html(api: Client, world: SimpleNamespace, monkeypatch: Any) -> None:
    from beredd.reporting import selectors

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(selectors, "round_get_for_user", broken)
    body = problem(api.get("/api/v1/reporting/rounds/1", **bearer(world.national)), 500)
    assert body["code"] == "server_error" and "a bug" not in str(body)


@pytest.mark.parametrize("value", [1e308, 10**30, -(10**13), "1e400"])
def test_a_numeric_answer_beyond_ten_to_the_twelve_is_422(api: Client, world: SimpleNamespace, value: Any) -> None:
    from beredd.reporting.tests.conftest import issue as issue_round

    instance = issue_round(world).instances.get()
    url = f"/api/v1/reporting/instances/{instance.pk}/submissions/{world.g1.pk}/draft"
    response = api.put(url, {"answers": {"staff_total": value}}, content_type="application/json", **bearer(world.g1_reporter))
    body = problem(response)
    assert fields(body) == {"staff_total"} or "staff_total" in str(body)
    rollup = api.get(f"/api/v1/reporting/instances/{instance.pk}/rollup?org_id={world.gavle.pk}", **bearer(world.gavle_coord))
    assert rollup.status_code == 200 and "Infinity" not in rollup.content.decode()
