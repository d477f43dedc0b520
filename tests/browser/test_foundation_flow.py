"""Foundation story in a real browser: log in → set up TOTP → switch org → change language → log out.

axe-core runs on every page visited (WCAG 2.1 A and AA): zero violations.
"""

from __future__ import annotations

from typing import Any

from beredd.accounts.models import Membership
from beredd.orgs.models import Organisation
from beredd.orgs.services import load_reference

from .conftest import fresh_totp

PASSWORD = "Ett-riktigt-langt-losen-2026"


def test_login_totp_switch_org_language_logout(
    browser_page: Any, live_url: str, assert_accessible: Any, login: Any, make_user: Any
) -> None:
    load_reference()
    gavle = Organisation.objects.get(kind="kommun", code="2180")
    sandviken = Organisation.objects.get(kind="kommun", code="2181")
    user = make_user(gavle, "coordinator", mfa=False, email="samordnare@test.se", password=PASSWORD)
    Membership.objects.create(user=user, organisation=sandviken, role="viewer")
    page = browser_page

    page.goto(f"{live_url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert_accessible(page)
    login(page, "samordnare@test.se", PASSWORD)

    # A coordinator must set up two-factor authentication before anything else.
    assert "/konto/tvafaktor-kravs/" in page.url
    assert_accessible(page)
    page.get_by_role("link", name="Använd en autentiseringsapp").click()
    if page.locator("input[name=password]").count():  # allauth asks to re-authenticate before adding a factor
        assert_accessible(page)
        page.fill("input[name=password]", PASSWORD)
        page.press("input[name=password]", "Enter")
    page.wait_for_selector("#authenticator_secret")
    assert_accessible(page)
    secret = page.input_value("#authenticator_secret")
    page.fill("input[name=code]", fresh_totp("samordnare@test.se", secret))
    page.get_by_role("button", name="Aktivera").click()
    page.wait_for_load_state("networkidle")

    # The dashboard shows both organisations; keyboard-only switch to Sandviken.
    page.goto(f"{live_url}/")
    assert page.get_by_role("heading", name="Översikt").is_visible()
    assert_accessible(page)
    page.focus("#org-switch")
    page.select_option("#org-switch", label="Sandviken")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_text("Du arbetar nu som Sandviken.").wait_for()

    page.goto(f"{live_url}/org/{gavle.pk}/")
    assert_accessible(page)
    # WCAG 1.4.10 reflow: at 320 CSS px nothing scrolls sideways except data tables in their own scroll box.
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_url}/tillganglighet/")
    assert_accessible(page)

    # Change language, then log out.
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_url}/")
    assert "/accounts/login/" in page.url
    assert page.console_errors == []
