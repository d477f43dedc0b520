"""Template keys are slugs (import through the UI and the API), and a key that reached the database before
still makes a download with one safe filename (core.downloads)."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse

from beredd.reporting.models import ReportTemplate, TemplateVersion
from beredd.reporting.services import templates
from beredd.reporting.tests.test_api import bearer

EVIL_KEYS = ['evil";filename="evil.exe', "evil\r\nX-Injected: 1", "evil key", "../evil", "å" * 3, "x" * 65]


def _template(key: str) -> dict[str, Any]:
    return {"key": key, "name": "Test", "fields": [{"key": "n", "type": "integer", "label_sv": "Antal"}]}


@pytest.mark.parametrize("key", EVIL_KEYS)
def test_a_template_key_that_is_no_slug_is_refused_on_import(world: SimpleNamespace, key: str) -> None:
    from beredd.core.exceptions import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        templates.template_import(actor=world.national, owner=world.nation, data=_template(key))
    assert caught.value.details[0]["field"] == "key"
    assert not ReportTemplate.objects.filter(key=key).exists()


def test_the_api_refuses_a_bad_key_with_422_naming_the_field(client: Client, world: SimpleNamespace) -> None:
    response = client.post(
        "/api/v1/reporting/templates",
        json.dumps({"owner_id": world.nation.pk, "template": _template(EVIL_KEYS[0])}),
        content_type="application/json",
        **bearer(world.national),
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["key"]
    assert not ReportTemplate.objects.filter(key=EVIL_KEYS[0]).exists()


@pytest.mark.parametrize("key", EVIL_KEYS[:2])
def test_an_old_bad_key_still_downloads_under_one_safe_name(client: Client, world: SimpleNamespace, key: str) -> None:
    version = TemplateVersion.objects.filter(template__owner=world.nation).first()
    assert version is not None
    ReportTemplate.objects.filter(pk=version.template_id).update(key=key)  # as if stored before validation
    client.force_login(world.national)
    response = client.get(reverse("reporting:template-export", args=[version.pk]))
    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert "\r" not in header and "\n" not in header
    assert len(re.findall(r";\s*filename=", header)) == 1
    star = re.search(r"filename\*=UTF-8''([^;\s]*)", header)
    assert star is not None and len(re.findall(r";\s*filename\*=", header)) == 1
    for name in (unquote(star.group(1)), re.search(r'filename="([^"]*)"', header).group(1)):  # type: ignore[union-attr]
        assert '"' not in name and "\n" not in name and name.endswith(".json")
