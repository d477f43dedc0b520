from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from beredd.accounts import policy
from beredd.accounts.context import current_org, user_orgs


def org_context(request: HttpRequest) -> dict[str, Any]:
    """Expose the current org and the user's orgs to every template (for the switcher and navigation)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    org = current_org(request)
    return {
        "current_org": org,
        "user_orgs": user_orgs(user),
        "current_roles": sorted(policy.roles_at(user, org)) if org else [],
    }
