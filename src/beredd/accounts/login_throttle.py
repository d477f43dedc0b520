"""Brute-force protection for password login that an attacker cannot turn into a lock-out of the owner.

The old rule (five failures lock an account for everyone for 15 minutes) let anyone who knew an e-mail
address lock a MAS out during a crisis. Instead, failures are counted per *source*:

* A source is the client's address (``ip:<REMOTE_ADDR>``) or, when the browser presents a valid
  *device cookie* for the attempted account, that device (``device:<nonce>``). The cookie is set at
  every successful login (OWASP "Slow brute force" / device cookies), so an owner who shares an
  office's NAT address with an attacker is still counted apart from the attacker.
* After ``FREE_FAILURES`` failures from one source, each further failure makes that source wait
  ``BASE_DELAY * 2 ** (failures - FREE_FAILURES)`` seconds (capped at ``MAX_DELAY``) before it may try
  again. Other sources are not affected. A success from the source resets its counter.
* One address failing against many accounts (password spraying) is delayed the same way after
  ``IP_FREE_FAILURES`` failures in all (row ``login="*"``); known devices are exempt.
* Across all sources an account may see ``ACCOUNT_CAP`` failures within ``ACCOUNT_WINDOW`` (far more
  than one source can make under back-off) before it is locked for ``ACCOUNT_LOCK`` for unknown
  sources, i.e. a distributed attack. Browsers with the account's device cookie are never locked out.
* The owner gets one e-mail per ``NOTIFY_INTERVAL`` when a source starts being delayed or the account
  is locked; an administrator of the owner's organisation can unlock from the users page (audited).

Counters are kept for any attempted login name, existing or not, so the answers reveal nothing about
which accounts exist.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from beredd.accounts.models import LoginThrottle, User

FREE_FAILURES = 5
BASE_DELAY = timedelta(seconds=15)
MAX_DELAY = timedelta(hours=1)
ACCOUNT_CAP = 50
ACCOUNT_WINDOW = timedelta(hours=1)
ACCOUNT_LOCK = timedelta(hours=1)
NOTIFY_INTERVAL = timedelta(hours=1)
# A counter with no failure for this long starts again from zero (and its row is deleted).
FORGET_AFTER = timedelta(days=1)
DEVICE_COOKIE = "beredd_device"
DEVICE_COOKIE_AGE = 365 * 24 * 3600
_DEVICE_SALT = "beredd.accounts.device-cookie"
ACCOUNT_SOURCE = "*"
ANY_LOGIN = "*"
IP_FREE_FAILURES = 30


@dataclass(frozen=True)
class Refusal:
    retry_at: datetime
    account_locked: bool


def normalise_login(login: str) -> str:
    value = (login or "").strip().lower()[:254]
    # "*" is reserved for the per-address counter; no e-mail address can be "*".
    return "\\*" if value == ANY_LOGIN else value


def _device_nonce(request: HttpRequest, login: str) -> str | None:
    raw = request.COOKIES.get(DEVICE_COOKIE, "")
    if not raw:
        return None
    try:
        value = signing.loads(raw, salt=_DEVICE_SALT, max_age=DEVICE_COOKIE_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("login") != login or not isinstance(value.get("nonce"), str):
        return None
    return str(value["nonce"])[:64]


def source_of(request: HttpRequest, login: str) -> tuple[str, bool]:
    """The throttling source of a login attempt and whether it is a known device of the account."""
    nonce = _device_nonce(request, login)
    if nonce:
        return f"device:{nonce}", True
    # REMOTE_ADDR is what we can vouch for (the proxy sets it; see core.middleware).
    return f"ip:{request.META.get('REMOTE_ADDR') or 'unknown'}"[:80], False


def delay_after(failures: int, free: int = FREE_FAILURES) -> timedelta:
    """The wait imposed on a source after its ``failures``-th consecutive failure."""
    if failures < free:
        return timedelta(0)
    exponent = min(failures - free, 20)
    delay: timedelta = min(BASE_DELAY * (2**exponent), MAX_DELAY)
    return delay


def check(request: HttpRequest, login: str) -> Refusal | None:
    """Return a refusal when this source (or, for unknown sources, the whole account) must wait."""
    login = normalise_login(login)
    source, known_device = source_of(request, login)
    now = timezone.now()
    blocked = LoginThrottle.objects.filter(blocked_until__gt=now)
    if known_device:
        rows = list(blocked.filter(login=login, source=source))
    else:
        rows = list(
            blocked.filter(login=login, source__in=[source, ACCOUNT_SOURCE]) | blocked.filter(login=ANY_LOGIN, source=source)
        )
    if not rows:
        return None
    latest = max(rows, key=lambda r: r.blocked_until or now)
    return Refusal(retry_at=latest.blocked_until or now, account_locked=latest.source == ACCOUNT_SOURCE)


def check_for(*, ip: str, login: str) -> Refusal | None:
    """``check`` for a bare address (no device cookie): management commands and tests."""
    from django.test import RequestFactory

    return check(RequestFactory().post("/", REMOTE_ADDR=ip), login)


def record_failure(request: HttpRequest, login: str) -> None:
    """Count a failed password for (login, source) and for the account; delay, lock and notify."""
    login = normalise_login(login)
    if not login:
        return
    source, known_device = source_of(request, login)
    now = timezone.now()
    notify_reason = ""
    with transaction.atomic():
        LoginThrottle.objects.filter(login__in=[login, ANY_LOGIN], last_failure_at__lt=now - FORGET_AFTER).delete()
        row = _count(login=login, source=source, now=now, free=FREE_FAILURES)
        if row.failures == FREE_FAILURES:
            notify_reason = "burst"
        if not known_device:
            _count(login=ANY_LOGIN, source=source, now=now, free=IP_FREE_FAILURES)

        account, _created = LoginThrottle.objects.select_for_update().get_or_create(
            login=login, source=ACCOUNT_SOURCE, defaults={"last_failure_at": now, "window_start": now}
        )
        if account.window_start is None or account.window_start < now - ACCOUNT_WINDOW:
            account.window_start = now
            account.failures = 0
        account.failures += 1
        account.last_failure_at = now
        if account.failures >= ACCOUNT_CAP and not known_device:
            if account.blocked_until is None or account.blocked_until <= now:
                notify_reason = "lock"
            account.blocked_until = now + ACCOUNT_LOCK
        fields = ["failures", "last_failure_at", "blocked_until", "window_start"]
        if notify_reason and (account.notified_at is None or account.notified_at < now - NOTIFY_INTERVAL):
            account.notified_at = now
            fields.append("notified_at")
        else:
            notify_reason = ""
        account.save(update_fields=fields)
        if notify_reason:
            reason = notify_reason
            transaction.on_commit(lambda: _notify_owner(login=login, reason=reason, source=source, at=now))


def _count(*, login: str, source: str, now: datetime, free: int) -> LoginThrottle:
    row, _created = LoginThrottle.objects.select_for_update().get_or_create(
        login=login, source=source, defaults={"last_failure_at": now}
    )
    row.failures += 1
    row.last_failure_at = now
    wait = delay_after(row.failures, free)
    row.blocked_until = now + wait if wait else None
    row.save(update_fields=["failures", "last_failure_at", "blocked_until"])
    return row


def record_success(request: HttpRequest, login: str) -> None:
    """A correct password from a source clears that source's counter (never the account-wide one)."""
    login = normalise_login(login)
    source, _known = source_of(request, login)
    LoginThrottle.objects.filter(login=login, source=source).delete()


def clear(*, login: str) -> int:
    """Forget every counter and lock for ``login`` (unlock, password reset). Returns rows removed."""
    deleted, _per_model = LoginThrottle.objects.filter(login=normalise_login(login)).delete()
    return deleted


def is_throttled(*, login: str) -> bool:
    """True when any source or the account itself is being delayed now (shown on the users page)."""
    return LoginThrottle.objects.filter(login=normalise_login(login), blocked_until__gt=timezone.now()).exists()


def throttled_logins(*, logins: list[str]) -> set[str]:
    return set(
        LoginThrottle.objects.filter(
            login__in=[normalise_login(x) for x in logins], blocked_until__gt=timezone.now()
        ).values_list("login", flat=True)
    )


def set_device_cookie(response: HttpResponseBase, login: str) -> None:
    value = signing.dumps({"login": normalise_login(login), "nonce": secrets.token_urlsafe(16)}, salt=_DEVICE_SALT)
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
    )


def _notify_owner(*, login: str, reason: str, source: str, at: datetime) -> None:
    user = User.objects.filter(email__iexact=login, is_active=True).first()
    if user is None:
        return
    from beredd.comms.models import Message
    from beredd.comms.services import mail_send

    mail_send(
        kind=Message.Kind.LOGIN_ALERT,
        to=[user.email],
        subject=gettext_lazy("Beredd: your account was locked")
        if reason == "lock"
        else gettext_lazy("Beredd: failed log-ins on your account"),
        template="accounts/email/login_failures.txt",
        context={
            "user": user,
            "locked": reason == "lock",
            "source": source.removeprefix("ip:") if source.startswith("ip:") else gettext_lazy("a browser you have used before"),
            "at": timezone.localtime(at),
            "free": FREE_FAILURES,
            "cap": ACCOUNT_CAP,
            "reset_link": settings.SITE_URL + reverse("account_reset_password"),
        },
    )
