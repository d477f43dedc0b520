"""Reads for the shell: audit browsing, dashboard panels, health."""

from __future__ import annotations

import contextlib
import datetime as dt
from importlib import import_module
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from beredd.accounts import policy
from beredd.core.exceptions import NotFoundError
from beredd.core.models import AuditEvent
from beredd.orgs.models import Organisation


def audit_list_for_user(
    *,
    user: Any,
    org: Organisation,
    action: str = "",
    actor: str = "",
    target: str = "",
    date_from: str = "",
    date_to: str = "",
) -> QuerySet[AuditEvent]:
    """Audit events in ``org``'s subtree, newest first. Events about the user's own account are included
    only through the org they concern; failed logins (no org) are visible to national admins."""
    if not policy.can(user, "audit.view", org):
        raise NotFoundError("audit")
    qs = AuditEvent.objects.filter(org_path__startswith=org.path)
    if org.kind == Organisation.Kind.NATION:
        qs = AuditEvent.objects.filter(Q(org_path__startswith=org.path) | Q(org_path=""))
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if target:
        qs = qs.filter(Q(target_label__icontains=target) | Q(target_id=target))
    tz = timezone.get_current_timezone()
    if date_from:
        with contextlib.suppress(ValueError):
            qs = qs.filter(at__gte=dt.datetime.combine(dt.date.fromisoformat(date_from), dt.time.min, tzinfo=tz))
    if date_to:
        with contextlib.suppress(ValueError):
            qs = qs.filter(
                at__lt=dt.datetime.combine(dt.date.fromisoformat(date_to) + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
            )
    return qs.select_related("organisation").order_by("-at", "-id")


def dashboard_panels(*, request: HttpRequest, org: Organisation | None) -> list[dict[str, Any]]:
    """Panels contributed by each domain app (``<app>.dashboard.panels(request=, org=)``), in app order."""
    panels: list[dict[str, Any]] = []
    if org is None:
        return panels
    for app in ("reporting", "register", "preparedness", "collab", "comms"):
        try:
            module = import_module(f"beredd.{app}.dashboard")
        except ModuleNotFoundError:
            continue
        panels.extend(module.panels(request=request, org=org))
    return panels


def task_queue_health() -> dict[str, Any]:
    """Report whether the task queue's table is reachable and how many tasks wait."""
    from django.conf import settings

    backend = settings.TASKS["default"]["BACKEND"]
    if "django_tasks_db" not in backend:
        return {"status": "ok", "backend": backend.rsplit(".", 1)[-1]}
    try:
        from django.db.models import Min, Q
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult, get_date_max

        due = DBTaskResult.objects.ready()
        oldest = due.aggregate(
            at=Min("run_after", filter=~Q(run_after=get_date_max())),
            enqueued=Min("enqueued_at", filter=Q(run_after=get_date_max())),
        )
        waiting = DBTaskResult.objects.filter(status="READY").count()
    except Exception as exc:  # table missing or database error
        return {"status": "error", "error": type(exc).__name__}
    times = [t for t in (oldest["at"], oldest["enqueued"]) if t is not None]
    delay = max(0.0, (timezone.now() - min(times)).total_seconds()) if times else 0.0
    limit = settings.TASKS_MAX_PICKUP_DELAY_S
    out = {"status": "ok", "backend": "database", "waiting": waiting, "oldest_due_s": round(delay, 1), "max_pickup_s": limit}
    if delay > limit:
        # A due task nobody picked up: the worker is down, stuck or dead (e-mails and reminders are waiting).
        out["status"] = "error"
        out["error"] = "worker_not_picking_up"
    return out
