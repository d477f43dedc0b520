"""Issue 9: free text has a length limit everywhere (models, forms, API bodies) and an over-long text is refused
naming the field, whichever path writes it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.utils import timezone

from beredd.core.exceptions import ValidationFailed
from beredd.core.textlimits import MACHINE_TEXT, beredd_form_classes

MEGABYTE = "x" * 1_000_000


def test_every_text_field_of_every_model_has_a_max_length() -> None:
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("beredd.")
        for field in model._meta.concrete_fields
        if isinstance(field, models.TextField | models.CharField) and not field.max_length
    ]
    assert sorted(set(unbounded) - MACHINE_TEXT) == []


def test_every_text_field_of_every_form_has_a_max_length() -> None:
    classes = beredd_form_classes()
    assert len(classes) > 20
    unbounded = [
        f"{c.__module__}.{c.__name__}.{name}"
        for c in classes
        for name, field in c.base_fields.items()  # type: ignore[attr-defined]
        if isinstance(field, forms.CharField) and not field.max_length
    ]
    assert unbounded == []


def test_every_api_body_schema_is_an_input_schema() -> None:
    from beredd.api.api import api
    from beredd.api.schemas import InputSchema

    doc = api.get_openapi_schema()
    bodies = {
        op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for methods in doc["paths"].values()
        for op in methods.values()
        if "requestBody" in op
    }
    import sys

    schemas = {
        name: obj
        for module in list(sys.modules.values())
        if getattr(module, "__name__", "").startswith("beredd.")
        # an app's api.py, or a module of its api package (collab/api/)
        and (getattr(module, "__name__", "").endswith(".api") or ".api." in getattr(module, "__name__", ""))
        for name, obj in vars(module).items()
        if isinstance(obj, type) and name in bodies
    }
    assert set(schemas) == bodies
    assert [n for n, cls in schemas.items() if not issubclass(cls, InputSchema)] == []


def test_a_megabyte_incident_reason_is_refused(ref: dict[str, Any], make_user: Any) -> None:
    from beredd.register.models import Incident
    from beredd.register.services.incidents import incident_activate

    mas = make_user(ref["gavle"], "mas")
    with pytest.raises(ValidationFailed) as caught:
        incident_activate(
            actor=mas,
            kommun=ref["gavle"],
            kind="heat_wave",
            reason=MEGABYTE,
            ends_at=timezone.now() + dt.timedelta(hours=4),
            postcodes=["80320"],
        )
    assert caught.value.details[0]["field"] == "reason"
    assert not Incident.objects.exists()


def test_a_megabyte_exercise_scenario_is_refused(ref: dict[str, Any], make_user: Any) -> None:
    from beredd.preparedness.models import Exercise
    from beredd.preparedness.services.exercises import exercise_create

    user = make_user(ref["gavle"], "coordinator")
    values = {"title": "Övning", "scenario": MEGABYTE, "held_on": timezone.localdate(), "kind": Exercise.Kind.values[0]}
    with pytest.raises(ValidationFailed) as caught:
        exercise_create(organisation=ref["gavle"], actor=user, values=values)
    assert caught.value.details[0]["field"] == "scenario"
    assert not Exercise.objects.exists()


def test_the_heat_and_picture_forms_refuse_a_megabyte() -> None:
    from beredd.preparedness.forms import HeatForm
    from beredd.reporting.forms import PictureForm

    picture = PictureForm({"summary": MEGABYTE})
    assert not picture.is_valid() and "summary" in picture.errors
    heat = HeatForm({"note": MEGABYTE})
    assert not heat.is_valid() and "note" in heat.errors


def test_a_megabyte_heat_note_over_the_api_is_422(client: Any, ref: dict[str, Any], make_user: Any) -> None:
    from beredd.accounts.models import Membership
    from beredd.accounts.services import token_create

    user = make_user(ref["gavle"], "coordinator")
    _t, secret = token_create(actor=user, membership=Membership.objects.get(user=user), name="t", days=1)
    today = timezone.localdate()
    response = client.post(
        f"/api/v1/preparedness/orgs/{ref['gavle'].pk}/heat",
        {"level": "1", "valid_from": str(today), "valid_until": str(today), "note": MEGABYTE},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "note"
