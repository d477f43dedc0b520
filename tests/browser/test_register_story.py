"""Register story in a real browser (issue 5): storm night, activation, call list, county counts, MAS log review.

axe-core runs on every new page (WCAG 2.1 A and AA): zero violations.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.utils import timezone

from beredd.orgs.models import Organisation
from beredd.orgs.services import load_reference
from beredd.register.models import AccessLog, Incident
from beredd.register.tests.helpers import make_person, square

PASSWORD = "Testl0senord-lang!"
SECRET = "JBSWY3DPEHPK3PXP"  # the TOTP secret make_user gives every user


def test_activation_call_list_counts_and_log_review(
    browser_page: Any, live_url: str, assert_accessible: Any, login: Any, make_user: Any, make_unit: Any
) -> None:
    load_reference()
    gavle = Organisation.objects.get(kind="kommun", code="2180")
    lan = Organisation.objects.get(kind="lan", code="21")
    unit = make_unit(gavle, name="Hemtjänst Brynäs", service_kind="hemtjanst")
    people = [
        make_person(gavle, unit, first_name="Ingrid", last_name="Sängström", cannot_evacuate=True),
        make_person(gavle, unit, first_name="Karl", last_name="Respiratorsson", devices={"home_ventilator": 6}),
        make_person(gavle, unit, first_name="Britt", last_name="Syrgasdotter", devices={"oxygen_concentrator": 2}),
        make_person(gavle, unit, first_name="Utanför", last_name="Områdesson", lat=60.75, lon=17.30),
    ]
    make_user(gavle, "coordinator", email="samordnare@gavle.test")
    make_user(gavle, "mas", email="mas@gavle.test")
    make_user(lan, "viewer", email="lan@gavleborg.test")
    page = browser_page

    # Saturday night: the coordinator activates an incident for the outage polygon.
    login(page, "samordnare@gavle.test", PASSWORD, SECRET)
    page.goto(f"{live_url}/register/incidenter/ny/")
    assert_accessible(page)
    page.select_option("#id_kind", "power_cut")
    page.fill("#id_reason", "Storm: elavbrott på Brynäs enligt Gävle Energi")
    page.fill("#id_ends_at", (timezone.localtime() + dt.timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M"))
    # The offline map fills the GeoJSON field from clicks; the story then uses the grid operator's exact polygon.
    area_map = page.locator("#area-map")
    area_map.scroll_into_view_if_needed()
    box = area_map.bounding_box()
    assert box is not None
    for fx, fy in ((0.45, 0.45), (0.55, 0.45), (0.5, 0.55)):
        area_map.click(position={"x": box["width"] * fx, "y": box["height"] * fy})
    drawn = json.loads(page.input_value("#id_area"))
    assert drawn["type"] == "Polygon" and len(drawn["coordinates"][0]) == 4
    assert all(60.2 < lat < 61.1 and 16.7 < lon < 17.4 for lon, lat in drawn["coordinates"][0])
    page.fill("#id_area", json.dumps(square(60.675, 17.14)))
    page.get_by_role("button", name="Aktivera").click()
    page.get_by_text("Händelsen är aktiverad").wait_for()
    assert_accessible(page)

    # The call list: shortest life-sustaining battery first, then other devices, then cannot evacuate.
    page.get_by_role("link", name="Utskrivbar ringlista").click()
    assert_accessible(page)
    page.go_back()
    page.get_by_role("link", name="Ringlista och uppföljning").click()
    names = page.locator(".callist__name").all_inner_texts()
    assert [re.sub(r"^\d+\. ", "", n) for n in names] == ["Britt Syrgasdotter", "Karl Respiratorsson", "Ingrid Sängström"]
    assert_accessible(page)
    page.get_by_text("3 av 3 är ännu inte nådda.").wait_for()
    first = page.locator(".callist__item").first
    first.get_by_role("button", name="Nådd, klarar sig").click()
    page.get_by_text("2 av 3 är ännu inte nådda.").wait_for()
    page.locator(".callist__item").nth(1).get_by_role("button", name="Inte nådd").click()
    page.locator(".callist__item--not_reached").wait_for()
    assert page.get_by_text("2 av 3 är ännu inte nådda.").is_visible()
    page.context.clear_cookies()

    # The county sees counts with small numbers suppressed, and is refused the names.
    login(page, "lan@gavleborg.test", PASSWORD, SECRET)
    page.goto(f"{live_url}/register/antal/")
    assert_accessible(page)
    gavle_row = page.locator("tr", has=page.get_by_role("rowheader", name="Gävle", exact=True))
    assert "<5" in gavle_row.inner_text() and "Syrgasdotter" not in page.content()
    # The incident's progress is suppressed for the county too (3 residents, 2 unreached: both small).
    page.goto(f"{live_url}/register/incidenter/{Incident.objects.get().pk}/")
    page.get_by_text("<5 av <5 är ännu inte nådda.").wait_for()
    assert "2 av 3" not in page.content() and "Syrgasdotter" not in page.content()
    assert_accessible(page)
    response = page.goto(f"{live_url}/register/personer/{people[2].pk}/")
    assert response is not None and response.status == 403
    page.context.clear_cookies()

    # Monday: the MAS reviews the log and downloads one person's log extract.
    login(page, "mas@gavle.test", PASSWORD, SECRET)
    for path in (
        "/register/?purpose=review&q=",
        f"/register/personer/{people[1].pk}/?purpose=review",
        "/register/import/",
        "/register/produkter/",
        f"/register/personer/{people[1].pk}/andra/",
    ):
        page.goto(f"{live_url}{path}")
        assert_accessible(page)
    assert page.input_value("#id_devices-0-device") == "home_ventilator"
    assert page.input_value("#id_devices-0-battery_hours") == "6.0"
    page.goto(f"{live_url}/register/logg/")
    assert_accessible(page)
    table = page.locator("#log-results").inner_text()
    assert "samordnare@gavle.test" in table and "lan@gavleborg.test" in table and "Nekad" in table
    with page.expect_download() as download:
        page.goto(f"{live_url}/register/logg/?person_id={people[2].pk}")
        page.get_by_role("link", name=f"Loggutdrag #{people[2].pk}").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert AccessLog.objects.filter(action="log_extract", person_id=people[2].pk).exists()
    assert AccessLog.objects.filter(action="denied", user_label="lan@gavleborg.test").exists()
