"""Heat-wave story in a real browser (issue 4): national issues a round, two kommuner with two units each answer
(one unit corrected after being returned), the county sees correct sums and reaches 100 % only when all have
answered, national publishes feedback and a unit user sees it. axe-core checks every new page.

Each person works in their own browser context, so each logs in once (a TOTP code is not reused).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.utils import timezone

from beredd.orgs.models import Organisation
from beredd.orgs.services import load_reference
from beredd.reporting.services.templates import builtin_templates_install

PASSWORD = "Testl0senord-lang!"
SECRET = "JBSWY3DPEHPK3PXP"


def answer(page: Any, live_url: str, unit_name: str, *, total: int, absent: int, status: str, text: str, ok: bool = True) -> None:
    page.goto(f"{live_url}/lagesbild/")
    page.get_by_role("link", name=f"Lägesbild värmebölja #1 – {unit_name}").click()
    page.select_option("#f-impact-plan", "1")
    page.select_option("#f-impact-resources", "0")
    page.select_option("#f-impact-load", "0")
    page.fill("#f-staff_total", str(total))
    page.fill("#f-staff_absent", str(absent))
    page.select_option("#f-staffing_status", status)
    page.fill("#f-assessment", text)
    page.get_by_role("button", name="Skicka in").click()
    if ok:
        page.get_by_text("Rapporten har skickats in.").wait_for()


def test_heat_wave_round_from_issue_to_feedback(
    browser_page: Any, live_url: str, assert_accessible: Any, login: Any, make_user: Any, make_unit: Any
) -> None:
    load_reference()
    nation = Organisation.objects.get(kind="nation")
    lan = Organisation.objects.get(kind="lan", code="21")
    gavle = Organisation.objects.get(kind="kommun", code="2180")
    sandviken = Organisation.objects.get(kind="kommun", code="2181")
    builtin_templates_install(owner=nation)
    units = {
        "g1": make_unit(gavle, name="Björkgården"),
        "g2": make_unit(gavle, name="Hemtjänst Brynäs", service_kind="hemtjanst"),
        "s1": make_unit(sandviken, name="Ekbackens äldreboende"),
        "s2": make_unit(sandviken, name="Hemtjänst Storvik", service_kind="hemtjanst"),
    }
    make_user(nation, "national_admin", email="nationell@sos.test")
    make_user(lan, "coordinator", email="analytiker@lan.test")
    make_user(gavle, "coordinator", email="samordnare@gavle.test")
    for key, unit in units.items():
        make_user(unit, "reporter", email=f"{key}@enhet.test")
    make_user(units["g1"], "reporter", email="g1b@enhet.test")
    browser = browser_page.context.browser

    def session(email: str) -> Any:
        page = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(15_000)
        login(page, email, PASSWORD, SECRET)
        return page

    # National duty officer issues the round to all units in Gävle and Sandviken.
    national = browser_page
    login(national, "nationell@sos.test", PASSWORD, SECRET)
    national.goto(f"{live_url}/lagesbild/omgangar/ny/")
    assert_accessible(national)
    national.fill("#id_title", "Lägesbild värmebölja")
    national.select_option("#id_template_version", label="Lägesbild värmebölja (v1)")
    national.check("input[name=responder][value=unit]")
    # The recipient tree: search, then tick the two kommuner (the search opens their county).
    for name in ("Gävle", "Sandviken"):
        national.fill("#tree-search", name)
        national.get_by_label(name, exact=True).check()
    national.fill("#tree-search", "")
    national.fill("#id_deadline", (timezone.localtime() + dt.timedelta(hours=20)).strftime("%Y-%m-%dT%H:%M"))
    national.select_option("#id_recurrence", "daily")
    national.fill("#id_recurrence_time", "10:00")
    national.get_by_role("button", name="Skicka ut omgången").click()
    national.get_by_text("Omgången har skickats ut.").wait_for()
    assert_accessible(national)
    national.get_by_role("link", name="#1", exact=False).first.click()
    rollup_url = national.url

    # Three units answer on their phones.
    g1 = session("g1@enhet.test")
    g1.goto(f"{live_url}/lagesbild/")
    assert_accessible(g1)
    answer(g1, live_url, "Björkgården", total=20, absent=25, status="yellow", text="Hög värme, fläktar saknas.", ok=False)
    g1.get_by_text("Frånvarande kan inte vara fler än schemalagd personal.").first.wait_for()  # rule checked on the server
    assert_accessible(g1)
    g1.fill("#f-staff_absent", "5")
    g1.get_by_role("button", name="Skicka in").click()
    g1.get_by_text("Rapporten har skickats in.").wait_for()
    answer(session("g2@enhet.test"), live_url, "Hemtjänst Brynäs", total=10, absent=2, status="green", text="Normalt.")
    answer(session("s1@enhet.test"), live_url, "Ekbackens äldreboende", total=5, absent=1, status="red", text="Kritiskt.")

    # Gävle's coordinator returns Björkgården's report for correction.
    coordinator = session("samordnare@gavle.test")
    coordinator.goto(rollup_url + f"?org={gavle.pk}")
    assert_accessible(coordinator)
    coordinator.get_by_role("link", name="Björkgården").first.click()
    coordinator.fill("#id_comment", "Kontrollera frånvaron, den verkar låg.")
    coordinator.get_by_role("button", name="Returnera för komplettering").click()
    coordinator.get_by_text("Rapporten har returnerats för komplettering.").wait_for()

    # The county analyst watches completeness: not 100 % yet.
    county = session("analytiker@lan.test")
    county.goto(rollup_url + f"?org={lan.pk}")
    assert_accessible(county)
    assert "50 %" in county.locator("#completeness .stat").inner_text()

    # Björkgården corrects, Storvik answers last.
    g1b = session("g1b@enhet.test")
    g1b.goto(f"{live_url}/lagesbild/")
    g1b.get_by_role("link", name="Lägesbild värmebölja #1 – Björkgården").click()
    g1b.get_by_text("Kontrollera frånvaron").wait_for()
    g1b.fill("#f-staff_absent", "8")
    g1b.get_by_role("button", name="Skicka in").click()
    g1b.get_by_text("Rapporten har skickats in.").wait_for()
    county.reload()
    assert "75 %" in county.locator("#completeness .stat").inner_text()
    s2 = session("s2@enhet.test")
    answer(s2, live_url, "Hemtjänst Storvik", total=5, absent=0, status="green", text="Lugnt.")

    county.reload()
    assert "100 %" in county.locator("#completeness .stat").inner_text()
    totals = county.locator("section[aria-labelledby=totals]").locator("tr", has_text="Schemalagd personal i dag")
    assert totals.locator("td.num").inner_text() == "40"
    absent = county.locator("section[aria-labelledby=totals]").locator("tr", has_text="Frånvarande personal i dag")
    assert absent.locator("td.num").inner_text() == "11"
    assert county.get_by_text("Kritiskt.").count() == 1  # free text with org names

    # National publishes the compiled picture with feedback.
    national.goto(rollup_url)
    national.get_by_role("link", name="Skriv samlad lägesbild").click()
    assert_accessible(national)
    national.fill("#id_summary", "Värmeböljan belastar äldreomsorgen i Gävleborg; bemanningen håller.")
    national.fill("#id_assessment", "Läget bedöms stabilt kommande dygn.")
    mail.outbox.clear()
    national.get_by_role("button", name="Publicera till mottagarna").click()
    national.get_by_text("Den samlade lägesbilden har publicerats till mottagarna.").wait_for()
    assert_accessible(national)

    # A unit user sees it on the reporting dashboard and got an e-mail.
    s2.goto(f"{live_url}/lagesbild/")
    s2.get_by_role("link", name="Lägesbild värmebölja #1 – Sverige").click()
    s2.get_by_text("bemanningen håller").wait_for()
    assert_accessible(s2)
    assert "s2@enhet.test" in {address for message in mail.outbox for address in message.to}
