"""Switching the current organisation: refused for an organisation the user does not belong to."""

from typing import Any

from django.test import Client
from django.urls import reverse

from beredd.accounts.tests.helpers import login


def test_switching_to_an_org_you_do_not_belong_to_is_refused(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    login(client, make_user(ref["gavle"], "viewer"))
    assert client.post(reverse("accounts:switch-org"), {"org": ref["sandviken"].pk}).status_code == 404
