"""Benchmark-only endpoints: the ingest floor (``POST /bench/floor``).

Mounted only by ``beredd.site.bench_urls``, which settings use only when ``BEREDD_BENCH_ENDPOINTS`` is on; settings
refuse that variable in production. The floor is what any authenticated write costs through the same server,
middleware and token check as the submission API: token authentication, one INSERT of the body and a JSON answer,
nothing else. ``benchmarks/reporting.py`` reports the submission rate as a ratio of this rate.

``GET /bench/fragment/<instance_id>`` is the roll-up fragment's baseline: the completeness panel through the same
view, access checks and template as ``reporting:completeness``, computed every time (never from the cache).
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.api.auth import token_auth

TABLE = "beredd_bench_floor"
_ready: set[str] = set()


def ensure_table() -> None:
    """Create the floor's table once per process and database (it is not a model: production never has it)."""
    key = str(connection.settings_dict["NAME"])
    if key in _ready:
        return
    pk = "BIGSERIAL PRIMARY KEY" if connection.vendor == "postgresql" else "INTEGER PRIMARY KEY AUTOINCREMENT"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id {pk}, token_id BIGINT NOT NULL, at TEXT NOT NULL, body TEXT NOT NULL)"
        )
    _ready.add(key)


def rows() -> int:
    ensure_table()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")  # noqa: S608 - constant table name
        return int(cursor.fetchone()[0])


@csrf_exempt
@require_POST
def floor(request: HttpRequest) -> JsonResponse:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    user = token_auth.authenticate(request, secret.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        return JsonResponse({"title": "Unauthorized", "status": 401}, status=401)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"title": "Bad JSON", "status": 400}, status=400)
    ensure_table()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (token_id, at, body) VALUES (%s, %s, %s)",  # noqa: S608 - constant table name
            [request.api_token.pk, timezone.now().isoformat(), json.dumps(body)],  # type: ignore[attr-defined]  # set by TokenAuth above
        )
    return JsonResponse({"stored": True}, status=201)


@login_required
def fragment_uncached(request: AuthenticatedHttpRequest, instance_id: int) -> HttpResponse:
    from beredd.reporting.views.rollup import completeness_fragment

    return completeness_fragment(request, instance_id, cached=False)
