"""Dashboard panel: printable notices the unit has to hand out, with a button to confirm each one delivered."""

from __future__ import annotations

from typing import Any

from beredd.accounts import policy
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.comms import selectors
from beredd.orgs.models import Organisation

PANEL_ROWS = 5


def panels(*, request: AuthenticatedHttpRequest, org: Organisation) -> list[dict[str, Any]]:
    if not policy.can(request.user, "comms.confirm", org):
        return []
    rows = list(selectors.notices_to_confirm(user=request.user)[: PANEL_ROWS + 1])
    if not rows:
        return []
    return [{"template": "comms/_dashboard_panel.html", "notices": rows[:PANEL_ROWS], "more": len(rows) > PANEL_ROWS}]
