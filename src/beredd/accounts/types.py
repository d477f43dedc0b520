"""Types for who acts: the user model as ``Actor`` and a request that is known to have a user.

Services take ``actor: Actor`` (``Actor | None`` where the system itself may act: tasks, the demo, built-in
templates). Views behind ``login_required`` and API operations behind token or session auth take an
``AuthenticatedHttpRequest``, whose ``user`` is a ``User`` (never ``AnonymousUser``) and which carries django-htmx's
``htmx`` details and, for token calls, the ``api_token``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.http import HttpRequest

from beredd.accounts.models import ApiToken, User

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

Actor: TypeAlias = User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
    api_token: ApiToken  # set by api.auth.TokenAuth for token calls only
