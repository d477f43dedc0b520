"""The preparedness start page for the organisation the user works as."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from beredd.accounts import policy
from beredd.accounts.context import current_org
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.core.exceptions import NotFoundError
from beredd.orgs.models import Organisation
from beredd.preparedness import selectors
from beredd.preparedness.forms import ProfileForm


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    org_id = request.GET.get("org")
    org = (
        selectors.org_get_for_user(user=request.user, org_id=int(org_id)) if org_id and org_id.isdigit() else current_org(request)
    )
    if org is None or not policy.can(request.user, "preparedness.view", org):
        raise NotFoundError("organisation")
    is_unit = org.kind == Organisation.Kind.UNIT
    profile = selectors.unit_profile_for(org) if is_unit else None
    providers = selectors.provider_status(user=request.user, org=org, year=timezone.localdate().year)
    return render(
        request,
        "preparedness/index.html",
        {
            "org": org,
            "is_unit": is_unit,
            # Per-unit rows are for a county and below; the nation and civil areas would list thousands of units.
            "units": selectors.units_plan_status(user=request.user, org=org) if org.depth >= 2 else None,
            "rsas": selectors.rsa_list_for_user(user=request.user, org=org),
            "exercises": selectors.exercise_list_for_user(user=request.user, org=org)[:10],
            "coverage": selectors.coverage(user=request.user, org=org),
            "heat": selectors.heat_activations_for_user(user=request.user, org=org)[:5],
            "open_notices": selectors.heat_notices_open_for_user(user=request.user, org=org),
            "providers": providers,
            "providers_by_kommun": selectors.provider_status_by_kommun(providers) if org.depth < 3 else [],
            "binders": selectors.binders_for_user(user=request.user, unit=org)[:5] if is_unit else [],
            "profile_form": ProfileForm(initial={"heat_sensitive": bool(profile and profile.heat_sensitive)})
            if is_unit
            else None,
        },
    )
