"""The access log pages: the kommun's MAS reviews the log, refusals among the anomalies, and downloads a person's
extract as PDF or CSV; a unit's MAS may not."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beredd.core.exceptions import PermissionDeniedError
from beredd.register import services
from beredd.register.tests.helpers import login


def test_the_mas_reviews_the_log_and_downloads_an_extract(client: Client, world: Any, people: dict[str, Any]) -> None:
    services.person_open(user=world.unit_mas, person_id=people["a"].pk, purpose="care")
    with pytest.raises(PermissionDeniedError):  # the refusal is what we want logged
        services.person_open(user=world.lan_coordinator, person_id=people["a"].pk)
    login(client, world.mas)
    page = client.get(reverse("register:log"), {"only_anomalies": "on"})
    assert page.status_code == 200
    assert any("denied" in hints for _e, hints in page.context["rows"])
    pdf = client.get(reverse("register:log-extract", args=[people["a"].pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    csv = client.get(reverse("register:log-extract", args=[people["a"].pk, "csv"]))
    assert world.unit_mas.email.encode() in csv.content
    login(client, world.unit_mas)
    assert client.get(reverse("register:log-extract", args=[people["a"].pk, "csv"])).status_code == 404
