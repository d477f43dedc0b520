"""Record ids reveal nothing: an existing record the caller may not open and an id that does not exist get the
same status and the same body, in the API and in the UI, and both attempts are access-logged."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beredd.register.models import AccessLog, Person
from beredd.register.tests.helpers import make_person
from beredd.register.tests.test_api import bearer

UNKNOWN = 987_654_321

PERSONAS = {  # persona -> the one status every refused record id gets
    "lan_coordinator": 403,
    "lan_mas": 403,
    "national": 403,
    "coordinator": 403,
    "viewer": 403,
    "sandviken_mas": 404,
    "unit_mas": 404,  # a MAS of unit A asking for a resident of unit B
    "unit_reporter": 404,
}


@pytest.fixture
def person(world: Any) -> Person:
    return make_person(world.gavle, world.unit_b, last_name="Ekberg")


def _denied(user: Any) -> list[tuple[int | None, int | None]]:
    return list(AccessLog.objects.filter(user=user, action="denied").order_by("id").values_list("person_id", "kommun_id"))


@pytest.mark.parametrize(("persona", "status"), PERSONAS.items())
def test_the_api_answers_an_existing_and_an_unknown_id_alike_and_logs_both(
    client: Client, world: Any, person: Person, persona: str, status: int
) -> None:
    auth = bearer(getattr(world, persona))
    existing = client.get(f"/api/v1/register/persons/{person.pk}", **auth)
    unknown = client.get(f"/api/v1/register/persons/{UNKNOWN}", **auth)
    assert existing.status_code == unknown.status_code == status
    body, other = existing.json(), unknown.json()
    # "instance" is the request's own path (its id); everything else is the same.
    assert body.pop("instance").endswith(str(person.pk)) and other.pop("instance").endswith(str(UNKNOWN))
    assert body == other and b"Ekberg" not in existing.content
    assert existing["Content-Type"] == unknown["Content-Type"]
    assert _denied(getattr(world, persona)) == [(person.pk, world.gavle.pk), (UNKNOWN, None)]


@pytest.mark.parametrize(("persona", "status"), PERSONAS.items())
def test_the_pages_answer_an_existing_and_an_unknown_id_alike_and_log_both(
    world: Any, person: Person, persona: str, status: int
) -> None:
    client = Client()
    client.force_login(getattr(world, persona))
    for name in ("register:person-detail", "register:person-edit"):
        existing = client.get(reverse(name, args=[person.pk]))
        unknown = client.get(reverse(name, args=[UNKNOWN]))
        assert existing.status_code == unknown.status_code == status, name
        assert b"Ekberg" not in existing.content
        # Same page but for the id in its own address (and the per-response CSRF token and nonce).
        bodies = [_without_tokens(re.sub(r"/personer/\d+/", "/personer/ID/", r.content.decode())) for r in (existing, unknown)]
        assert bodies[0] == bodies[1], name
    assert len(_denied(getattr(world, persona))) == 4


def _without_tokens(text: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|nonce="|csrf-token" content=")[^"]*', r"\1", text)


def test_the_owning_mas_gets_a_logged_404_for_an_unknown_id(client: Client, world: Any) -> None:
    response = client.get(f"/api/v1/register/persons/{UNKNOWN}", **bearer(world.mas))
    assert response.status_code == 404
    assert _denied(world.mas) == [(UNKNOWN, None)]


@pytest.mark.parametrize(("persona", "status"), PERSONAS.items())
def test_the_log_extract_answers_an_existing_and_an_unknown_id_alike_and_logs_both(
    world: Any, person: Person, persona: str, status: int
) -> None:
    client = Client()
    client.force_login(getattr(world, persona))
    existing = client.get(reverse("register:log-extract", args=[person.pk, "csv"]))
    unknown = client.get(reverse("register:log-extract", args=[UNKNOWN, "csv"]))
    assert existing.status_code == unknown.status_code == status
    assert _denied(getattr(world, persona)) == [(person.pk, world.gavle.pk), (UNKNOWN, None)]
