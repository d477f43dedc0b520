"""Dashboard panel: active incidents (counts only) and, for the kommun's MAS, records overdue for review."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from beredd.accounts import policy
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.orgs.models import Organisation
from beredd.register import access, selectors


def panels(*, request: AuthenticatedHttpRequest, org: Organisation) -> list[dict[str, Any]]:
    if not policy.can(request.user, "register.view_counts", org):
        return []
    now = timezone.now()
    incidents = [
        i for i in selectors.incidents_for_user(user=request.user, org=org).filter(ended_at__isnull=True, ends_at__gt=now)[:5]
    ]
    kommun = org if org.kind == Organisation.Kind.KOMMUN else None
    scope = access.identity_scope(request.user, kommun) if kommun else None
    overdue = selectors.overdue_reviews_count(kommun=kommun) if kommun and scope and scope.whole_kommun else None
    if not incidents and overdue is None:
        return []
    return [{"template": "register/_dashboard_panel.html", "incidents": incidents, "overdue": overdue}]
