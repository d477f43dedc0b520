from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from beredd.accounts import login_throttle


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no type hints
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are created only through invitations from an organisation administrator.
        return False

    # Brute-force protection: our own per-(account, source) back-off replaces allauth's per-account lock,
    # which anyone knowing an address could use to lock its owner out (see accounts.login_throttle).
    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        self._login_failed_rl_usage = None
        refusal = login_throttle.check(request, _login_of(credentials))
        if refusal is not None:
            when = formats.time_format(timezone.localtime(refusal.retry_at), "H:i:s")
            if refusal.account_locked:
                message = _(
                    "Too many failed log-ins on this account from unknown devices. Try again after %(time)s, "
                    "log in from a device you have used before, or ask your organisation's administrator to unlock it."
                )
            else:
                message = _("Too many failed log-ins from your device or network. Try again after %(time)s.")
            raise forms.ValidationError(message % {"time": when}, code="too_many_login_attempts")

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        user: AbstractBaseUser | None = super().authenticate(request, **credentials)
        if user is not None:
            login_throttle.record_success(request, _login_of(credentials))
        return user

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        login_throttle.record_failure(request, _login_of(credentials))

    def post_login(self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().post_login(request, user, **kwargs)
        # A device that completed a login (password and any second factor) is never locked out with strangers.
        login_throttle.set_device_cookie(response, str(getattr(user, "email", "")))
        return response

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        # A completed password reset proves control of the mailbox: lift every delay on the account.
        super()._delete_login_attempts_cached_email(request, **credentials)
        login_throttle.clear(login=_login_of(credentials))


def _login_of(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")


class MfaAdapter(DefaultMFAAdapter):  # type: ignore[misc]  # allauth ships no type hints
    def get_public_key_credential_rp_entity(self) -> dict[str, Any]:
        entity: dict[str, Any] = super().get_public_key_credential_rp_entity()
        entity["name"] = "Beredd"
        return entity
