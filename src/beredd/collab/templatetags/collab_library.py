"""``{% library_links round %}`` on pages of other apps (the reporting round page): the library items linked to the
object that the viewer may see, and, for those who may link (reporting.issue at the round's issuer), the link form."""

from __future__ import annotations

from typing import Any

from django import template

from beredd.accounts import policy

register = template.Library()


@register.inclusion_tag("collab/_library_links.html", takes_context=True)
def library_links(context: dict[str, Any], target: Any) -> dict[str, Any]:
    from beredd.collab.views.library import link_context

    request = context["request"]
    manage = policy.can(request.user, "reporting.issue", target.issuer)
    return {**link_context(request, target, manage=manage), "csrf_token": context.get("csrf_token"), "request": request}
