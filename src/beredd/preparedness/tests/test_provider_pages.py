"""Provider declarations on the pages: the provider submits this year's declaration on its contract page, and the
county sees the declarations per kommun."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.frozen_now  # a declaration is for the current year


def test_a_provider_submits_its_declaration(client: Client, world: SimpleNamespace, make_user: Any) -> None:
    client.force_login(make_user(world.private, "reporter"))
    assert client.post(reverse("preparedness:contract-detail", args=[world.contract.pk]), {"technical": "on"}).status_code == 302
    assert world.contract.declarations.get(year=timezone.localdate().year).fulfilled_all


def test_the_county_sees_provider_declarations_per_kommun(
    client: Client, world: SimpleNamespace, ref: Any, make_user: Any
) -> None:
    client.force_login(make_user(ref["gavleborg"], "viewer"))
    response = client.get(reverse("preparedness:index") + f"?org={ref['gavleborg'].pk}")
    assert response.context["providers_by_kommun"] == [{"kommun": world.gavle, "ok": 0, "gaps": 0, "missing": 1}]
