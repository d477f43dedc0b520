"""API authentication: personal access tokens (Authorization: Bearer bd_...) or the browser session."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from beredd.accounts import policy
from beredd.accounts.services import token_authenticate
from beredd.accounts.types import Actor


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        api_token = token_authenticate(secret=token)
        if api_token is None:
            return None
        user = api_token.user
        # The token acts only with the one membership it is bound to.
        policy.restrict_to_membership(user, api_token.membership)
        request.user = user
        request.api_token = api_token  # type: ignore[attr-defined]  # ninja's signature says HttpRequest; see accounts.types
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session (CSRF-checked for unsafe methods by django-ninja)."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # A request that carries a bearer token, or no session cookie at all, is not a session request: it gets
        # 401 when the token is bad, not a CSRF 403 (there is no session whose CSRF token could be checked).
        if request.headers.get("Authorization") or self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        if key is None:  # not a session request (see _get_key): never authenticate it without the CSRF check
            return None
        user: Actor | AnonymousUser | None = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            if policy.requires_mfa(user) and not policy.has_mfa(user):
                return None
            return user
        return None


token_auth = TokenAuth()
session_auth = SessionAuth()
