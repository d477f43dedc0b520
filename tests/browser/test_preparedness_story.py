"""Preparedness story in a real browser.

The county sends the yearly self-assessment (a reporting round); two units and their kommun answer; the kommun sees
its comparison with the county and the nation. The kommun sets a yellow heat warning; a heat-sensitive unit
acknowledges the checklist and the coordinator sees it. axe-core runs on every new page: zero violations.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from beredd.orgs.models import Organisation
from beredd.orgs.services import _set_path, load_reference
from beredd.preparedness import services
from beredd.reporting.models import Submission

PASSWORD = "Ett-riktigt-langt-losen-2026"
TOTP = "JBSWY3DPEHPK3PXP"  # make_user's authenticator secret


def _unit(kommun: Organisation, name: str, kind: str) -> Organisation:
    unit = Organisation.objects.create(kind="unit", parent=kommun, name=name, service_kind=kind, regi="kommunal")
    _set_path(unit)
    return unit


def _answer_all(page: Any, value: str) -> None:
    """Pick ``value`` in every yes/partly/no/n.a. select of the reporting form, then submit."""
    page.evaluate(
        """(value) => document.querySelectorAll('select').forEach(s => {
             if ([...s.options].some(o => o.value === value)) { s.value = value; }
           })""",
        value,
    )
    page.click("button[name=action][value=submit]")
    page.wait_for_load_state("networkidle")


def test_self_assessment_comparison_and_heat_acknowledgement(
    browser_page: Any, live_url: str, assert_accessible: Any, login: Any, make_user: Any
) -> None:
    load_reference()
    lan = Organisation.objects.get(kind="lan", code="21")
    gavle = Organisation.objects.get(kind="kommun", code="2180")
    hot = _unit(gavle, "Strömsbro äldreboende", "sabo")
    home = _unit(gavle, "Hemtjänst Brynäs", "hemtjanst")
    users = {
        "lan": make_user(lan, "coordinator", email="lan@test.se", password=PASSWORD),
        "gavle": make_user(gavle, "coordinator", email="gavle@test.se", password=PASSWORD),
        "gavle2": make_user(gavle, "coordinator", email="gavle2@test.se", password=PASSWORD),
        "hot": make_user(hot, "reporter", email="hot@test.se", password=PASSWORD),
        "home": make_user(home, "reporter", email="home@test.se", password=PASSWORD),
    }
    services.unit_profile_set(unit=hot, actor=users["gavle"], heat_sensitive=True)
    plan = services.plan_create(
        organisation=hot,
        actor=users["gavle"],
        values={
            "title": "Kontinuitetsplan Strömsbro",
            "critical_activities": "Läkemedel",
            "max_tolerable_outage": "4h",
            "owner": "Enhetschef",
            "review_date": dt.date(2030, 1, 1),
        },
    )
    rsa = services.rsa_create(kommun=gavle, actor=users["gavle"], election_year=2022)
    services.risks_add_from_handbook(rsa=rsa, actor=users["gavle"])
    exercise = services.exercise_create(
        organisation=gavle,
        actor=users["gavle"],
        values={"title": "Höstövning", "scenario": "Elavbrott", "held_on": dt.date(2025, 10, 15), "kind": "tabletop"},
    )
    services.lesson_add(
        exercise=exercise,
        actor=users["gavle"],
        values={"description": "Reservkraft saknas", "owner": "Fastighetschef", "due_date": dt.date(2026, 3, 1)},
    )
    page = browser_page

    def as_user(key: str) -> None:
        page.context.clear_cookies()
        login(page, f"{key}@test.se", PASSWORD, totp_secret=TOTP)

    # The county sends the self-assessment to its units and kommuner.
    as_user("lan")
    page.goto(f"{live_url}/beredskap/org/{lan.pk}/sjalvskattning/skicka/")
    assert_accessible(page)
    page.select_option("#id_responder", "both")
    page.fill("#id_deadline", (timezone.localtime() + dt.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"))
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/lagesbild/omgangar/" in page.url
    submissions = {s.organisation_id: s.pk for s in Submission.objects.filter(organisation__in=[gavle, hot, home])}
    assert len(submissions) == 3

    # The kommun answers and sets a yellow heat warning.
    as_user("gavle")
    page.goto(f"{live_url}/lagesbild/svar/{submissions[gavle.pk]}/")
    _answer_all(page, "yes")
    page.goto(f"{live_url}/beredskap/org/{gavle.pk}/varme/")
    assert_accessible(page)
    page.select_option("#id_level", "gul")
    page.fill("#id_valid_from", "2026-06-20")
    page.fill("#id_valid_until", "2026-06-23")
    page.get_by_role("button", name="Ange nivå och skicka checklistor").click()
    page.wait_for_load_state("networkidle")

    # The heat-sensitive unit answers, then finds the heat checklist on its dashboard and acknowledges it.
    as_user("hot")
    page.goto(f"{live_url}/lagesbild/svar/{submissions[hot.pk]}/")
    _answer_all(page, "no")
    page.goto(f"{live_url}/")
    page.get_by_role("link", name="kvittera värmechecklistan").first.click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    for box in page.locator("input[name=items]").all():
        box.check()
    page.get_by_role("button", name="Kvittera").click()
    page.wait_for_load_state("networkidle")
    assert "Värmechecklistan är kvitterad" in page.content()

    as_user("home")
    page.goto(f"{live_url}/lagesbild/svar/{submissions[home.pk]}/")
    _answer_all(page, "partly")

    # The kommun sees its answers beside the county and the nation, and who has acknowledged the heat checklist.
    as_user("gavle2")
    page.goto(f"{live_url}/beredskap/sjalvskattning/?org={gavle.pk}")
    assert_accessible(page)
    row = page.locator("tbody tr", has_text="A1").first
    assert "33 % (3)" in row.inner_text()  # Gävle: yes, no, partly
    assert page.locator("svg[role=img] rect").count() > 0
    assert "Strömsbro äldreboende" in page.locator("main").inner_text()  # lacks plans per its answers
    page.goto(f"{live_url}/beredskap/?org={gavle.pk}")
    assert_accessible(page)
    page.get_by_role("link", name="Gul varning", exact=False).first.click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    assert "1 enheter har kvitterat, 0 har inte gjort det." in page.content()
    for url in (
        f"/beredskap/plan/{plan.pk}/",
        f"/beredskap/rsa/{rsa.pk}/",
        f"/beredskap/rsa/{rsa.pk}/?visa=tabell",
        f"/beredskap/rsa/{rsa.pk}/avsnitt/",
        f"/beredskap/ovning/{exercise.pk}/",
        f"/beredskap/org/{gavle.pk}/utbildning/",
        f"/beredskap/org/{gavle.pk}/ovning/ny/",
        f"/beredskap/kommun/{gavle.pk}/avtal/nytt/",
    ):
        page.goto(f"{live_url}{url}")
        assert_accessible(page)
    assert page.console_errors == []
