"""Crisis command story (issue 11) in a real browser.

Day two of a storm in Gävleborg: Gävle raises its readiness level and the county board shows it; a nursing home's
request for masks is partly pledged by its kommun, forwarded and merged by the county with Sandviken's, allocated
nationally, and the home sees every step; heightened alert is set and a classified-warning template then demands
the confirmation; the event log holds the decisions. axe-core runs on every new page: zero violations.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from beredd.command.models import ClassifiedConfirmation, SupportRequest
from beredd.command.services import requests as request_services
from beredd.orgs.models import Organisation
from beredd.orgs.services import _set_path, load_reference
from beredd.reporting.models import Submission
from beredd.reporting.services import rounds as round_services
from beredd.reporting.services.submissions import submission_save_draft
from beredd.reporting.services.templates import builtin_templates_install

PASSWORD = "Ett-riktigt-langt-losen-2026"
TOTP = "JBSWY3DPEHPK3PXP"
GOOD = {
    "impact": {"plan": 1, "resources": 0, "load": 0},
    "staff_total": 20,
    "staff_absent": 4,
    "staffing_status": "yellow",
    "assessment": "Ansträngt men hanterbart.",
}


def _as(page: Any, login: Any, user: Any) -> None:
    page.context.clear_cookies()
    login(page, user.email, PASSWORD, TOTP)


# Each action of the request page posts to its own view (command/urls.py).
ACTION_PATHS = {"pledge": "lova", "forward": "skicka-vidare", "allocate": "fordela"}


def _post(page: Any, form: str) -> None:
    with page.expect_navigation():
        page.click(f"form[action$='/{ACTION_PATHS[form]}/'] button[type=submit]")


def test_level_request_chain_alert_and_log_story(
    browser_page: Any, live_url: str, assert_accessible: Any, login: Any, make_user: Any
) -> None:
    load_reference()
    page = browser_page
    nation = Organisation.objects.get(kind="nation")
    lan = Organisation.objects.get(kind="lan", code="21")
    gavle = Organisation.objects.get(kind="kommun", code="2180")
    sandviken = Organisation.objects.get(kind="kommun", code="2181")
    home = Organisation.objects.create(
        kind="unit", parent=gavle, name="Strömsbro äldreboende", service_kind="sabo", regi="kommunal"
    )
    _set_path(home)
    gavle_user = make_user(gavle, "coordinator", email="samordnare@gavle.test", password=PASSWORD)
    county = make_user(lan, "coordinator", email="tib@lst.test", password=PASSWORD)
    national = make_user(nation, "national_admin", email="nationell@sos.test", password=PASSWORD)
    reporter = make_user(home, "reporter", email="chef@stromsbro.test", password=PASSWORD)
    sandviken_user = make_user(sandviken, "coordinator", email="samordnare@sandviken.test", password=PASSWORD)

    # 06:40: Gävle's coordinator raises the level with a reason (a missing reason is named first).
    _as(page, login, gavle_user)
    page.goto(f"{live_url}/ledning/org/{gavle.pk}/lage/")
    assert_accessible(page)
    page.select_option("#id_level", "forstarkning")
    with page.expect_navigation():
        page.click("form button[type=submit]:has-text('Ange läge')")
    assert page.locator("[role=alert]").is_visible() and "Orsak" in page.locator("[role=alert]").inner_text()
    assert_accessible(page)
    page.select_option("#id_level", "forstarkning")
    page.fill("#id_reason", "Storm: hemtjänsten når inte brukarna i Hille")
    with page.expect_navigation():
        page.click("form button[type=submit]:has-text('Ange läge')")
    assert "Förstärkningsläge" in page.content()

    # The county duty officer's board shows it at once, in the table and on the map.
    _as(page, login, county)
    page.goto(f"{live_url}/ledning/?org={lan.pk}&sort=-level")
    row = page.locator("tbody tr").first
    assert "Gävle" in row.inner_text() and "Förstärkningsläge" in row.inner_text() and "höjt" in row.inner_text()
    assert page.locator("svg.level-map path.lv-forstarkning").count() == 1
    assert_accessible(page)

    # The nursing home asks for 400 FFP2 masks within 24 hours (a bad quantity is named first).
    _as(page, login, reporter)
    page.goto(f"{live_url}/ledning/org/{home.pk}/begaran/ny/")
    assert_accessible(page)
    needed = timezone.localtime(timezone.now() + dt.timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M")
    page.select_option("#id_item", "ffp2")
    page.fill("#id_quantity", "0")
    page.fill("#id_unit", "st")
    page.select_option("#id_priority", "acute")
    page.fill("#id_needed_by", needed)
    page.fill("#id_delivery_point", "Strömsbro äldreboende, lastkajen")
    page.fill("#id_contact", "Eva Enhetschef, 070-123 45 67")
    with page.expect_navigation():
        page.click("button:has-text('Skicka begäran')")
    assert "Antal" in page.locator("[role=alert]").inner_text()
    assert_accessible(page)
    page.fill("#id_quantity", "400")
    with page.expect_navigation():
        page.click("button:has-text('Skicka begäran')")
    masks = SupportRequest.objects.get(requester=home)
    assert_accessible(page)

    # Gävle pledges 100 from its own depot and forwards the rest to the county.
    _as(page, login, gavle_user)
    page.goto(f"{live_url}/ledning/begaran/{masks.pk}/")
    assert_accessible(page)
    page.fill("#id_pledge-quantity", "100")
    page.fill("#id_pledge-note", "Ur kommunens beredskapslager")
    _post(page, "pledge")
    page.select_option("#id_fwd-to", label="Gävleborgs län")
    _post(page, "forward")
    masks.refresh_from_db()
    assert masks.holder == lan and masks.covered == 100

    # Sandviken has asked the county too; the county merges both into one county request to the national level.
    other, _ = request_services.request_create(
        actor=sandviken_user,
        requester=sandviken,
        values={
            "item": "ffp2",
            "quantity": 300,
            "unit": "st",
            "priority": "acute",
            "needed_by": timezone.now() + dt.timedelta(hours=30),
            "delivery_point": "Sandvikens förråd",
            "contact": "Sven, 026-24 00 00",
        },
    )
    _as(page, login, county)
    page.goto(f"{live_url}/ledning/begaran/{masks.pk}/")
    with page.expect_navigation():
        page.click("text=Slå ihop med liknande begäranden")
    assert_accessible(page)
    page.select_option("#id_to", label="Sverige")
    page.fill("#id_delivery_point", "Omlastningsplats Gävle hamn")
    page.fill("#id_contact", "TiB Länsstyrelsen Gävleborg, 010-225 10 00")
    with page.expect_navigation():
        page.click("button:has-text('Skicka samlad begäran')")
    joint = SupportRequest.objects.get(requester=lan)
    assert joint.quantity == 600 and joint.merged.count() == 2

    # The national level allocates from another county's offer.
    _as(page, login, national)
    page.goto(f"{live_url}/ledning/begaran/{joint.pk}/")
    assert_accessible(page)
    page.select_option("#id_alloc-supplier", label="Uppsala län")
    page.fill("#id_alloc-quantity", "600")
    _post(page, "allocate")
    page.goto(f"{live_url}/ledning/behov/?org={nation.pk}")
    assert_accessible(page)

    # The nursing home sees every step, who took it and when, and the delivery point.
    _as(page, login, reporter)
    page.goto(f"{live_url}/ledning/begaran/{masks.pk}/")
    steps = page.locator("ol.steps").inner_text()
    for text in (
        "Begäran gjord",
        "Utlovat",
        "Vidarebefordrad uppåt",
        "Sammanslagen",
        "Fördelat",
        "Gävleborgs län",
        "Sverige",
        "Uppsala län",
    ):
        assert text in steps, text
    assert "Omlastningsplats Gävle hamn" in page.content()
    assert_accessible(page)

    # Day four: heightened alert. The national admin sets it; a missing decision reference is named first.
    _as(page, login, national)
    page.goto(f"{live_url}/ledning/hojd-beredskap/")
    assert_accessible(page)
    page.select_option("#id_kind", "skarpt")
    page.select_option("#id_scope", label="Sverige")
    with page.expect_navigation():
        page.click("button:has-text('Ange beredskap')")
    assert "Beslutsreferens" in page.locator("[role=alert]").inner_text()
    page.fill("#id_decision_reference", "Fö2026/01234")
    with page.expect_navigation():
        page.click("button:has-text('Ange beredskap')")
    assert page.locator(".alert-banner").first.is_visible()
    assert_accessible(page)

    # A classified-warning template now demands the respondent's confirmation before submit.
    versions = {v.template.key: v for v in builtin_templates_install(owner=nation)}
    version = versions["vaermebolja"]
    version.template.classified_warning = True
    version.template.save(update_fields=["classified_warning"])
    now = timezone.now()
    round_ = round_services.round_issue(
        actor=national,
        issuer=nation,
        spec=round_services.RoundSpec(
            title="Lägesbild storm",
            template_version=version,
            responder="kommun",
            recipient_roots=[gavle.pk],
            as_of=now,
            deadline=now + dt.timedelta(hours=20),
        ),
    )
    submission = Submission.objects.get(instance__round=round_, organisation=gavle)
    submission_save_draft(actor=gavle_user, submission=submission, data=GOOD)
    _as(page, login, gavle_user)
    page.goto(f"{live_url}/lagesbild/svar/{submission.pk}/")
    assert page.locator(".alert-banner").first.is_visible()
    assert page.locator("#field-classified_confirmed").is_visible()
    assert_accessible(page)
    with page.expect_navigation():
        page.click("button[name=action][value=submit]")
    assert "säkerhetsskyddsklassificerade" in page.content()
    submission.refresh_from_db()
    assert submission.status != "submitted"
    page.check("#field-classified_confirmed")
    with page.expect_navigation():
        page.click("button[name=action][value=submit]")
    submission.refresh_from_db()
    assert submission.status == "submitted" and ClassifiedConfirmation.objects.filter(confirmed_by=gavle_user).count() == 1

    # The event log holds the decisions, timestamped, with who decided.
    page.goto(f"{live_url}/ledning/org/{gavle.pk}/logg/")
    log = page.locator("table").inner_text()
    assert "Förstärkningsläge" in log and "Utlovat" in log and "Vidarebefordrad uppåt" in log
    assert_accessible(page)
    _as(page, login, county)
    page.goto(f"{live_url}/ledning/org/{lan.pk}/logg/")
    assert "Sammanslagen" in page.locator("table").inner_text()
    # At 320 px nothing on the new pages scrolls sideways (tables scroll inside their own box).
    page.set_viewport_size({"width": 320, "height": 700})
    for path in (
        f"/ledning/?org={lan.pk}",
        f"/ledning/begaran/{joint.pk}/",
        f"/ledning/org/{lan.pk}/logg/",
        f"/ledning/behov/?org={lan.pk}",
        "/ledning/hojd-beredskap/",
    ):
        page.goto(f"{live_url}{path}")
        scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client, f"{path} scrolls sideways at 320 px: {scroll} > {client}"

    # The one expected console line: the refused submit (no confirmation) answers 422, as bad input does.
    errors = page.console_errors  # type: ignore[attr-defined]
    assert [e for e in errors if "422" not in e] == [] and len(errors) <= 1
