"""Template pages: list, detail, import and export; a published version is not edited but a new version is; a
kommun's coordinator may neither publish nor reorder the national templates."""

from __future__ import annotations

import json
from types import SimpleNamespace

from django.test import Client
from django.urls import reverse

from beredd.reporting.services import templates
from beredd.reporting.tests.helpers import as_user


def test_templates_list_detail_import_and_export(client: Client, world: SimpleNamespace) -> None:
    as_user(client, world.national)
    assert client.get(reverse("reporting:templates")).status_code == 200
    version = world.templates["bemanning"]
    assert client.get(reverse("reporting:template", args=[version.pk])).status_code == 200
    exported = client.get(reverse("reporting:template-export", args=[version.pk])).json()
    assert [f["key"] for f in exported["fields"]][:2] == ["staff_total", "staff_absent"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("t.json", json.dumps(exported | {"key": "kopia"}).encode(), content_type="application/json")
    response = client.post(reverse("reporting:templates"), {"file": upload})
    assert response.status_code == 302


def test_a_published_version_cannot_be_edited_but_a_new_version_can(client: Client, world: SimpleNamespace) -> None:
    version = world.templates["bemanning"]
    as_user(client, world.national)
    response = client.post(
        reverse("reporting:template", args=[version.pk]),
        {"key": "extra", "label_sv": "Extra", "type": "integer", "rollup": "sum"},
    )
    assert response.status_code == 409
    response = client.post(reverse("reporting:template-action", args=[version.pk, "new-version"]))
    new_id = int(response["Location"].rstrip("/").split("/")[-1])
    response = client.post(
        reverse("reporting:template", args=[new_id]), {"key": "extra", "label_sv": "Extra", "type": "integer", "rollup": "sum"}
    )
    assert response.status_code == 302


def test_a_kommun_coordinator_cannot_edit_national_templates(client: Client, world: SimpleNamespace) -> None:
    version = world.templates["bemanning"]
    response = as_user(client, world.gavle_coord).post(reverse("reporting:template-action", args=[version.pk, "publish"]))
    assert response.status_code == 403


def test_template_fields_cannot_be_moved_by_a_kommun(client: Client, world: SimpleNamespace) -> None:
    version = templates.template_version_new(actor=world.national, version=world.templates["bemanning"])
    field = version.fields.first()
    assert field is not None
    response = as_user(client, world.gavle_coord).post(reverse("reporting:field-action", args=[field.pk, "down"]))
    assert response.status_code == 403
    as_user(client, world.national)
    assert client.post(reverse("reporting:field-action", args=[field.pk, "down"])).status_code == 302
    assert list(version.fields.values_list("key", flat=True))[1] == field.key
