"""One constructor for a round's spec: the round form and the API build it the same way, and both pass the
linked event's type, explicit recipients and the as-of time on to the round."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beredd.reporting.models import Round, Submission
from beredd.reporting.services import rounds as round_services
from beredd.reporting.tests.test_api import bearer

pytestmark = pytest.mark.frozen_now  # the as-of time and the deadline are judged against now


def test_from_values_reads_every_field_by_name_and_keeps_defaults_for_the_rest(world: SimpleNamespace) -> None:
    version = world.templates["vaermebolja"]
    as_of = timezone.now()
    spec = round_services.RoundSpec.from_values(
        {
            "title": "T",
            "recipient_roots": [world.gavle, world.sandviken.pk],  # organisations (form) or ids (API)
            "explicit_recipients": [world.g1.pk],
            "service_kinds": ("sabo",),
            "as_of": as_of,
            "event_type": "värmebölja",
            "recurrence_hours": None,  # None keeps the default
            "issuer_id": 1,  # not a spec field: ignored
        },
        template_version=version,
    )
    assert spec.template_version == version and spec.title == "T"
    assert spec.recipient_roots == [world.gavle.pk, world.sandviken.pk]
    assert spec.explicit_recipients == [world.g1.pk] and spec.service_kinds == ["sabo"]
    assert spec.as_of == as_of and spec.event_type == "värmebölja"
    assert spec.recurrence == Round.Recurrence.NONE and spec.responder == Round.Responder.KOMMUNER
    assert spec.recurrence_hours is None and spec.regi == "" and spec.is_exercise is False


def test_the_form_passes_the_event_type_to_the_round(client: Client, world: SimpleNamespace) -> None:
    client.force_login(world.national)
    data = {
        "title": "Lägesbild värmebölja",
        "template_version": world.templates["vaermebolja"].pk,
        "responder": "unit",
        "recipient_roots": [world.gavle.pk],
        "deadline": "2099-07-02T10:00",
        "recurrence": "none",
        "event_name": "Värmebölja juli",
        "event_type": "värmebölja",
    }
    assert client.post(reverse("reporting:round-create"), data).status_code == 302
    event = Round.objects.get().event
    assert event is not None and event.name == "Värmebölja juli" and event.type == "värmebölja"


def test_the_api_passes_event_type_explicit_recipients_and_as_of(client: Client, world: SimpleNamespace) -> None:
    as_of = dt.datetime.now(tz=dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=5)
    response = client.post(
        "/api/v1/reporting/rounds",
        {
            "issuer_id": world.nation.pk,
            "title": "API-runda",
            "template_version_id": world.templates["bemanning"].pk,
            "explicit_recipients": [world.gavle.pk],
            "as_of": as_of.isoformat(),
            "deadline": (as_of + dt.timedelta(days=1)).isoformat(),
            "event_name": "Värmebölja juli",
            "event_type": "värmebölja",
        },
        content_type="application/json",
        **bearer(world.national),
    )
    assert response.status_code == 201, response.content
    round_ = Round.objects.get(pk=response.json()["id"])
    assert round_.event is not None and round_.event.type == "värmebölja"
    assert round_.instances.get().as_of == as_of
    assert list(Submission.objects.filter(instance__round=round_).values_list("organisation", flat=True)) == [world.gavle.pk]


def test_the_api_bounds_the_event_type(client: Client, world: SimpleNamespace) -> None:
    response = client.post(
        "/api/v1/reporting/rounds",
        {
            "issuer_id": world.nation.pk,
            "title": "x",
            "template_version_id": world.templates["bemanning"].pk,
            "deadline": "2099-01-01T10:00:00+01:00",
            "event_type": "x" * 65,
        },
        content_type="application/json",
        **bearer(world.national),
    )
    assert response.status_code in (400, 422) and not Round.objects.exists()
