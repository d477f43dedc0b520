"""Issue 9: a template is validated completely before it is saved or published; each bad example is refused
with a message naming the path of the bad value, and nothing is saved."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from beredd.accounts.models import Membership
from beredd.accounts.services import token_create
from beredd.core.exceptions import ValidationFailed
from beredd.reporting.builtin import BUILTINS
from beredd.reporting.models import ReportTemplate, TemplateVersion
from beredd.reporting.services import templates
from beredd.reporting.template_schema import validate_template


def base(**field: Any) -> dict[str, Any]:
    return {"key": "t", "name": "T", "fields": [{"key": "n", "type": "integer", "label_sv": "N"} | field]}


BAD: list[tuple[str, Any, str]] = [
    ("options a string", base(options="abc"), "fields[0].options"),
    ("choices a string", base(type="choice", options={"choices": "abc"}), "fields[0].options.choices"),
    ("a choice field without choices", base(type="choice"), "fields[0]"),
    ("min 1e400", base(min="1e400"), "fields[0].min"),
    ("min NaN", base(min="NaN"), "fields[0].min"),
    ("max Infinity", base(max=float("inf")), "fields[0].max"),
    ("min beyond the column", base(min=10**30), "fields[0].min"),
    ("min greater than max", base(min=10, max=5), "fields[0]"),
    ("required maybe", base(required="maybe"), "fields[0].required"),
    ("a JSON array", [{"key": "t"}], "template"),
    ("a field given as a string", {"key": "t", "fields": ["n"]}, "fields[0]"),
    ("fields an object", {"key": "t", "fields": {"key": "n"}}, "fields"),
    ("an unknown type", base(type="blob"), "fields[0].type"),
    ("a label that is a list", base(label_sv=["N"]), "fields[0].label_sv"),
    ("a key with quotes", base(key='evil";x'), "fields[0].key"),
    ("n < n", base() | {"rules": [{"left": "n", "op": "<", "right": "n"}]}, "rules[0]"),
    ("n > 100 when max is 100", base(max=100) | {"rules": [{"left": "n", "op": ">", "right": 100}]}, "rules[0]"),
    ("a rule on an unknown field", base() | {"rules": [{"left": "x", "op": "<", "right": 1}]}, "rules[0]"),
    ("rules a string", base() | {"rules": "n<n"}, "rules"),
    ("a rule with an unknown operator", base() | {"rules": [{"left": "n", "op": "=<", "right": 1}]}, "rules[0].op"),
    ("percent rule above 100", base(type="percent") | {"rules": [{"left": "n", "op": ">=", "right": 101}]}, "rules[0]"),
]


def _message(exc: ValidationFailed) -> str:
    return "; ".join(f"{d['field']}: {d['message']}" for d in exc.details)


@pytest.mark.parametrize(("what", "data", "path"), BAD, ids=[b[0] for b in BAD])
def test_each_bad_template_is_refused_naming_the_path(what: str, data: Any, path: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_template(data)
    fields = [d["field"] for d in caught.value.details]
    assert any(f == path or f.startswith(path) for f in fields), _message(caught.value)
    assert all(d["message"] for d in caught.value.details)


@pytest.mark.parametrize(("what", "data", "path"), BAD, ids=[b[0] for b in BAD])
def test_the_api_import_answers_422_and_saves_nothing(world: SimpleNamespace, what: str, data: Any, path: str) -> None:
    user = world.national
    _token, secret = token_create(actor=user, membership=Membership.objects.get(user=user), name="t", days=1)
    before = TemplateVersion.objects.count()
    body = json.dumps({"owner_id": world.nation.pk, "template": data, "publish": True}).replace("Infinity", "1e999")
    response = Client(raise_request_exception=False).post(
        "/api/v1/reporting/templates", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert TemplateVersion.objects.count() == before
    assert not ReportTemplate.objects.filter(key="t").exists()


def test_the_upload_page_shows_the_path_and_saves_nothing(client: Client, world: SimpleNamespace) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.national)
    upload = SimpleUploadedFile("t.json", json.dumps([{"key": "t"}]).encode(), content_type="application/json")
    response = client.post("/lagesbild/mallar/", {"file": upload})
    assert response.status_code == 200
    assert "template" in response.content.decode()
    upload = SimpleUploadedFile("t.json", json.dumps(base(options="abc")).encode(), content_type="application/json")
    response = client.post("/lagesbild/mallar/", {"file": upload})
    assert response.status_code == 200 and "fields[0].options" in response.content.decode()
    assert not ReportTemplate.objects.filter(key="t").exists()


def test_every_built_in_template_passes_the_schema() -> None:
    from beredd.collab.services.directions import template_data as direction_template
    from beredd.preparedness.services.self_assessment import template_data as self_assessment_template

    for data in [*BUILTINS, direction_template(), self_assessment_template()]:
        validate_template(data)


def test_a_field_added_in_the_editor_is_checked_and_publish_checks_the_whole(world: SimpleNamespace) -> None:
    user = world.national
    version = templates.template_import(actor=user, owner=world.nation, data=base())
    with pytest.raises(ValidationFailed) as caught:
        templates.template_field_add(
            actor=user, version=version, data={"key": "m", "type": "integer", "label_sv": "M", "min": 5, "max": 1}
        )
    assert caught.value.details[0]["field"] == "min" or "min" in caught.value.details[0]["message"]
    assert version.fields.count() == 1
    templates.template_version_publish(actor=user, version=version)
    assert version.is_published


def test_a_good_template_with_rules_is_accepted(world: SimpleNamespace) -> None:
    data = {
        "key": "ok",
        "fields": [
            {"key": "total", "type": "integer", "label_sv": "Totalt", "min": 0, "required": True},
            {"key": "absent", "type": "integer", "label_sv": "Frånvarande", "min": 0},
        ],
        "rules": [{"left": "absent", "op": "<=", "right": "total"}],
    }
    version = templates.template_import(actor=world.national, owner=world.nation, data=data, publish=True)
    assert version.is_published and version.fields.count() == 2
