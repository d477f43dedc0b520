"""Every page title names the page and its organisation (issue 9, "A tired user's pass")."""

import datetime as dt
import re
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beredd.preparedness import services as prep
from beredd.register import services as register


def title(response: Any) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert match is not None
    return " ".join(match.group(1).split())


def test_editing_a_risk_is_titled_by_the_risk_and_the_kommun(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    coordinator = make_user(ref["gavle"], "coordinator")
    rsa = prep.rsa_create(kommun=ref["gavle"], actor=coordinator, election_year=2022)
    risk = prep.risks_add_from_handbook(rsa=rsa, actor=coordinator)[0]
    client.force_login(coordinator)
    edit = title(client.get(reverse("preparedness:risk-edit", args=[rsa.pk, risk.pk])))
    assert risk.title in edit and "Gävle" in edit
    assert "Ny risk" not in edit
    new = title(client.get(reverse("preparedness:risk-create", args=[rsa.pk])))
    assert new.startswith("Ny risk") and "Gävle" in new


def test_an_incident_is_titled_by_its_kind_time_and_kommun(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    from beredd.register.tests.helpers import square

    coordinator = make_user(ref["gavle"], "coordinator")
    incident = register.incident_activate(
        actor=coordinator,
        kommun=ref["gavle"],
        kind="heat_wave",
        reason="Värme",
        ends_at=timezone.now() + dt.timedelta(days=2),
        area_geojson=square(60.675, 17.14),
    )
    client.force_login(coordinator)
    text = title(client.get(reverse("register:incident-detail", args=[incident.pk])))
    assert text.startswith(incident.get_kind_display()) and "Gävle" in text
    assert not text.startswith("Händelse –")


def test_generic_pages_name_the_current_organisation(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    client.force_login(make_user(ref["gavle"], "org_admin"))
    assert title(client.get(reverse("accounts:tokens"))) == "API-nycklar – Gävle – Beredd"


def test_the_accessibility_statement_has_a_contact_and_diggs_form(client: Client, settings: Any, db: None) -> None:
    settings.ACCESSIBILITY_CONTACT_EMAIL = "tillganglighet@kommun.test"
    html = client.get(reverse("core:accessibility")).content.decode()
    assert 'href="mailto:tillganglighet@kommun.test"' in html
    assert 'href="https://www.digg.se/tdosanmalan"' in html


def test_the_login_page_does_not_offer_the_closed_sign_up(client: Client, db: None) -> None:
    html = client.get(reverse("account_login")).content.decode()
    assert reverse("account_signup") not in html
