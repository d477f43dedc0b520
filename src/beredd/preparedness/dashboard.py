"""Dashboard panel: open heat checklists and plans needing review for the org the user works as."""

from __future__ import annotations

from typing import Any

from beredd.accounts import policy
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.orgs.models import Organisation
from beredd.preparedness import selectors


def panels(*, request: AuthenticatedHttpRequest, org: Organisation) -> list[dict[str, Any]]:
    if org.depth < 2 or not policy.can(request.user, "preparedness.view", org):
        return []
    rows = selectors.units_plan_status(user=request.user, org=org)
    return [
        {
            "template": "preparedness/_dashboard_panel.html",
            "org": org,
            "open_notices": list(selectors.heat_notices_open_for_user(user=request.user, org=org)[:10]),
            "lacking": sum(1 for r in rows if not r["meets_oj"]),
            "units": len(rows),
            # Review reminders: plans whose review date is near or passed.
            "review": [r for r in rows if r["status"] in ("due", "overdue")][:10],
        }
    ]
