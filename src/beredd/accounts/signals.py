"""Audit of authentication events. Django and allauth only expose these as signals, so the receivers
here are the one place outside services that write audit rows; they call ``core.audit`` and nothing else."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from beredd.accounts.types import Actor
from beredd.core import audit


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Actor, **kwargs: Any) -> None:
    audit.record(actor=user, action="auth.login", target=user, target_label=user.email)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Actor | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record(actor=user, action="auth.logout", target=user, target_label=user.email)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # The attempted e-mail is recorded so the admin can see attacks on an account; never the password.
    attempted = str(credentials.get("email") or credentials.get("username") or "")[:254]
    audit.record(actor=None, action="auth.login_failed", target_label=attempted, via="ui")


def _mfa_event(action: str) -> Any:
    def handler(sender: Any, request: Any = None, authenticator: Any = None, **kwargs: Any) -> None:
        user = getattr(authenticator, "user", None) or getattr(request, "user", None)
        audit.record(actor=user, action=action, target=authenticator, target_label=getattr(authenticator, "type", ""))

    return handler


def connect_mfa_signals() -> None:
    from allauth.mfa import signals as mfa_signals

    for name, action in (
        ("authenticator_added", "mfa.add"),
        ("authenticator_removed", "mfa.remove"),
        ("authenticator_reset", "mfa.reset"),
    ):
        sig = getattr(mfa_signals, name, None)
        if sig is not None:
            sig.connect(_mfa_event(action), weak=False, dispatch_uid=f"beredd-{action}")
