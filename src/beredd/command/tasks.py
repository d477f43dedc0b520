"""Background jobs (django-tasks) for crisis command: the parent's e-mail when a child raises its level.

Uses the reporting app's mail helpers (one message per address, Swedish, through the configured backend)."""

from __future__ import annotations

from django.urls import reverse
from django_tasks import task

from beredd.accounts.models import Role
from beredd.command.models import ReadinessChange
from beredd.reporting.tasks import _emails_for, _send

PARENT_ROLES: list[str] = [Role.COORDINATOR, Role.NATIONAL_ADMIN]


@task()
def send_level_raised(change_id: int) -> int:
    """Mail the coordinators of the parent organisation that a child went up a level."""
    from django.conf import settings

    change = ReadinessChange.objects.select_related("organisation__parent", "set_by").get(pk=change_id)
    parent = change.organisation.parent
    if parent is None:
        return 0
    link = settings.SITE_URL + reverse("command:board") + f"?org={parent.pk}"
    return _send(
        f"Höjt beredskapsläge: {change.organisation.name} – {change.get_level_display()}",
        "command/email/level_raised.txt",
        {"change": change, "parent": parent, "link": link},
        _emails_for([parent.pk], PARENT_ROLES),
    )
