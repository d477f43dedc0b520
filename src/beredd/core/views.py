from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from beredd.core import selectors


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers (and the task queue is reachable), else 503."""
    checks: dict[str, Any] = {}
    ok = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means unhealthy
        checks["database"] = f"error: {type(exc).__name__}"
        ok = False
    if ok:
        checks["tasks"] = selectors.task_queue_health()
        ok = checks["tasks"]["status"] == "ok"
    return JsonResponse({"status": "ok" if ok else "error", "checks": checks}, status=200 if ok else 503)


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html", {"contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL})


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 404, "exception": exception}, status=404)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 403, "exception": exception}, status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    """The uncaught-error page. A database that stopped answering is the 503 with Retry-After here too: an error
    raised outside a view (a middleware reading the signed-in user from a replica that just died) never reaches
    the view-level handler (``core.middleware``), and must not read as a server fault. (The API's paths are
    answered by ``api.api.server_error``.)"""
    import sys

    from django.db import InterfaceError, OperationalError
    from django.views import defaults

    from beredd.core.middleware import database_unavailable

    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        return database_unavailable(request, exception)
    return defaults.server_error(request)
