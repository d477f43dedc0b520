"""Crisis communication story (issue 12) in a real browser, as far as built.

Evening of the storm in Gävle: an approved prepared message in three versions (Swedish, English, Arabic) is sent to
an incident area's units and providers; the page shows the needs counts and no names; two of three units confirm
the printable notice and the sender sees which one is left; the public version appears on the kommun's public page
and as a CAP file that validates against the official CAP 1.2 schema. axe-core runs on every new page.
Meanwhile the county uploads SMHI's warnings file for high temperatures: Beredd proposes a heat activation for the
kommuner the warning area covers, and the county coordinator confirms.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from beredd.comms import cap
from beredd.comms.models import Delivery
from beredd.comms.services import bank
from beredd.orgs.models import Organisation
from beredd.orgs.services import _set_path, load_reference
from beredd.preparedness.models import HeatActivation
from beredd.register import services as register_services
from beredd.register.tests.helpers import make_person, square

PASSWORD = "Ett-riktigt-langt-losen-2026"
TOTP = "JBSWY3DPEHPK3PXP"  # make_user's authenticator secret


def _smhi_file(lat: float, lon: float, d: float = 0.03) -> bytes:
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]
    area = {
        "id": 1,
        "approximateStart": "2027-07-14T10:00:00.000Z",
        "approximateEnd": "2027-07-16T20:00:00.000Z",
        "areaName": {"sv": "Gävle", "en": "Gävle"},
        "warningLevel": {"sv": "Gul", "en": "Yellow", "code": "YELLOW"},
        "affectedAreas": [{"id": 21, "sv": "Gävleborgs län", "en": "Gävleborg County"}],
        "area": {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}}],
        },
    }
    return json.dumps(
        [
            {
                "id": 7,
                "event": {"sv": "Höga temperaturer", "en": "High temperatures", "code": "HIGH_TEMPERATURE"},
                "warningAreas": [area],
            }
        ]
    ).encode()


def _unit(kommun: Organisation, name: str, regi: str = "kommunal") -> Organisation:
    unit = Organisation.objects.create(kind="unit", parent=kommun, name=name, service_kind="hemtjanst", regi=regi)
    _set_path(unit)
    return unit


def test_prepared_message_to_an_incident_area_confirmations_and_public_cap(
    browser_page: Any, live_url: str, assert_accessible: Any, login: Any, make_user: Any
) -> None:
    load_reference()
    page = browser_page
    gavle = Organisation.objects.get(kind="kommun", code="2180")
    units = [_unit(gavle, "Hemtjänst Söder"), _unit(gavle, "Hemtjänst Öster"), _unit(gavle, "Omsorg AB Norr", regi="privat")]
    coord = make_user(gavle, "coordinator", email="kommunikation@gavle.test", password=PASSWORD)
    mas = make_user(gavle, "mas", email="mas@gavle.test", password=PASSWORD)
    staff = [make_user(u, "reporter", email=f"personal{i}@gavle.test", password=PASSWORD, mfa=False) for i, u in enumerate(units)]
    for i in range(9):
        make_person(
            gavle,
            units[i % 3],
            last_name=f"Hemlig{i}",
            language="somaliska" if i < 6 else "",
            interpreter=i < 5,
            vision_impaired=i == 0,
        )
    register_services.incident_activate(
        actor=coord,
        kommun=gavle,
        kind="power_cut",
        reason="Stormen Ylva",
        ends_at=timezone.now() + dt.timedelta(hours=12),
        area_geojson=square(60.675, 17.14),
    )
    item = bank.bank_create(
        actor=mas,
        organisation=gavle,
        title="Strömavbrott – information till dig med hemtjänst",
        scenario="power_cut",
        audience="home_care",
    )
    for language, subject, body in (
        ("sv", "Strömavbrott i {plats}", "Strömmen väntas tillbaka {tid}. Ring hemtjänsten på {telefon}."),
        ("en", "Power cut in {plats}", "Power is expected back {tid}. Call home care on {telefon}."),
        ("ar", "انقطاع الكهرباء في {plats}", "يتوقع عودة الكهرباء {tid}. اتصل بالرعاية المنزلية على {telefon}."),
    ):
        v = bank.version_create(
            actor=mas, bank_message=item, language=language, subject=subject, body=body, is_demo_translation=language != "sv"
        )
        bank.version_review(actor=coord, version=v)
        bank.version_approve(actor=mas, version=v)

    # The communication officer opens the bank and the prepared message: three approved versions.
    login(page, coord.email, PASSWORD, TOTP)
    page.goto(f"{live_url}/kris/bank/")
    assert_accessible(page)
    with page.expect_navigation():  # count the panels of the message's page, not of the list still on screen
        page.click(f"text={item.title}")
    expect(page.locator("section.panel")).to_have_count(3)
    assert page.locator("section.panel").count() == 3 and page.locator('[lang="ar"][dir="rtl"]').count() == 1
    assert_accessible(page)

    # She targets the incident area: counts without names, then sends by e-mail and as printable notices.
    with page.expect_navigation():
        page.click("text=Skicka till ett händelseområde")
    assert_accessible(page)
    body = page.inner_text("main")
    assert "Hemtjänst Söder" in body and "Omsorg AB Norr" in body and "somaliska" in body
    assert "Hemlig" not in body and "Förnamn" not in body
    page.fill("#id_tid", "kl. 18.00")
    page.fill("#id_plats", "Söder och Öster")
    page.fill("#id_telefon", "026-17 80 00")
    with page.expect_navigation():
        page.click("main button[type=submit]:has-text('Skicka')")
    assert_accessible(page)
    assert {m.to[0] for m in mail.outbox if m.subject.startswith("Strömavbrott i")} == {s.email for s in staff}
    notices = Delivery.objects.filter(channel="print")
    assert notices.count() == 3

    # Two units confirm that the notice is delivered.
    for user in staff[:2]:
        page.context.clear_cookies()
        login(page, user.email, PASSWORD)
        page.goto(f"{live_url}/kris/anslag/")
        assert_accessible(page)
        with page.expect_navigation():
            page.click("button:has-text('Bekräfta utdelat')")
        assert page.locator("button:has-text('Bekräfta utdelat')").count() == 0

    # The sender sees who is left.
    page.context.clear_cookies()
    login(page, coord.email, PASSWORD, TOTP)
    message_id = notices.first().message_id
    page.goto(f"{live_url}/kris/meddelande/{message_id}/?status=unconfirmed")
    assert_accessible(page)
    rows = page.locator("main table").nth(1).locator("tbody tr")
    assert rows.count() == 1 and "Omsorg AB Norr" in rows.first.inner_text()
    # Nothing scrolls sideways at 320 px on the sender's pages.
    page.set_viewport_size({"width": 320, "height": 800})
    for path in ("/kris/", f"/kris/meddelande/{message_id}/", f"/kris/bank/{item.pk}/", f"/kris/bank/{item.pk}/skicka/"):
        page.goto(f"{live_url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_url}/kris/")
    assert_accessible(page)

    # The public version: the kommun's page and a CAP file that validates.
    page.goto(f"{live_url}/kris/bank/{item.pk}/publicera/")
    assert_accessible(page)
    page.fill("#id_tid", "kl. 18.00")
    page.fill("#id_plats", "Söder och Öster")
    page.fill("#id_telefon", "026-17 80 00")
    with page.expect_navigation():
        page.click("main button[type=submit]:has-text('Publicera')")
    assert page.url.endswith("/kris/kommun/2180/")
    assert "Strömavbrott i Söder och Öster" in page.inner_text("main")
    assert_accessible(page)
    href = page.locator("main a:has-text('CAP-fil')").first.get_attribute("href")
    xml = page.request.get(f"{live_url}{href}").body()
    assert cap.validation_errors(xml) == []
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The county uploads SMHI's warnings file: a heat activation is proposed for Gävle, and confirmed.
    county = make_user(Organisation.objects.get(kind="lan", code="21"), "coordinator", email="lan@lst.test", password=PASSWORD)
    page.context.clear_cookies()
    login(page, county.email, PASSWORD, TOTP)
    page.goto(f"{live_url}/kris/varningar/")
    assert_accessible(page)
    page.set_input_files(
        "input[type=file]", files=[{"name": "smhi.json", "mimeType": "application/json", "buffer": _smhi_file(60.67, 17.15)}]
    )
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert_accessible(page)
    assert "Gävle" in page.locator("main table").inner_text()
    with page.expect_navigation():
        page.click("text=Bekräfta de valda aktiveringarna")
    assert HeatActivation.objects.filter(organisation=gavle, level="gul").count() == 1
    assert not page.console_errors  # type: ignore[attr-defined]
