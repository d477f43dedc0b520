"""The organisation the user is working as (the org-context switcher). Stored in the session."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.orgs.models import Organisation

SESSION_KEY = "beredd_org_id"


def user_orgs(user: Actor | AnonymousUser) -> list[Organisation]:
    """Distinct organisations the user has a membership in, top of the tree first."""
    seen: dict[int, Organisation] = {}
    for m in policy.memberships(user):
        seen.setdefault(m.organisation_id, m.organisation)
    return sorted(seen.values(), key=lambda o: (o.depth, o.name))


def current_org(request: HttpRequest) -> Organisation | None:
    orgs = user_orgs(request.user)
    if not orgs:
        return None
    wanted = request.session.get(SESSION_KEY)
    for org in orgs:
        if org.pk == wanted:
            return org
    return orgs[0]


def set_current_org(request: HttpRequest, org_id: int) -> Organisation | None:
    for org in user_orgs(request.user):
        if org.pk == org_id:
            request.session[SESSION_KEY] = org.pk
            return org
    return None
