"""The report page's buttons each post to their own URL (HTML ``formaction``) in a real browser, with axe:
"Same as last report" fills in last report's answers and puts focus on the message, "Save draft" saves, and
"Submit" submits; nothing the user typed is lost between them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from beredd.orgs.models import Organisation
from beredd.orgs.services import load_reference
from beredd.reporting.models import Submission
from beredd.reporting.services import rounds as round_services
from beredd.reporting.services import submissions as submission_services
from beredd.reporting.services.templates import builtin_templates_install

PASSWORD = "Testl0senord-lang!"
SECRET = "JBSWY3DPEHPK3PXP"


def test_prefill_save_and_submit_buttons_post_to_their_own_urls(
    browser_page: Any, live_url: str, login: Any, make_user: Any, make_unit: Any, assert_accessible: Any
) -> None:
    load_reference()
    nation = Organisation.objects.get(kind="nation")
    gavle = Organisation.objects.get(kind="kommun", code="2180")
    unit = make_unit(gavle, name="Björkgården")
    national = make_user(nation, "national_admin", email="nationell@sos.test")
    reporter = make_user(unit, "reporter", email="enhet@test.se")
    versions = {v.template.key: v for v in builtin_templates_install(owner=nation)}
    spec = round_services.RoundSpec(
        title="Värme",
        template_version=versions["vaermebolja"],
        responder="unit",
        recipient_roots=[gavle.pk],
        deadline=timezone.now() + dt.timedelta(hours=5),
        recurrence="hours",
        recurrence_hours=24,
    )
    round_ = round_services.round_issue(actor=national, issuer=nation, spec=spec)
    first = Submission.objects.get(instance__round=round_, organisation=unit)
    data = {"impact": {"plan": 0, "resources": 0, "load": 0}, "staff_total": 20, "staff_absent": 1, "staffing_status": "red"}
    submission_services.submission_submit(actor=reporter, submission=first, data=data)
    second = round_services.instance_create_next(round_id=round_.pk, after_number=1)
    submission = Submission.objects.get(instance=second, organisation=unit)

    page = browser_page
    login(page, reporter.email, PASSWORD, SECRET)
    page.goto(f"{live_url}/lagesbild/svar/{submission.pk}/")
    page.get_by_role("button", name="Samma som förra rapporten").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/svar/{submission.pk}/fyll-i-fran-forra/")
    assert "Förra rapportens svar har fyllts i" in page.locator("main .messages").inner_text()
    assert page.evaluate("!!document.activeElement.closest('.messages')")  # focus on the message, not the body
    assert page.locator("#f-staff_total").input_value() == "20"
    assert_accessible(page)
    page.locator("#f-staff_absent").fill("3")
    page.get_by_role("button", name="Spara utkast").click()
    page.wait_for_url(f"**/svar/{submission.pk}/")
    assert "Utkastet har sparats" in page.locator("main .messages").inner_text()
    submission.refresh_from_db()
    assert submission.status == "draft" and submission.draft["staff_total"] == 20 and submission.draft["staff_absent"] == 3
    page.get_by_role("button", name="Skicka in", exact=True).click()
    page.wait_for_url(f"**/svar/{submission.pk}/")
    submission.refresh_from_db()
    assert submission.status == "submitted"
    assert page.evaluate("!!document.activeElement.closest('.messages')")
    assert_accessible(page)
