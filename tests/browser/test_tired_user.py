"""A tired user's pass (issue 9) in a real browser, with axe on every page visited:

- New round: the recipient tree is searchable and keyboard operable, the preview lists recipients and takes
  focus, issuing lands focus on the message, the round page lists its recipients.
- The 30-second completeness refresh (htmx) keeps keyboard focus where it was, never on the body.
- A POST with errors focuses the error summary; an empty report needs the confirmation checkbox.
- Roll-up: a unit that has not answered is grey "Har inte svarat", never "Kritiskt".
- Nothing of the above scrolls sideways at 320 px.

Screenshots of each page at 1280 and 375 px go to $SCREENSHOT_DIR when it is set (for looking at them).
"""

from __future__ import annotations

import datetime as dt
import os
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
SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def shoot(page: Any, name: str) -> None:
    """Full-page PNGs at 1280 and 375 px (only when SCREENSHOT_DIR is set), then back to 1280."""
    if not SHOTS:
        return
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=os.path.join(SHOTS, f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def fits_320(page: Any) -> None:
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 700})
    scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= client, f"{page.url} scrolls sideways at 320 px: {scroll} > {client}"
    page.set_viewport_size(size)


def active(page: Any) -> dict[str, Any]:
    return page.evaluate(
        "(() => { const a = document.activeElement; return {tag: a.tagName, id: a.id, text: (a.textContent || '').trim(),"
        " inCompleteness: !!a.closest('#completeness'), inMessages: !!a.closest('.messages')}; })()"
    )


def test_new_round_tree_picker_preview_and_recipient_list(
    browser_page: Any, live_url: str, login: Any, make_user: Any, make_unit: Any, assert_accessible: Any
) -> None:
    load_reference()
    nation = Organisation.objects.get(kind="nation")
    sandviken = Organisation.objects.get(kind="kommun", code="2181")
    make_unit(sandviken, name="Sandvikens äldreboende")
    make_unit(sandviken, name="Hemtjänst Sandviken", service_kind="hemtjanst")
    national = make_user(nation, "national_admin", email="nationell@sos.test")
    builtin_templates_install(owner=nation)
    page = browser_page
    login(page, national.email, PASSWORD, SECRET)
    page.goto(f"{live_url}/lagesbild/omgangar/ny/")
    assert page.locator("select[name=recipient_roots]").count() == 0
    assert page.locator("input[name=responder][value=kommun]").is_checked()  # the default for the nation
    assert_accessible(page)
    shoot(page, "round-form")
    fits_320(page)

    search = page.locator("#tree-search")
    assert search.is_visible()
    search.fill("sandv")
    assert page.get_by_label("Sandviken", exact=True).is_visible()
    assert not page.get_by_label("Uppsala län", exact=True).is_visible()
    assert page.locator("#tree-count").inner_text() != ""
    # Keyboard only: from the search box, Tab reaches the county, its summary, then Sandviken; Space checks it.
    search.focus()
    for _ in range(4):
        page.keyboard.press("Tab")
        if active(page)["id"] == f"rr-{sandviken.pk}":
            break
    else:
        raise AssertionError("Sandviken's checkbox is not reachable with Tab after searching")
    page.keyboard.press("Space")
    assert page.locator(f"#rr-{sandviken.pk}").is_checked()
    search.press("Enter")  # Enter in the search box never submits the round
    assert "/omgangar/ny/" in page.url

    page.fill("#id_title", "Lägesbild värmebölja")
    page.select_option("#id_template_version", label="Lägesbild värmebölja (v1)")
    page.check("input[name=responder][value=unit]")
    page.fill("#id_deadline", (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Förhandsgranska mottagare").click()
    page.wait_for_load_state()
    assert active(page)["id"] == "recipient-preview"
    preview = page.locator("#recipient-preview")
    assert "Omgången skulle fråga 2 mottagare" in preview.inner_text()
    assert "Hemtjänst Sandviken" in preview.inner_text()
    assert page.locator(f"#rr-{sandviken.pk}").is_checked()
    assert_accessible(page)
    shoot(page, "round-preview")

    page.get_by_role("button", name="Skicka ut omgången").click()
    page.wait_for_url("**/omgangar/*/")
    assert active(page)["inMessages"]  # focus on the success message, not the body
    assert page.locator("#recipients").get_by_text("Hemtjänst Sandviken").is_visible()
    assert_accessible(page)
    shoot(page, "round-detail")
    fits_320(page)


def test_a_kommun_coordinator_issues_to_units_by_default_and_a_bad_post_focuses_the_error_summary(
    browser_page: Any, live_url: str, login: Any, make_user: Any, make_unit: Any, assert_accessible: Any
) -> None:
    load_reference()
    gavle = Organisation.objects.get(kind="kommun", code="2180")
    make_unit(gavle, name="Björkgården")
    nation = Organisation.objects.get(kind="nation")
    builtin_templates_install(owner=nation)
    coordinator = make_user(gavle, "coordinator", email="samordnare@gavle.test")
    page = browser_page
    login(page, coordinator.email, PASSWORD, SECRET)
    page.goto(f"{live_url}/lagesbild/omgangar/ny/")
    assert page.locator("input[name=responder][value=unit]").is_checked()
    assert page.locator("input[name=responder]").count() == 1
    page.get_by_role("button", name="Skicka ut omgången").click()  # nothing filled in
    page.wait_for_load_state()
    assert active(page)["id"] == "error-summary"
    assert page.locator("#error-summary a[href='#id_title']").count() == 1
    assert_accessible(page)
    shoot(page, "round-form-errors")


def test_empty_report_confirmation_focus_and_the_live_completeness_refresh(
    browser_page: Any, live_url: str, login: Any, make_user: Any, make_unit: Any, assert_accessible: Any
) -> None:
    load_reference()
    nation = Organisation.objects.get(kind="nation")
    gavle = Organisation.objects.get(kind="kommun", code="2180")
    unit = make_unit(gavle, name="Björkgården")
    make_unit(gavle, name="Hemtjänst Gävle", service_kind="hemtjanst")
    national = make_user(nation, "national_admin", email="nationell@sos.test")
    reporter = make_user(unit, "reporter", email="enhet@test.se")
    coordinator = make_user(gavle, "coordinator", email="samordnare@gavle.test")
    versions = {v.template.key: v for v in builtin_templates_install(owner=nation)}
    spec = round_services.RoundSpec(
        title="MSB-rubriker",
        template_version=versions["msb-lagesbild"],
        responder="unit",
        recipient_roots=[gavle.pk],
        deadline=timezone.now() + dt.timedelta(hours=5),
    )
    instance = round_services.round_issue(actor=national, issuer=nation, spec=spec).instances.get()
    heat = round_services.RoundSpec(
        title="Värme",
        template_version=versions["vaermebolja"],
        responder="unit",
        recipient_roots=[gavle.pk],
        deadline=timezone.now() + dt.timedelta(hours=5),
    )
    heat_instance = round_services.round_issue(actor=national, issuer=nation, spec=heat).instances.get()
    submission_services.submission_submit(
        actor=reporter,
        submission=Submission.objects.get(instance=heat_instance, organisation=unit),
        data={
            "impact": {"plan": 0, "resources": 0, "load": 0},
            "staff_total": 20,
            "staff_absent": 1,
            "staffing_status": "red",
        },
    )
    submission = Submission.objects.get(instance=instance, organisation=unit)

    page = browser_page
    login(page, reporter.email, PASSWORD, SECRET)
    page.goto(f"{live_url}/lagesbild/svar/{submission.pk}/")
    page.get_by_role("button", name="Skicka in", exact=True).click()
    page.wait_for_load_state()
    assert active(page)["id"] == "error-summary"
    assert "Rapporten har inga svar" in page.locator("#error-summary").inner_text()
    assert_accessible(page)
    shoot(page, "empty-report-confirm")
    page.get_by_label("Ja, skicka in rapporten utan några svar").check()
    page.get_by_role("button", name="Skicka in", exact=True).click()
    page.wait_for_load_state()
    assert active(page)["inMessages"]
    assert "Du hittar rapporten igen under" in page.content()
    page.goto(f"{live_url}/")
    assert page.get_by_role("link", name="MSB-rubriker #1 – Björkgården").count() == 1  # the way back
    assert "Utfärdad av Sverige" in page.content()
    assert_accessible(page)
    shoot(page, "dashboard")
    fits_320(page)

    page.context.clear_cookies()
    login(page, coordinator.email, PASSWORD, SECRET)
    page.goto(f"{live_url}/lagesbild/tillfalle/{instance.pk}/")
    assert "1 av dem lämnade en tom rapport." in page.locator("#completeness").inner_text()
    page.goto(f"{live_url}/lagesbild/tillfalle/{heat_instance.pk}/")
    badges = {
        row.locator("th").inner_text(): row.locator(".badge").first.inner_text()
        for row in page.locator("#completeness tbody tr").all()
    }
    assert badges == {"Björkgården": "Kritiskt", "Hemtjänst Gävle": "Har inte svarat"}
    assert_accessible(page)
    shoot(page, "rollup-kommun")
    fits_320(page)
    # Keyboard focus on a link in the live table survives the 30-second refresh (run now, through htmx).
    page.context.clear_cookies()
    login(page, national.email, PASSWORD, SECRET)
    page.goto(f"{live_url}/lagesbild/tillfalle/{heat_instance.pk}/?org={gavle.parent_id}")
    assert_accessible(page)
    shoot(page, "rollup-county")
    fits_320(page)
    page.locator("#completeness tbody a", has_text="Gävle").focus()
    before = active(page)
    assert before["inCompleteness"] and before["text"] == "Gävle"
    page.evaluate(
        "() => new Promise(done => { document.addEventListener('htmx:afterSettle', () => setTimeout(done, 50), {once: true});"
        " const panel = document.getElementById('completeness');"
        " htmx.ajax('GET', panel.getAttribute('hx-get'), {target: '#completeness', swap: 'outerHTML'}); })"
    )
    after = active(page)
    assert after["tag"] == "A" and after["inCompleteness"] and after["text"] == "Gävle", after
