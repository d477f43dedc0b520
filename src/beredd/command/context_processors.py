"""The heightened-alert banner on every page (context processor; reads only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from beredd.command import selectors


def alert_banner(request: HttpRequest) -> dict[str, Any]:
    """The alerts in force over the current organisation (or, without one, the national ones)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from beredd.accounts.context import current_org

    org = current_org(request)
    path = org.path if org is not None else ""
    alerts = [a for a in selectors.alerts_in_force() if (path.startswith(a.scope_path) if path else a.scope.kind == "nation")]
    return {"command_alerts": alerts}
