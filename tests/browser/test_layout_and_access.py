"""Small screens, the API docs and the two-factor gate in a real browser (issue 9, "A tired user's pass").

- At 375 px the main navigation is collapsed behind a menu button operated by keyboard (aria-expanded).
- At 320 px nothing scrolls sideways on pages that used to (document scrollWidth <= clientWidth).
- /api/v1/docs has no axe violations.
- A role that must use two-factor is sent to its set-up from /accounts/email/.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from beredd.accounts import services as account_services
from beredd.accounts.models import Membership
from beredd.orgs.models import Organisation
from beredd.orgs.services import load_reference
from beredd.reporting.services import rounds as round_services
from beredd.reporting.services import submissions as submission_services
from beredd.reporting.services.templates import builtin_templates_install, template_import

from .test_reporting_pages import EVERY_TYPE

PASSWORD = "Testl0senord-lang!"
SECRET = "JBSWY3DPEHPK3PXP"


def no_sideways_scroll(page: Any) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")


def test_navigation_collapses_behind_a_keyboard_operable_menu_button_at_375px(
    browser_page: Any, live_url: str, login: Any, make_user: Any, assert_accessible: Any
) -> None:
    load_reference()
    gavle = Organisation.objects.get(kind="kommun", code="2180")
    make_user(gavle, "reporter", email="rapportor@test.se", mfa=False)
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, "rapportor@test.se", PASSWORD)
    page.goto(f"{live_url}/")
    toggle = page.locator(".nav-toggle")
    nav = page.locator("#main-nav")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert toggle.get_attribute("aria-controls") == "main-nav"
    assert not nav.is_visible()
    assert_accessible(page)
    # Keyboard only: Tab to the button, Enter opens, Tab reaches the first link, Escape closes and refocuses.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('nav-toggle')"):
            break
    else:
        raise AssertionError("the menu button is not reachable with Tab")
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true" and nav.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#main-nav') !== null")
    assert_accessible(page)
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false" and not nav.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('nav-toggle')")
    # The first screen is not filled by the navigation any more.
    box = page.locator("main h1").first.bounding_box()
    assert box is not None and box["y"] < 740 / 2
    # At desktop width the navigation is simply shown, without the button.
    page.set_viewport_size({"width": 1280, "height": 900})
    # Poll with evaluate: the page's CSP forbids the string predicates that wait_for_function evaluates.
    for _ in range(100):
        if page.evaluate("document.querySelector('.nav-toggle').hidden"):
            break
        page.wait_for_timeout(50)
    assert nav.is_visible() and not toggle.is_visible()


def test_without_javascript_the_navigation_is_shown(_playwright_browser: Any, live_server: Any, make_user: Any) -> None:
    load_reference()
    gavle = Organisation.objects.get(kind="kommun", code="2180")
    make_user(gavle, "reporter", email="utanjs@test.se", mfa=False)
    context = _playwright_browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=login]", "utanjs@test.se")
        page.fill("input[name=password]", PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_load_state()
        page.goto(f"{live_server.url}/")
        assert page.locator("#main-nav").is_visible()
        assert not page.locator(".nav-toggle").is_visible()
    finally:
        context.close()


def test_nothing_scrolls_sideways_at_320px(
    browser_page: Any, live_url: str, login: Any, make_user: Any, make_unit: Any, assert_accessible: Any
) -> None:
    load_reference()
    nation = Organisation.objects.get(kind="nation")
    gavle = Organisation.objects.get(kind="kommun", code="2180")
    unit = make_unit(gavle, name="Björkgården med ett mycket långt verksamhetsnamn utan mellanrum")
    national = make_user(nation, "national_admin", email="nationell.administrator.med.lang.adress@sos.test")
    reporter = make_user(unit, "reporter", email="enhet@test.se")
    mas = make_user(gavle, "mas", email="mas.med.en.lang.adress@gavle.test")
    builtin_templates_install(owner=nation)
    version = template_import(actor=None, owner=nation, data=EVERY_TYPE, publish=True)
    spec = round_services.RoundSpec(
        title="Alla typer",
        template_version=version,
        responder="unit",
        recipient_roots=[gavle.pk],
        deadline=timezone.now() + dt.timedelta(hours=5),
    )
    round_ = round_services.round_issue(actor=national, issuer=nation, spec=spec)
    instance = round_.instances.get()
    submission = instance.submissions.get(organisation=unit)
    submission_services.submission_submit(
        actor=reporter, submission=submission, data={"i": 3, "yn": True, "s": "stab", "short": "Fläktar"}
    )
    membership = Membership.objects.get(user=national)
    account_services.token_create(actor=national, membership=membership, name="Integration med ett långt namn", days=30)

    page = browser_page
    login(page, national.email, PASSWORD, SECRET)
    page.set_viewport_size({"width": 320, "height": 700})
    for path in (
        "/konto/nycklar/",
        "/accounts/2fa/",
        f"/lagesbild/tillfalle/{instance.pk}/",
        f"/lagesbild/tillfalle/{instance.pk}/?org={gavle.parent_id}",
        f"/beredskap/org/{gavle.pk}/varme/",
        "/api/v1/docs",
    ):
        page.goto(live_url + path)
        scroll, client = no_sideways_scroll(page)
        assert scroll <= client, f"{path} scrolls sideways at 320 px: {scroll} > {client}"
        assert_accessible(page)
    # At 1280 px the heat page's JSON example stays inside the page.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_url}/beredskap/org/{gavle.pk}/varme/")
    scroll, client = no_sideways_scroll(page)
    assert scroll <= client
    pre = page.locator("pre").first
    assert pre.evaluate("el => el.scrollWidth <= el.clientWidth + 1")

    page.context.clear_cookies()
    login(page, mas.email, PASSWORD, SECRET)
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(f"{live_url}/register/logg/")
    scroll, client = no_sideways_scroll(page)
    assert scroll <= client, f"/register/logg/ scrolls sideways at 320 px: {scroll} > {client}"
    assert_accessible(page)


def test_api_docs_pass_axe(browser_page: Any, live_url: str, assert_accessible: Any) -> None:
    page = browser_page
    page.goto(f"{live_url}/api/v1/docs")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.locator("code", has_text="GET /api/v1/").count() > 5
    assert_accessible(page)


def test_a_mas_without_two_factor_is_sent_to_set_up_from_the_email_page(
    browser_page: Any, live_url: str, login: Any, make_user: Any, assert_accessible: Any
) -> None:
    load_reference()
    gavle = Organisation.objects.get(kind="kommun", code="2180")
    make_user(gavle, "mas", email="ny.mas@test.se", mfa=False)
    page = browser_page
    login(page, "ny.mas@test.se", PASSWORD)
    page.goto(f"{live_url}/accounts/email/")
    assert page.url.endswith("/konto/tvafaktor-kravs/")
    assert page.locator("input[name=email]").count() == 0
    assert_accessible(page)
