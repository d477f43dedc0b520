"""The shared error summary (templates/core/_form_errors.html): a form POST with errors answers with one
focusable summary linking each message to its field, which static/js/focus.js focuses."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse


def test_a_unit_form_with_errors_gets_a_focusable_summary_linking_to_the_field(
    client: Client, ref: dict[str, Any], make_user: Any
) -> None:
    client.force_login(make_user(ref["gavle"], "org_admin"))
    response = client.post(reverse("orgs:unit-create", args=[ref["gavle"].pk]), {"name": ""})
    html = response.content.decode()
    assert 'id="error-summary"' in html and 'tabindex="-1"' in html
    assert 'href="#id_name"' in html and 'id="id_name"' in html
