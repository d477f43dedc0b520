"""Backup binders from the page: the unit generates one, its viewer reads and downloads it but may not generate,
and other kommuner and units are refused."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beredd.core.exceptions import PermissionDeniedError
from beredd.preparedness import services
from beredd.preparedness.models import BinderSnapshot

pytestmark = pytest.mark.frozen_now  # the binder lists the heat warning in force and the plan's review date


def test_binder_generation_is_refused_to_outsiders_and_works_for_the_unit(
    client: Client, world: SimpleNamespace, ref: Any, make_user: Any
) -> None:
    url = reverse("preparedness:binder-generate", args=[world.unit.pk])
    client.force_login(make_user(ref["sandviken"], "coordinator"))
    assert client.post(url).status_code == 404
    client.force_login(make_user(world.unit, "reporter"))
    response = client.post(url)
    assert response.status_code == 302
    # A viewer may read and download the unit's binders but not generate one (a write, audited).
    viewer = make_user(world.unit, "viewer")
    client.force_login(viewer)
    download = client.get(response["Location"])
    assert download["Content-Type"] == "application/pdf" and bytes(download.content).startswith(b"%PDF")
    assert client.post(url).status_code == 404
    page = client.get(reverse("preparedness:index") + f"?org={world.unit.pk}").content.decode()
    assert url not in page and response["Location"] in page
    with pytest.raises(PermissionDeniedError):
        services.binder_generate(unit=world.unit, actor=viewer)
    assert BinderSnapshot.objects.filter(unit=world.unit).count() == 1
    client.force_login(make_user(world.private, "viewer"))
    assert client.get(response["Location"]).status_code == 404
