"""Roles that must use two-factor reach only its set-up until they have it (issue 9, item 9)."""

import base64
import hashlib
import hmac
import struct
import time
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from beredd.accounts.tests.helpers import login

PASSWORD = "Testl0senord-lang!"


def log_in(client: Client, user: Any) -> None:
    """Through the login form, as a person would (allauth then knows the user just authenticated)."""
    cache.clear()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(user.pk)
    # allauth asks for the password again before any authenticator is added: that page must be reachable.
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def totp_now(secret: str) -> str:
    """RFC 6238, independent of allauth's implementation."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return str((struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**6).zfill(6)


@pytest.mark.parametrize(
    "url",
    ["/accounts/email/", "/accounts/password/change/", "/konto/nycklar/", "/", "/konto/medlemmar/"],
)
def test_a_mas_without_two_factor_is_sent_to_set_up_from_every_other_page(
    client: Client, ref: dict[str, Any], make_user: Any, url: str
) -> None:
    client.force_login(make_user(ref["gavle"], "mas", mfa=False))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa-required")


def test_a_mas_without_two_factor_cannot_add_an_address(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    user = make_user(ref["gavle"], "mas", mfa=False)
    client.force_login(user)
    response = client.post("/accounts/email/", {"action_add": "", "email": "annan@example.se"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:mfa-required")
    assert not EmailAddress.objects.filter(user=user, email="annan@example.se").exists()


@pytest.mark.parametrize(
    "name", ["accounts:mfa-required", "mfa_index", "mfa_activate_totp", "mfa_add_webauthn", "core:accessibility"]
)
def test_the_set_up_pages_stay_reachable(client: Client, ref: dict[str, Any], make_user: Any, name: str) -> None:
    log_in(client, make_user(ref["gavle"], "mas", mfa=False))
    assert client.get(reverse(name)).status_code == 200


def test_logout_stays_reachable(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    client.force_login(make_user(ref["gavle"], "mas", mfa=False))
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_reporter_is_not_held_at_set_up(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    client.force_login(make_user(ref["gavle"], "reporter", mfa=False))
    assert client.get("/accounts/email/").status_code == 200


def test_totp_set_up_works_although_an_unverified_address_exists(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    user = make_user(ref["gavle"], "mas", mfa=False)
    # E.g. added before this fix, or by an import: it must not block the set-up the role requires.
    EmailAddress.objects.create(user=user, email="overifierad@example.se", verified=False, primary=False)
    log_in(client, user)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_now(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get("/accounts/email/").status_code == 200


def test_roles_with_personal_data_must_set_up_mfa(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    login(client, make_user(ref["gavle"], "mas", mfa=False))
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:mfa-required")
    login(client, make_user(ref["gavle"], "reporter", mfa=False))
    assert client.get(reverse("core:dashboard")).status_code == 200
