"""Reads for the shell above the domain apps: the audit page and the dashboard's panels."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from beredd.accounts import policy
from beredd.accounts.types import Actor, AuthenticatedHttpRequest
from beredd.collab import dashboard as collab_dashboard
from beredd.command import dashboard as command_dashboard
from beredd.comms import dashboard as comms_dashboard
from beredd.core.exceptions import NotFoundError
from beredd.core.models import AuditEvent
from beredd.orgs.models import Organisation
from beredd.preparedness import dashboard as preparedness_dashboard
from beredd.register import dashboard as register_dashboard
from beredd.reporting import dashboard as reporting_dashboard

# The dashboard's panels, in this order: each app's ``dashboard.panels(request=, org=)``.
DASHBOARD_PANELS: tuple[Callable[..., list[dict[str, Any]]], ...] = (
    reporting_dashboard.panels,
    register_dashboard.panels,
    preparedness_dashboard.panels,
    collab_dashboard.panels,
    comms_dashboard.panels,
    command_dashboard.panels,
)


def audit_list_for_user(
    *,
    user: Actor,
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


def dashboard_panels(*, request: AuthenticatedHttpRequest, org: Organisation | None) -> list[dict[str, Any]]:
    """The panels every domain app contributes for ``org`` (none without an organisation)."""
    panels: list[dict[str, Any]] = []
    if org is None:
        return panels
    for contribute in DASHBOARD_PANELS:
        panels.extend(contribute(request=request, org=org))
    return panels
