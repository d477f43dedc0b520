"""Dashboard panels: the open actions the organisation (or the user by name) owns, until they are closed; the
agreements in the organisation's subtree that end or are due for review within the notice period."""

from __future__ import annotations

from typing import Any

from beredd.accounts import policy
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.collab import selectors
from beredd.orgs.models import Organisation

PANEL_ROWS = 10


def panels(*, request: AuthenticatedHttpRequest, org: Organisation) -> list[dict[str, Any]]:
    if not policy.can(request.user, "collab.view", org):
        return []
    out: list[dict[str, Any]] = []
    actions = selectors.actions_for_owner(user=request.user, org=org, status="open")
    rows = list(actions[: PANEL_ROWS + 1])
    if rows:
        out.append(
            {
                "template": "collab/_dashboard_panel.html",
                "org": org,
                "actions": rows[:PANEL_ROWS],
                "more": len(rows) > PANEL_ROWS,
            }
        )
    agreements = list(selectors.agreements_expiring(user=request.user, org=org)[: PANEL_ROWS + 1])
    if agreements:
        out.append(
            {
                "template": "collab/_dashboard_agreements.html",
                "org": org,
                "agreements": agreements[:PANEL_ROWS],
                "more": len(agreements) > PANEL_ROWS,
            }
        )
    return out
