"""Background exports in a real browser: start from the roll-up page, the job page passes axe, the progress bar
is polled while the job waits and focus stays where it was when the panel is swapped."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from beredd.orgs.models import Organisation
from beredd.orgs.services import load_reference
from beredd.reporting.services import rounds as round_services
from beredd.reporting.services.templates import builtin_templates_install
from beredd.site.models import ExportJob

PASSWORD = "Testl0senord-lang!"
SECRET = "JBSWY3DPEHPK3PXP"


def test_export_job_page(
    browser_page: Any,
    live_url: str,
    assert_accessible: Any,
    login: Any,
    make_user: Any,
    make_unit: Any,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.EXPORT_ROOT = tmp_path / "exports"
    load_reference()
    nation = Organisation.objects.get(kind="nation")
    gavle = Organisation.objects.get(kind="kommun", code="2180")
    make_unit(gavle, name="Björkgården")
    national = make_user(nation, "national_admin", email="nationell@sos.test")
    versions = {v.template.key: v for v in builtin_templates_install(owner=nation)}
    now = timezone.now()
    spec = round_services.RoundSpec(
        title="Värmebölja",
        template_version=versions["vaermebolja"],
        responder="unit",
        recipient_roots=[gavle.pk],
        deadline=now + dt.timedelta(hours=5),
    )
    instance = round_services.round_issue(actor=national, issuer=nation, spec=spec).instances.get()

    page = browser_page
    login(page, "nationell@sos.test", PASSWORD, SECRET)
    page.goto(live_url + f"/lagesbild/tillfalle/{instance.pk}/")
    page.get_by_role("button", name="Alla svar i bakgrunden (CSV)").click()
    page.wait_for_url("**/export/*/")
    assert page.locator("#export-progress progress").get_attribute("value") == "100"  # the test backend runs it at once
    assert page.get_by_role("link", name="Hämta").count() == 1
    assert_accessible(page)

    # A job still waiting: the page polls, and when the panel is replaced focus stays on what the user had focused.
    job = ExportJob.objects.create(requested_by=national, kind="answers", fmt="csv", organisation=nation, instance=instance)
    page.goto(live_url + f"/export/{job.pk}/")
    assert "Väntar" in page.locator("#export-progress").inner_text()
    assert_accessible(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement && document.activeElement.outerHTML")
    ExportJob.objects.filter(pk=job.pk).update(status="running", total=10, done=4)
    expect(page.locator("#export-progress progress")).to_have_attribute("value", "40", timeout=10000)
    assert page.evaluate("document.activeElement && document.activeElement.outerHTML") == focused
    assert page.evaluate("document.activeElement !== document.body")
