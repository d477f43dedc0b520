"""Enforce two-factor authentication for roles that can see personal data.

The rule itself lives in ``policy.requires_mfa``; this only redirects to the MFA set-up page so that no
view is reachable before the second factor exists.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from beredd.accounts import policy

# Until the second factor exists only the set-up itself is reachable: allauth's two-factor pages (set-up,
# passkeys, recovery codes), re-authentication they may ask for, and logging out. Not the rest of
# /accounts/: adding an unverified address at /accounts/email/ first used to block TOTP set-up (issue 9).
_ALLOWED_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/konto/tvafaktor-kravs/",
    "/static/",
    "/healthz",
    "/i18n/",
    "/tillganglighet/",
    "/api/",
    "/admin/logout/",
)


class RequireMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and policy.requires_mfa(user)
            and not policy.has_mfa(user)
        ):
            if request.headers.get("HX-Request"):
                return JsonResponse({"code": "mfa_required"}, status=403)
            return redirect("accounts:mfa-required")
        return self.get_response(request)
