"""Failed logins are audited, and the brute-force protection cannot be turned into a lock-out of the owner (issue 9,
item 5)."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beredd.accounts import login_throttle
from beredd.accounts.models import LoginThrottle, Membership
from beredd.core.models import AuditEvent

PASSWORD = "Ratt-losenord-2026"
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # allauth's per-address limit on the login view (ACCOUNT_RATE_LIMITS["login"]) lives in the cache.
    cache.clear()


def attempt(client: Client, email: str, password: str, ip: str) -> bool:
    """POST the login form from ``ip``; True when the client is logged in afterwards."""
    client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip)
    return "_auth_user_id" in client.session


def test_an_attacker_failing_from_one_address_does_not_block_the_owner_elsewhere(ref: dict[str, Any], make_user: Any) -> None:
    owner = make_user(ref["gavle"], "mas", email="mas@test.se", password=PASSWORD, mfa=False)
    attacker = Client()
    for _ in range(12):
        assert not attempt(attacker, "mas@test.se", "gissning", ATTACKER)
    # The attacker's own address is now delayed, even with the right password ...
    assert not attempt(attacker, "mas@test.se", PASSWORD, ATTACKER)
    assert login_throttle.check_for(ip=ATTACKER, login="mas@test.se") is not None
    # ... while the owner on another address logs straight in.
    client = Client()
    assert attempt(client, "mas@test.se", PASSWORD, OWNER)
    assert client.session["_auth_user_id"] == str(owner.pk)


def test_the_delay_grows_with_each_failure_and_expires() -> None:
    delays = [login_throttle.delay_after(n) for n in range(1, 12)]
    assert delays[: login_throttle.FREE_FAILURES - 1] == [timedelta(0)] * (login_throttle.FREE_FAILURES - 1)
    grown = delays[login_throttle.FREE_FAILURES - 1 :]
    assert all(later == 2 * earlier for earlier, later in zip(grown, grown[1:], strict=False))
    assert login_throttle.delay_after(100) == login_throttle.MAX_DELAY


@pytest.mark.frozen_now(tick=False)
def test_progressive_delay_is_enforced_per_source(ref: dict[str, Any], make_user: Any, frozen_now: Any) -> None:
    make_user(ref["gavle"], "reporter", email="rep@test.se", password=PASSWORD, mfa=False)
    client = Client()
    start = timezone.now()
    for _ in range(login_throttle.FREE_FAILURES):
        attempt(client, "rep@test.se", "fel", ATTACKER)
    row = LoginThrottle.objects.get(login="rep@test.se", source=f"ip:{ATTACKER}")
    first_wait = row.blocked_until - start
    assert first_wait == login_throttle.BASE_DELAY
    # While waiting, attempts are refused without being counted.
    assert not attempt(client, "rep@test.se", PASSWORD, ATTACKER)
    frozen_now.shift(first_wait + timedelta(seconds=1))
    attempt(client, "rep@test.se", "fel", ATTACKER)
    row.refresh_from_db()
    second_wait = row.blocked_until - timezone.now()
    assert second_wait == 2 * first_wait
    frozen_now.shift(second_wait + timedelta(seconds=1))
    # After the wait the right password works and resets the counter.
    assert attempt(client, "rep@test.se", PASSWORD, ATTACKER)
    assert not LoginThrottle.objects.filter(login="rep@test.se", source=f"ip:{ATTACKER}").exists()


def test_the_owner_gets_an_email_about_a_burst_of_failures(
    ref: dict[str, Any], make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_user(ref["gavle"], "mas", email="mas@test.se", password=PASSWORD, mfa=False)
    mail.outbox.clear()
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(login_throttle.FREE_FAILURES + 3):
            attempt(client, "mas@test.se", "fel", ATTACKER)
    assert len(mail.outbox) == 1  # one message per burst, not one per failure
    message = mail.outbox[0]
    assert message.to == ["mas@test.se"]
    assert ATTACKER in message.body
    assert "/accounts/password/reset/" in message.body


def test_nobody_is_emailed_for_an_unknown_address(django_capture_on_commit_callbacks: Any, db: Any) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(login_throttle.FREE_FAILURES + 1):
            attempt(Client(), "nobody@test.se", "fel", ATTACKER)
    assert mail.outbox == []
    # ... but the address is delayed just the same, so answers do not reveal which accounts exist.
    assert login_throttle.check_for(ip=ATTACKER, login="nobody@test.se") is not None


def test_a_distributed_attack_locks_unknown_devices_but_not_the_owners_device(
    ref: dict[str, Any], make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_user(ref["gavle"], "mas", email="mas@test.se", password=PASSWORD, mfa=False)
    owner = Client()
    assert attempt(owner, "mas@test.se", PASSWORD, OWNER)  # sets the device cookie
    device_cookie = owner.cookies[login_throttle.DEVICE_COOKIE].value
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(login_throttle.ACCOUNT_CAP):
            attempt(Client(), "mas@test.se", "fel", f"192.0.2.{n % 250}")
    assert any("locked" in m.subject or "låst" in m.subject for m in mail.outbox)
    # A new device, even on the owner's own address, is refused now ...
    assert not attempt(Client(), "mas@test.se", PASSWORD, OWNER)
    # ... the owner's known browser is not, even from an address the attacker used.
    known = Client()
    known.cookies[login_throttle.DEVICE_COOKIE] = device_cookie
    assert attempt(known, "mas@test.se", PASSWORD, "192.0.2.1")


def test_an_admin_of_the_users_organisation_unlocks_and_it_is_audited(
    client: Client, ref: dict[str, Any], make_user: Any
) -> None:
    target = make_user(ref["gavle"], "mas", email="mas@test.se", password=PASSWORD, mfa=False)
    for _ in range(login_throttle.FREE_FAILURES):
        attempt(Client(), "mas@test.se", "fel", ATTACKER)
    admin = make_user(ref["gavle"], "org_admin")
    client.force_login(admin)
    page = client.get(reverse("accounts:members"))
    assert reverse("accounts:user-unlock", args=[target.pk]) in page.content.decode()
    response = client.post(reverse("accounts:user-unlock", args=[target.pk]))
    assert response.status_code == 302
    assert not LoginThrottle.objects.filter(login="mas@test.se").exists()
    event = AuditEvent.objects.get(action="user.unlock")
    assert event.actor == admin and event.target_id == str(target.pk)
    assert attempt(Client(), "mas@test.se", PASSWORD, ATTACKER)


def test_an_admin_of_another_organisation_may_not_unlock(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    target = make_user(ref["gavle"], "mas", email="mas@test.se", password=PASSWORD, mfa=False)
    for _ in range(login_throttle.FREE_FAILURES):
        attempt(Client(), "mas@test.se", "fel", ATTACKER)
    client.force_login(make_user(ref["sandviken"], "org_admin"))
    assert client.post(reverse("accounts:user-unlock", args=[target.pk])).status_code == 404
    assert LoginThrottle.objects.filter(login="mas@test.se").exists()
    assert not AuditEvent.objects.filter(action="user.unlock").exists()


def test_unlock_service_refuses_an_admin_of_another_organisation(ref: dict[str, Any], make_user: Any) -> None:
    from beredd.accounts import services
    from beredd.core.exceptions import PermissionDeniedError

    target = make_user(ref["gavle"], "reporter")
    outsider = make_user(ref["sandviken"], "org_admin")
    assert Membership.objects.filter(user=target).count() == 1
    with pytest.raises(PermissionDeniedError):
        services.user_unlock_login(actor=outsider, user=target, organisation=ref["sandviken"])


def test_failed_logins_are_audited(client: Client, ref: dict[str, Any], make_user: Any) -> None:
    make_user(ref["gavle"], "reporter", email="lock@test.se", password="Ratt-losenord-2026", mfa=False)
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "lock@test.se", "password": "fel"})
    assert AuditEvent.objects.filter(action="auth.login_failed", target_label="lock@test.se").count() == 5
    # The delays that follow are tested above.
