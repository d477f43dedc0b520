"""Request context for the audit log (client IP). No business rules here."""

from __future__ import annotations

from collections.abc import Callable

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

        if request.path.startswith("/api/") or not isinstance(exception, DomainError):
            return None
        template = "core/_error_inline.html" if request.headers.get("HX-Request") else "core/error.html"
        return render(request, template, {"status": exception.status, "error": exception}, status=exception.status)
