"""The REST API at /api/v1/ (OpenAPI document at /api/v1/openapi.json, docs at /api/v1/docs)."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from beredd.accounts import api as accounts_api
from beredd.api import problems
from beredd.api.auth import session_auth, token_auth
from beredd.api.docs import AccessibleDocs
from beredd.collab import api as collab_api
from beredd.command import api as command_api
from beredd.comms import api as comms_api
from beredd.core import views as core_views
from beredd.orgs import api as orgs_api
from beredd.preparedness import api as preparedness_api
from beredd.register import api as register_api
from beredd.reporting import api as reporting_api

api = problems.ProblemAPI(
    title="Beredd API",
    version="1.0.0",
    description=(
        "Situational reporting, organisation tree and preparedness data for Swedish municipal care. "
        "Authenticate with a personal access token: `Authorization: Bearer bd_...`. "
        "Errors are RFC 9457 problem details (application/problem+json)."
    ),
    auth=[token_auth, session_auth],
    urls_namespace="api",
    docs=AccessibleDocs(),
    renderer=problems.FiniteJSONRenderer(),
)
problems.install(api)

# Each app's router under its PREFIX, in this order. A new app with an API is imported above and added here.
for _module in (orgs_api, accounts_api, reporting_api, register_api, preparedness_api, collab_api, comms_api, command_api):
    api.add_router(f"/{_module.PREFIX}/", _module.router)


def server_error(request: HttpRequest) -> HttpResponse:
    """The project's handler500. On the API's paths a database that stopped answering outside a view (before
    ninja's own handlers could see it) gets the API's own answer for it: the 503 problem document with
    Retry-After (``problems.install``). Everything else is ``core.views.error_500``."""
    exception = sys.exc_info()[1]
    if request.path.startswith("/api/") and isinstance(exception, OperationalError | InterfaceError):
        return api.on_exception(request, exception)
    return core_views.error_500(request)
