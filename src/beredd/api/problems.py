"""RFC 9457 problem details for every API error."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import pydantic
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from pydantic_core import ErrorDetails

from beredd.core.exceptions import DomainError
from beredd.core.middleware import RETRY_AFTER_SECONDS

logger = logging.getLogger("beredd.api")

PROBLEM_TYPE_BASE = "https://beredd.se/problems/"


def problem(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    code: str,
    title: str,
    detail: str = "",
    errors: Sequence[Mapping[str, object]] | None = None,
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


def finite(data: object) -> object:
    """``data`` with every non-finite number (Infinity, NaN) replaced by None: JSON has no such numbers."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, Decimal):
        return data if data.is_finite() else None
    if isinstance(data, dict):
        return {k: finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [finite(v) for v in data]
    return data


class _FiniteEncoder(NinjaJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal) and not o.is_finite():
            return None
        return super().default(o)


class FiniteJSONRenderer(JSONRenderer):
    """Renders strict JSON: non-finite numbers become null, and ``allow_nan=False`` makes any that slip through
    (e.g. inside a custom type) an error instead of the invalid tokens ``Infinity``/``NaN``.

    Almost no response holds a non-finite float, so the data is written as it is, and only when the encoder
    refuses one (ValueError) is it written again from a copy with nulls in their place (``finite``): the
    copy of every response cost as much as writing it."""

    encoder_class = _FiniteEncoder
    json_dumps_params = {"allow_nan": False}

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        try:
            return super().render(request, data, response_status=response_status)
        except ValueError:
            return super().render(request, finite(data), response_status=response_status)


def _pydantic_errors(errors: list[ErrorDetails]) -> list[dict[str, Any]]:
    return [
        {
            "field": ".".join(str(p) for p in e.get("loc", [])) or None,
            "message": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in errors
    ]


def _field_path(loc: Iterable[int | str]) -> list[int | str]:
    parts: list[int | str] = list(loc)
    if parts[:1] == ["body"] and len(parts) > 2:
        return parts[2:]
    return parts[1:]


def install(api: NinjaAPI) -> None:
    """The API's one set of exception handlers: every error becomes a problem document, never HTML.

    Validation-type errors of any origin (ninja's request validation, a pydantic model built in a service,
    Django's ValidationError, ValueError/OverflowError from converting a bad value, a database DataError such
    as a NUL byte or an out-of-range number on PostgreSQL) are 422; an IntegrityError is 409; a database that
    does not answer (OperationalError, InterfaceError) is 503 with Retry-After; anything else is a logged 500
    problem document.
    """

    @api.exception_handler(DomainError)
    def _domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return problem(api, request, status=exc.status, code=exc.code, title=str(exc.message), errors=exc.details)

    @api.exception_handler(NinjaValidationError)
    def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        # loc is (source, [body parameter name,] field path...): name the field as the client wrote it.
        errors = [e | {"field": ".".join(str(p) for p in _field_path(e.get("loc", []))) or None} for e in exc.errors]
        errors = [{"field": e["field"], "message": e.get("msg", ""), "type": e.get("type", "")} for e in errors]
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

    @api.exception_handler(pydantic.ValidationError)
    def _pydantic(request: HttpRequest, exc: pydantic.ValidationError) -> HttpResponse:
        errors = _pydantic_errors(exc.errors(include_url=False, include_context=False, include_input=False))
        return problem(api, request, status=422, code="validation_failed", title="The input is not valid.", errors=errors)

    @api.exception_handler(DjangoValidationError)
    def _django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors = [{"field": None, "message": str(m), "type": "invalid"} for m in exc.messages]
        return problem(api, request, status=422, code="validation_failed", title="The input is not valid.", errors=errors)

    def _bad_value(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        logger.info("API input refused as a bad value: %s %s: %r", request.method, request.path, exc)
        return problem(
            api,
            request,
            status=422,
            code="validation_failed",
            title="The input is not valid.",
            detail="A value is out of range or of the wrong kind.",
        )

    for exc_class in (ValueError, OverflowError, DataError):
        api.add_exception_handler(exc_class, _bad_value)

    @api.exception_handler(IntegrityError)
    def _integrity(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        logger.warning("API write refused by a database constraint: %s %s: %r", request.method, request.path, exc)
        return problem(
            api, request, status=409, code="conflict", title="The request conflicts with the stored data or one of its rules."
        )

    def _unavailable(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        # The transaction was rolled back: nothing was saved, and a retry (with the same Idempotency-Key) is safe.
        logger.warning("Database unavailable for API %s %s: %r", request.method, request.path, exc)
        title = "The database did not answer; nothing was saved. Try again shortly."
        response = problem(api, request, status=503, code="service_unavailable", title=title)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    for unavailable in (OperationalError, InterfaceError):
        api.add_exception_handler(unavailable, _unavailable)

    @api.exception_handler(Exception)
    def _unhandled(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unhandled API error: %s %s", request.method, request.path)
        return problem(api, request, status=500, code="server_error", title="Something went wrong on the server.")


# The problem answers every operation can give, declared once for the whole OpenAPI document.
PROBLEM_RESPONSES = {
    400: "Bad request (problem details).",
    401: "No valid token or session (problem details).",
    403: "Not allowed for the caller's role or organisation (problem details).",
    404: "Not found, or not visible to the caller (problem details).",
    409: "Conflict: a stale version, a closed round or a stored rule (problem details).",
    422: "The input is not valid; `errors` names each field (problem details).",
    503: "The database did not answer; nothing was saved; try again after Retry-After seconds (problem details).",
}
PROBLEM_SCHEMA = {
    "title": "Problem",
    "description": "RFC 9457 problem details.",
    "type": "object",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    "message": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
    "required": ["type", "title", "status", "code"],
}


def declare_problem_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the Problem schema and the 400/401/403/404/409/422 problem responses to every operation."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    content = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            for status, description in PROBLEM_RESPONSES.items():
                # int keys like ninja's own (200, 201), so the docs page can sort them
                if status not in responses and str(status) not in responses:
                    responses[status] = {"description": description, "content": content}
    return schema


class ProblemAPI(NinjaAPI):
    """The NinjaAPI whose OpenAPI document declares the problem answers of every operation."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        declare_problem_responses(schema)
        return schema
