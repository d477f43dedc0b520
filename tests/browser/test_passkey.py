"""Passkeys (WebAuthn) in a real browser, using Chromium's virtual authenticator (DevTools protocol).

An MAS registers a passkey as her second factor, logs out, and logs in again with the passkey alone.
"""

from __future__ import annotations

from typing import Any

PASSWORD = "Ett-riktigt-langt-losen-2026"


def test_register_a_passkey_and_log_in_with_it(
    browser_page: Any, live_url: str, assert_accessible: Any, login: Any, make_user: Any, ref: dict[str, Any]
) -> None:
    from allauth.mfa.models import Authenticator

    page = browser_page
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    gavle = ref["gavle"]
    user = make_user(gavle, "mas", mfa=False, email="mas@test.se", password=PASSWORD)

    login(page, "mas@test.se", PASSWORD)
    assert "/konto/tvafaktor-kravs/" in page.url
    page.get_by_role("link", name="Använd en passkey eller säkerhetsnyckel").click()
    if page.locator("input[name=password]").count():
        page.fill("input[name=password]", PASSWORD)
        page.press("input[name=password]", "Enter")
    page.wait_for_selector("#mfa_webauthn_add")
    assert_accessible(page)
    page.fill("input[name=name]", "Min passkey")
    page.check("input[name=passwordless]")
    page.click("#mfa_webauthn_add")
    page.wait_for_url(lambda url: "/webauthn/add" not in url)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).exists()

    # Now the MAS reaches the overview, logs out, and logs back in with the passkey only.
    page.goto(f"{live_url}/")
    assert page.get_by_role("heading", name="Översikt").is_visible()
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_url}/accounts/login/")
    page.click("#passkey_login")
    page.wait_for_url(f"{live_url}/")
    assert page.get_by_role("heading", name="Översikt").is_visible()
