"""The phone follow-up page by keyboard (issue 9, a tired user's pass), and no raw codes on the register pages.

Filter "not reached", record "needs help" with a note by keyboard only, and check where focus lands after the
htmx swap (the next person's name; after the last one, the updated count). axe-core on every page.
Set SCREENSHOT_DIR to also save each page at 1280 and 375 px.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

from django.utils import timezone

from beredd.orgs.models import Organisation
from beredd.orgs.services import load_reference
from beredd.register import services
from beredd.register.models import AccessLog, Contact, FollowUp
from beredd.register.tests.helpers import make_person, square

PASSWORD = "Testl0senord-lang!"
SECRET = "JBSWY3DPEHPK3PXP"
CODES = ["needs_help", "not_reached", "reached_ok", "coordinator", "mas", "care", "edit", "call_list", "follow_up"]


def raw_codes(text: str) -> list[str]:
    return [c for c in CODES if re.search(rf"(?<![\w@.-]){re.escape(c)}(?![\w@.-])", text)]


def shoot(page: Any, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if not folder:
        return
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def focused_id(page: Any) -> str:
    return str(page.evaluate("document.activeElement ? document.activeElement.id : ''"))


def wait_for_focus(page: Any, element_id: str) -> None:
    """Poll (the page's CSP forbids the string predicates of wait_for_function) until ``element_id`` has focus."""
    for _ in range(50):
        if focused_id(page) == element_id:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"focus is on {focused_id(page)!r}, not {element_id!r}")


def test_follow_up_by_keyboard_and_labels_not_codes(
    browser_page: Any, live_url: str, assert_accessible: Any, login: Any, make_user: Any, make_unit: Any
) -> None:
    load_reference()
    gavle = Organisation.objects.get(kind="kommun", code="2180")
    unit = make_unit(gavle, name="Hemtjänst Brynäs", service_kind="hemtjanst")
    karl = make_person(
        gavle, unit, first_name="Karl", last_name="Respiratorsson", phone="026-11 22 33", devices={"home_ventilator": 6}
    )
    britt = make_person(gavle, unit, first_name="Britt", last_name="Syrgasdotter", devices={"oxygen_concentrator": 2})
    ingrid = make_person(gavle, unit, first_name="Ingrid", last_name="Sängström", cannot_evacuate=True)
    Contact.objects.create(person=karl, name="Lisa Respiratorsson", phone="070-123 45 67")
    coordinator = make_user(gavle, "coordinator", email="samordnare@gavle.test")
    make_user(gavle, "mas", email="mas@gavle.test")
    make_user(gavle, "org_admin", email="admin@gavle.test")
    incident = services.incident_activate(
        actor=coordinator,
        kommun=gavle,
        kind="power_cut",
        reason="Storm: elavbrott på Brynäs",
        ends_at=timezone.now() + dt.timedelta(hours=12),
        area_geojson=square(60.675, 17.14),
    )
    services.followup_record(user=coordinator, incident=incident, person_id=ingrid.pk, outcome="not_reached")
    order = [r.person_id for r in incident.residents.order_by("rank")]
    assert order == [britt.pk, karl.pk, ingrid.pk]
    page = browser_page
    followup = f"{live_url}/register/incidenter/{incident.pk}/uppfoljning/"

    login(page, "samordnare@gavle.test", PASSWORD, SECRET)
    page.goto(followup)
    assert_accessible(page)
    main = page.locator("main").inner_text()
    assert "Lisa Respiratorsson" in main and "070-123 45 67" in main and "Hemrespirator" in main
    shoot(page, "followup")

    # Filter "not reached" with the keyboard: the select, then Tab to "Visa" and Enter.
    page.focus("#id_show")
    page.select_option("#id_show", "not_reached")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"show=not_reached"))
    names = page.locator(".callist__name").all_inner_texts()
    assert len(names) == 1 and "Sängström" in names[0]
    assert_accessible(page)

    # Back to everyone; record "needs help" with a note for the first person, by keyboard only.
    page.goto(followup)
    page.focus(f"#note-{britt.pk}")
    page.keyboard.type("Behöver reservbatteri till syrgasen")
    page.keyboard.press("Tab")  # "Nådd, allt väl"
    page.keyboard.press("Tab")  # "Behöver hjälp"
    assert page.evaluate("document.activeElement.value") == "needs_help"
    page.keyboard.press("Enter")
    wait_for_focus(page, f"n-{karl.pk}")  # the next person's name, never the body
    row = page.locator(f"#r-{britt.pk}").inner_text()
    assert "Behöver hjälp" in row and "Behöver reservbatteri till syrgasen" in row
    assert FollowUp.objects.get(person_id=britt.pk).note == "Behöver reservbatteri till syrgasen"
    assert AccessLog.objects.filter(action="follow_up", person_id=britt.pk).exists()
    assert "1 av 3" in page.locator("#progress").inner_text() or "2 av 3" in page.locator("#progress").inner_text()

    # The last person: focus goes to the updated count.
    page.focus(f"#r-{ingrid.pk} button[value=reached_ok]")
    page.keyboard.press("Enter")
    wait_for_focus(page, "progress")
    assert_accessible(page)
    assert not page.console_errors  # type: ignore[attr-defined]

    # The printed call list: labels only.
    page.goto(f"{live_url}/register/incidenter/{incident.pk}/ringlista/")
    assert_accessible(page)
    text = page.locator("main").inner_text()
    assert "Behöver hjälp" in text and "Behöver reservbatteri till syrgasen" in text
    assert raw_codes(text) == []
    shoot(page, "call-list")

    # The MAS opens a record (purpose "care"), then reviews the access log: labels only.
    page.context.clear_cookies()
    login(page, "mas@gavle.test", PASSWORD, SECRET)
    page.goto(f"{live_url}/register/personer/{karl.pk}/?purpose=care")
    page.goto(f"{live_url}/register/personer/{karl.pk}/andra/")
    assert_accessible(page)
    shoot(page, "person-form")
    page.goto(f"{live_url}/register/logg/")
    assert_accessible(page)
    text = page.locator("main").inner_text()
    assert "Vård och omsorg" in text and "Samordnare" in text
    assert raw_codes(text) == []
    shoot(page, "access-log")
    page.goto(f"{live_url}/register/export/")
    assert_accessible(page)
    page.get_by_role("button", name="Exportera (CSV)").click()
    wait_for_focus(page, "error-summary")  # after the POST and the page load, focus.js moves focus
    assert_accessible(page)
    shoot(page, "export")

    # The audit log (org admin): action labels and readable changes, no codes or Python values.
    page.context.clear_cookies()
    login(page, "admin@gavle.test", PASSWORD, SECRET)
    page.goto(f"{live_url}/granskning/")
    assert_accessible(page)
    table = page.locator("#audit-results").inner_text()
    assert "Händelse aktiverad" in table and "Typ: Elavbrott" in table and "Övning: Nej" in table
    for raw in ("auth.login", "register.incident_activate", "{", "None", "True"):
        assert raw not in table, raw
    shoot(page, "audit-log")
