"""RFC 9457 problem details for every API error."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from beredd.core.exceptions import DomainError

PROBLEM_TYPE_BASE = "https://beredd.se/problems/"


def problem(
    api: NinjaAPI, request: HttpRequest, *, status: int, code: str, title: str, detail: str = "", errors: Any = None
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title,
        "status": status,
        "code": code,
        "detail": detail or title,
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def _domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return problem(api, request, status=exc.status, code=exc.code, title=str(exc.message), errors=exc.details)

    @api.exception_handler(NinjaValidationError)
    def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {
                "field": ".".join(str(p) for p in e.get("loc", [])[1:]) or None,
                "message": e.get("msg", ""),
                "type": e.get("type", ""),
            }
            for e in exc.errors
        ]
        return problem(api, request, status=422, code="validation_failed", title="The input is not valid.", errors=errors)

    @api.exception_handler(AuthenticationError)
    def _auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(api, request, status=401, code="unauthorized", title="Authentication required: a valid token or session.")

    @api.exception_handler(Http404)
    def _404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(api, request, status=404, code="not_found", title="Not found.")

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(api, request, status=exc.status_code, code=f"http_{exc.status_code}", title=str(exc))
