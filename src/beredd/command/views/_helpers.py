"""Small helpers shared by the command views."""

from __future__ import annotations

from beredd.accounts.context import current_org
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.core.forms import form_run as run
from beredd.core.paging import filters_of, page_of
from beredd.orgs import selectors as org_selectors
from beredd.orgs.models import Organisation

__all__ = ["filters_of", "org_from", "page_of", "run"]


def org_from(request: AuthenticatedHttpRequest, permission: str = "command.view") -> Organisation:
    """The organisation named by ``?org=`` (default: the one the user works as), checked for ``permission``."""
    raw = request.GET.get("org", "")
    org_id = int(raw) if raw.isdigit() and len(raw) < 12 else getattr(current_org(request), "pk", 0)
    return org_selectors.organisation_get_for_user(user=request.user, org_id=org_id or 0, permission=permission)
