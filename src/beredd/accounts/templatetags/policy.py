"""Template access to the one policy module: ``{% can "perm" org as allowed %}``."""

from __future__ import annotations

from typing import Any

from django import template

from beredd.accounts import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context: template.Context, permission: str, org: Any) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user is not None and org is not None and policy.can(user, permission, org))
