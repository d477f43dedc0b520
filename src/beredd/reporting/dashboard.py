"""Dashboard panel: my open requests and the latest feedback."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from beredd.orgs.models import Organisation
from beredd.reporting import selectors


def panels(*, request: HttpRequest, org: Organisation | None) -> list[dict[str, Any]]:
    user = request.user
    return [
        {
            "template": "reporting/_panel.html",
            "open_requests": selectors.open_requests_for_user(user=user)[:5],
            "pictures": list(
                selectors.pictures_for_user(user=user).filter(published_at__isnull=False).order_by("-published_at")[:3]
            ),
        }
    ]
