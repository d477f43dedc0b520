"""Dashboard panel: my open requests and the latest feedback."""

from __future__ import annotations

from typing import Any

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.orgs.models import Organisation
from beredd.reporting import selectors

DASHBOARD_MAX = 50


def panels(*, request: AuthenticatedHttpRequest, org: Organisation | None) -> list[dict[str, Any]]:
    user = request.user
    open_qs = selectors.open_requests_qs_for_user(user=user)
    requests = list(open_qs[: DASHBOARD_MAX + 1])
    return [
        {
            "template": "reporting/_panel.html",
            # Every open request (a kommun's own national request must not hide behind unit requests); past
            # DASHBOARD_MAX the panel says how many more there are and links to the paged list.
            "open_requests": requests[:DASHBOARD_MAX],
            "open_more": len(requests) > DASHBOARD_MAX,
            "open_total": open_qs.count() if len(requests) > DASHBOARD_MAX else len(requests),
            "submitted": selectors.submitted_reports_for_user(user=user, limit=5),
            "pictures": list(
                selectors.pictures_for_user(user=user).filter(published_at__isnull=False).order_by("-published_at")[:3]
            ),
        }
    ]
