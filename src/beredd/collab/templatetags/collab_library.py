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


@register.inclusion_tag("collab/_question_links.html", takes_context=True)
def question_library_links(context: dict[str, Any], version: Any) -> dict[str, Any]:
    """On a template page: the library items linked to each question, and for its editors a form to link one."""
    from beredd.collab import selectors

    request = context["request"]
    fields = list(version.fields.all())
    linked = selectors.library_links_by_field(user=request.user, field_ids=[f.pk for f in fields])
    can_link = policy.can(request.user, "reporting.template_edit", version.template.owner)
    return {
        "version": version,
        "rows": [(f, linked.get(f.pk, [])) for f in fields],
        "any_linked": bool(linked),
        "choices": list(selectors.library_link_choices(user=request.user)[:500]) if can_link else [],
        "can_link": can_link,
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }


@register.simple_tag(takes_context=True)
def question_guidance(context: dict[str, Any], version: Any) -> dict[int, list[Any]]:
    """Per question id, the library items linked to it that the viewer may see (for the answer form)."""
    from beredd.collab import selectors

    return selectors.library_links_by_field(user=context["request"].user, field_ids=[f.pk for f in version.fields.all()])


@register.filter
def items_for(mapping: Any, key: Any) -> list[Any]:
    return list((mapping or {}).get(key, [])) if isinstance(mapping, dict) else []
