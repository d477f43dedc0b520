"""Collaboration story, part two (issue 13 items 5–7) in a real browser, with axe-core on every page it visits.

Gävle's MAS records the medical-devices agreement with Region Gävleborg (an end date before the start is refused,
naming the field, focus on the error summary); it ends within the notice period, so it shows on her dashboard and
the daily job mails her a reminder. She reports a measure for the year; the county analyst opens the action plan,
drills down from a number to the measure, and publishes a lesson learned to the county's library, which Gävle's MAS
finds by searching. Nothing scrolls sideways at 320 px.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.utils import timezone

from beredd.collab import tasks
from beredd.collab.models import Agreement, LibraryItem, Measure
from beredd.orgs.models import Organisation
from beredd.orgs.services import load_reference

PASSWORD = "Ett-riktigt-langt-losen-2026"
TOTP = "JBSWY3DPEHPK3PXP"  # make_user's authenticator secret


def _no_sideways_scroll(page: Any) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_agreement_measure_and_library_story(
    browser_page: Any, live_url: str, assert_accessible: Any, login: Any, make_user: Any
) -> None:
    load_reference()
    page = browser_page
    lan = Organisation.objects.get(kind="lan", code="21")
    gavle = Organisation.objects.get(kind="kommun", code="2180")
    region = Organisation.objects.get(kind="region", code="21")
    mas = make_user(gavle, "mas", email="mas@gavle.test", password=PASSWORD)
    analyst = make_user(lan, "coordinator", email="analytiker@test.se", password=PASSWORD)
    today = timezone.localdate()
    year = today.year
    ends = today + dt.timedelta(days=40)

    # The MAS records the agreement; a bad end date is refused naming the field, nothing saved.
    login(page, mas.email, PASSWORD, TOTP)
    page.goto(f"{live_url}/samverkan/avtal/")
    assert_accessible(page)
    _no_sideways_scroll(page)
    with page.expect_navigation():
        page.click("text=Nytt avtal för Gävle")
    assert_accessible(page)
    page.fill("#id_title", "Medicintekniska produkter och hjälpmedel")
    page.select_option("#id_area", "devices")
    page.select_option("#id_parties", label="Region Gävleborg")
    page.fill("#id_valid_from", "2024-06-01")
    page.fill("#id_valid_until", "2024-05-01")
    page.fill("#id_responsible_name", "Maria MAS")
    page.fill("#id_crisis_terms", "Regionen prioriterar syrgas vid elavbrott.")
    with page.expect_navigation():
        page.click("button:has-text('Spara avtal')")
    assert "Slutdatumet får inte vara före startdatumet." in page.content()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "alert"
    assert not Agreement.objects.exists()
    assert_accessible(page)
    page.fill("#id_valid_until", ends.isoformat())
    with page.expect_navigation():
        page.click("button:has-text('Spara avtal')")
    page.wait_for_url("**/samverkan/avtal/*/")
    agreement = Agreement.objects.get()
    assert list(agreement.parties.all()) == [region]
    assert "Löper snart ut eller ska ses över" in page.content()
    assert_accessible(page)
    _no_sideways_scroll(page)

    # It shows on her dashboard, and the daily job reminds her.
    page.goto(f"{live_url}/")
    assert "Avtal som löper ut eller ska ses över" in page.content()
    mail.outbox.clear()
    assert tasks.send_agreement_reminders.call() == 1
    assert mail.outbox[0].to == ["mas@gavle.test"] and "Avtal löper ut" in mail.outbox[0].subject

    # The evidence for the self-assessment's agreement question A1.
    page.goto(f"{live_url}/samverkan/avtal/")
    assert "Underlag för självskattningens frågor om avtal, Gävle" in page.content()

    # She reports a measure for the year.
    page.goto(f"{live_url}/samverkan/org/{gavle.pk}/insats/ny/?year={year}")
    assert_accessible(page)
    _no_sideways_scroll(page)
    page.fill("#id_title", "Planera för 30 dagar utan leveranser")
    page.select_option("#id_priority_area", "planering")
    page.select_option("#id_status", "ongoing")
    page.fill("#id_responsible", "Maria MAS")
    with page.expect_navigation():
        page.click("button:has-text('Spara insats')")
    page.wait_for_url("**/samverkan/insats/*/")
    assert Measure.objects.get().status == "ongoing"
    assert_accessible(page)

    # The county analyst sees the action plan and drills down to the measure; she publishes a lesson learned.
    page.context.clear_cookies()
    login(page, analyst.email, PASSWORD, TOTP)
    page.goto(f"{live_url}/samverkan/insatser/handlingsplan/?org={lan.pk}&year={year}")
    assert "Insatser per prioriterat område" in page.content()
    assert_accessible(page)
    _no_sideways_scroll(page)
    with page.expect_navigation():
        page.click("a[href*='area=planering'][href*='status=ongoing']")
    assert "Planera för 30 dagar utan leveranser" in page.content()
    assert_accessible(page)
    page.goto(f"{live_url}/samverkan/org/{lan.pk}/kunskapsbank/ny/")
    assert_accessible(page)
    page.select_option("#id_kind", "lesson")
    page.fill("#id_title", "Erfarenheter från elavbrottet")
    page.fill("#id_topics", "elavbrott, syrgas")
    with page.expect_navigation():
        page.click("button:has-text('Spara i kunskapsbanken')")
    assert "Beskriv erfarenheten." in page.content() and not LibraryItem.objects.exists()
    page.fill("#id_summary", "Syrgaskoncentratorer behöver en reservrutin.")
    with page.expect_navigation():
        page.click("button:has-text('Spara i kunskapsbanken')")
    page.wait_for_url("**/samverkan/kunskapsbank/*/")
    assert_accessible(page)

    # Gävle's MAS finds it by searching the library.
    page.context.clear_cookies()
    login(page, mas.email, PASSWORD, TOTP)
    page.goto(f"{live_url}/samverkan/kunskapsbank/")
    page.fill("#l-q", "elavbrott")
    with page.expect_navigation():
        page.click("form[role=search] button")
    assert "Erfarenheter från elavbrottet" in page.content()
    assert_accessible(page)
    _no_sideways_scroll(page)
