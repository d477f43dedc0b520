"""The REST API at /api/v1/ (OpenAPI document at /api/v1/openapi.json, docs at /api/v1/docs)."""

from __future__ import annotations

from importlib import import_module

from ninja import NinjaAPI

from beredd.api import problems
from beredd.api.auth import session_auth, token_auth
from beredd.api.docs import AccessibleDocs

api = NinjaAPI(
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
)
problems.install(api)

for _app in ("orgs", "accounts", "reporting", "register", "preparedness", "collab", "comms"):
    try:
        _module = import_module(f"beredd.{_app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"beredd.{_app}.api":
            raise
        continue
    api.add_router(f"/{getattr(_module, 'PREFIX', _app)}/", _module.router)
