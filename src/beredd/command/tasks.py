"""Background jobs (django-tasks) for crisis command: the parent's e-mail when a child raises its level.

Sent through the product's own notification path (``comms.services.mail_send``), as the reporting mails are."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from beredd.accounts.models import Role
from beredd.command.models import ReadinessChange
from beredd.comms.models import Message
from beredd.comms.services import mail_send
from beredd.reporting.tasks import _emails_for

PARENT_ROLES: list[str] = [Role.COORDINATOR, Role.NATIONAL_ADMIN]


@task()
def send_level_raised(change_id: int) -> int:
    """Mail the coordinators of the parent organisation that a child went up a level."""
    change = ReadinessChange.objects.select_related("organisation__parent", "set_by").get(pk=change_id)
    parent = change.organisation.parent
    if parent is None:
        return 0
    link = settings.SITE_URL + reverse("command:board") + f"?org={parent.pk}"
    return mail_send(
        kind=Message.Kind.LEVEL_RAISED,
        to=_emails_for([parent.pk], PARENT_ROLES),
        subject=_("Readiness level raised: %(org)s – %(level)s"),
        subject_params={"org": change.organisation.name, "level": change.get_level_display()},
        template="command/email/level_raised.txt",
        context={"change": change, "parent": parent, "link": link},
        organisation=parent,
    )
