from __future__ import annotations

from django.http import HttpRequest

from beredd.accounts.context import current_org
from beredd.orgs.models import Organisation


def working_kommun(request: HttpRequest) -> Organisation | None:
    """The kommun the user works in: the current org if a kommun, its kommun if a unit, else None."""
    org = current_org(request)
    if org is None:
        return None
    if org.kind == Organisation.Kind.KOMMUN:
        return org
    if org.kind == Organisation.Kind.UNIT and org.parent_id:
        return Organisation.objects.filter(pk=org.parent_id).first()
    return None
