"""New round: defaults per level, an error that names what to choose, the recipient tree, a preview before
issuing, issuing through the form (never for a unit's reporter), and the round page's list of recipients (search,
paging)."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beredd.core.exceptions import ValidationFailed
from beredd.reporting.models import Round, Submission
from beredd.reporting.services import rounds as round_services
from beredd.reporting.tests.conftest import issue
from beredd.reporting.tests.helpers import as_user


def form_data(world: SimpleNamespace, **changes: Any) -> dict[str, Any]:
    return {
        "title": "Lägesbild värmebölja",
        "template_version": world.templates["vaermebolja"].pk,
        "deadline": "2099-07-02T10:00",
        "recurrence": "none",
    } | changes


def test_a_kommun_coordinator_gets_units_by_default_and_can_issue_without_changing_it(
    client: Client, world: SimpleNamespace
) -> None:
    client.force_login(world.gavle_coord)
    page = client.get(reverse("reporting:round-create")).content.decode()
    radios = re.findall(r'<input type="radio" name="responder" value="(\w+)"[^>]*?( checked)?>', page)
    assert radios == [("unit", " checked")]  # units only, and chosen
    response = client.post(reverse("reporting:round-create"), form_data(world, responder="unit"))
    assert response.status_code == 302
    assert Round.objects.get().instances.get().submissions.count() == 2  # Gävle's two units


def test_asking_a_level_the_issuer_cannot_ask_names_what_to_choose(world: SimpleNamespace) -> None:
    spec = round_services.RoundSpec(title="x", template_version=world.templates["vaermebolja"], responder="kommun", deadline=None)
    with pytest.raises(ValidationFailed) as caught:
        round_services.round_issue(actor=world.gavle_coord, issuer=world.gavle, spec=spec)
    messages = {d["field"]: d["message"] for d in caught.value.details}
    assert messages["responder"] == "Gävle kan bara fråga organisationer under sig: välj Enheter under ”Vem svarar”."


def test_the_national_form_defaults_to_kommuner_and_nests_kommuner_under_their_county(
    client: Client, world: SimpleNamespace
) -> None:
    client.force_login(world.national)
    page = client.get(reverse("reporting:round-create")).content.decode()
    assert re.search(r'value="kommun"[^>]*checked', page)
    gavleborg, gavle = world.lan.pk, world.gavle.pk
    tree = page[page.index(f'id="rr-{gavleborg}"') :]
    assert tree.index(f'id="rr-{gavle}"') < tree.index("</details>")  # Gävle sits inside Gävleborg's <details>
    assert "<select" not in page[page.index('id="id_recipient_roots"') : page.index('id="wrap-service_kinds"')]
    assert 'id="tree-search"' in page


def test_preview_lists_the_recipients_and_issues_nothing(client: Client, world: SimpleNamespace) -> None:
    client.force_login(world.national)
    data = form_data(world, responder="unit", recipient_roots=[world.sandviken.pk], action="preview")
    response = client.post(reverse("reporting:round-create"), data)
    body = response.content.decode()
    assert response.status_code == 200 and not Round.objects.exists()
    assert "Omgången skulle fråga 2 mottagare" in body
    assert "Sandviken äldreboende" in body and "Sandvikens LSS" in body and "Gävle äldreboende" not in body
    assert f'id="rr-{world.sandviken.pk}" checked' in body  # the choice survives the preview


def test_form_errors_come_back_as_a_focusable_summary_with_links(client: Client, world: SimpleNamespace) -> None:
    client.force_login(world.national)
    response = client.post(reverse("reporting:round-create"), form_data(world, title="", responder="kommun"))
    body = response.content.decode()
    assert response.status_code == 422
    assert 'id="error-summary"' in body and 'tabindex="-1"' in body and 'href="#id_title"' in body


def test_the_round_page_lists_its_recipients_with_search_and_paging(
    client: Client, world: SimpleNamespace, make_unit: Any
) -> None:
    for n in range(60):
        make_unit(world.gavle, name=f"Gruppboende {n:02d}")
    round_ = issue(world)
    client.force_login(world.national)
    url = reverse("reporting:round", args=[round_.pk])
    first = client.get(url).content.decode()
    assert "Mottagare (64)" in first and "Sida 1 av 2" in first
    assert "Gruppboende 00" in first and "Sandvikens LSS" not in first  # by name, 50 a page
    found = client.get(url, {"q": "lss"}).content.decode()
    assert "Sandvikens LSS" in found and "Gruppboende 00" not in found
    assert client.get(url, {"page": "2"}).content.decode().count("<tr><td>") == 14


def test_closing_a_round_confirms_with_a_message_that_takes_focus(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world)
    client.force_login(world.national)
    response = client.post(reverse("reporting:round-action", args=[round_.pk, "close"]), follow=True)
    html = response.content.decode()
    assert '<div class="messages" role="status">' in html and "Omgången har stängts." in html
    assert "js/focus.js" in html  # the one focus module moves focus to the message


def test_national_issues_a_round_through_the_form(client: Client, world: SimpleNamespace) -> None:
    as_user(client, world.national)
    assert client.get(reverse("reporting:round-create")).status_code == 200
    response = client.post(
        reverse("reporting:round-create"),
        {
            "title": "Lägesbild värmebölja",
            "template_version": world.templates["vaermebolja"].pk,
            "responder": "unit",
            "recipient_roots": [world.gavle.pk, world.sandviken.pk],
            "deadline": "2099-07-02T10:00",
            "recurrence": "daily",
            "recurrence_time": "06:00",
            "is_exercise": "on",
        },
    )
    assert response.status_code == 302
    round_ = Round.objects.get()
    assert round_.is_exercise and Submission.objects.filter(instance__round=round_).count() == 4


def test_a_unit_reporter_cannot_open_the_round_form(client: Client, world: SimpleNamespace) -> None:
    assert as_user(client, world.g1_reporter).get(reverse("reporting:round-create")).status_code == 404
