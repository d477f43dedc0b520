"""Dashboard panel: the open actions the organisation (or the user by name) owns, until they are closed."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from beredd.accounts import policy
from beredd.collab import selectors
from beredd.orgs.models import Organisation

PANEL_ROWS = 10


def panels(*, request: HttpRequest, org: Organisation) -> list[dict[str, Any]]:
    if not policy.can(request.user, "collab.view", org):
        return []
    actions = selectors.actions_for_owner(user=request.user, org=org, status="open")
    rows = list(actions[: PANEL_ROWS + 1])
    if not rows:
        return []
    return [
        {
            "template": "collab/_dashboard_panel.html",
            "org": org,
            "actions": rows[:PANEL_ROWS],
            "more": len(rows) > PANEL_ROWS,
        }
    ]
