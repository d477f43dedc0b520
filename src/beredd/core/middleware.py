"""Request context for the audit log (client IP), error pages and input refusals. No business rules here."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from beredd.core.audit import current_ip


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # REMOTE_ADDR is the proxy in production; the proxy's address is what we can vouch for.
        token = current_ip.set(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class DomainErrorMiddleware:
    """Render ``DomainError`` raised by a view as a friendly HTML page with its status code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from beredd.core.exceptions import DomainError

        if request.path.startswith("/api/"):
            return None  # the API's own handlers answer with problem documents
        if isinstance(exception, OperationalError | InterfaceError):
            return database_unavailable(request, exception)
        if not isinstance(exception, DomainError):
            return None
        template = "core/_error_inline.html" if request.headers.get("HX-Request") else "core/error.html"
        return render(request, template, {"status": exception.status, "error": exception}, status=exception.status)


# How long a client should wait before it tries again after the database did not answer (a replica or primary
# restart, a failover, SQLite's busy timeout running out).
RETRY_AFTER_SECONDS = 5
logger = logging.getLogger("beredd.availability")


def database_unavailable(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The page's 503 with Retry-After when the database did not answer: the request's transaction was rolled
    back, so nothing was saved and the user may simply try again. Rendered without touching the database. (The
    API answers the same case with a problem document from its own handlers, ``api/problems.py``.)"""
    from django.template.loader import render_to_string

    logger.warning("Database unavailable for %s %s: %r", request.method, request.path, exception)
    context = {"retry_after": RETRY_AFTER_SECONDS, "request_path": request.get_full_path() if request.method == "GET" else ""}
    response = HttpResponse(render_to_string("core/unavailable.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class RefuseNulMiddleware:
    """Refuse any request whose path, query string or form fields contain a NUL character.

    One place for the whole class: PostgreSQL cannot store or compare NUL (a search for it raised DataError), and
    no real input carries one. API requests get a 422 problem document; pages get Django's 400 page. JSON bodies
    are checked by the API's input schemas (``beredd.api.schemas.InputSchema``); Django form fields already
    refuse NUL.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = self._nul_field(request)
        if field is not None:
            if request.path.startswith("/api/"):
                import json

                body = {
                    "type": "https://beredd.se/problems/validation_failed",
                    "title": "The input is not valid.",
                    "status": 422,
                    "code": "validation_failed",
                    "detail": f"{field} contains a NUL character.",
                    "instance": request.path.replace("\x00", ""),
                    "errors": [{"field": field, "message": "Contains a NUL character.", "type": "nul_character"}],
                }
                return HttpResponse(json.dumps(body), status=422, content_type="application/problem+json")
            from django.core.exceptions import BadRequest

            raise BadRequest(f"{field} contains a NUL character.")
        return self.get_response(request)

    @staticmethod
    def _nul_field(request: HttpRequest) -> str | None:
        if "\x00" in request.path:
            return "path"
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return key.replace("\x00", "") or "query"
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            for key, values in request.POST.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    return key.replace("\x00", "") or "form"
        return None
