"""Dashboard panel: the current level, children that went up recently, open requests handled here."""

from __future__ import annotations

from typing import Any

from beredd.accounts import policy
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.command import selectors
from beredd.orgs.models import Organisation


def panels(*, request: AuthenticatedHttpRequest, org: Organisation | None) -> list[dict[str, Any]]:
    if org is None or not policy.can(request.user, "command.view", org):
        return []
    current = selectors.current_level(organisation=org)
    return [
        {
            "template": "command/_panel.html",
            "command_org": org,
            "current_level": current,
            "raised": selectors.raised_below(user=request.user, org=org),
            "held": selectors.requests_for_user(user=request.user, status="open", held_by=org)[:5],
        }
    ]
