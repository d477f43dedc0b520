"""Background jobs (django-tasks). Schedule daily, e.g. cron → ``manage.py register_daily``.

Neither job puts a name in an e-mail: reminders carry counts only.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from beredd.accounts.models import Membership, Role
from beredd.comms.models import Message
from beredd.comms.services import mail_send
from beredd.orgs.models import Organisation
from beredd.register import services
from beredd.register.models import ImportBatch, Person


def review_reminders_send() -> int:
    """E-mail each kommun's MAS how many active records are past their review date. Returns mails sent."""
    overdue = (
        Person.objects.filter(status=Person.Status.ACTIVE, review_date__lt=timezone.localdate())
        .values_list("kommun_id", "kommun__name")
        .order_by("kommun_id")
    )
    counts: dict[int, tuple[str, int]] = {}
    for kommun_id, name in overdue:
        counts[kommun_id] = (name, counts.get(kommun_id, (name, 0))[1] + 1)
    sent = 0
    for kommun_id, (name, n) in counts.items():
        to = sorted(
            set(
                Membership.objects.current()
                .filter(organisation_id=kommun_id, role=Role.MAS)
                .values_list("user__email", flat=True)
            )
        )
        if not to:
            continue
        sent += mail_send(
            kind=Message.Kind.REVIEW_REMINDER,
            to=to,
            organisation=Organisation.objects.get(pk=kommun_id),
            subject=_("Beredd: %(n)s register records in %(kommun)s are due for review"),
            subject_params={"n": n, "kommun": name},
            body=_("Open the register in Beredd and check the records marked overdue with the residents."),
        )
    return sent


def stale_imports_delete() -> int:
    """Delete previewed import files never committed within a day (they hold encrypted personnummer)."""
    return ImportBatch.stale_delete()


@task()
def register_daily() -> dict[str, int]:
    """Review reminders, purge of records ended longer ago than the retention period, stale import files."""
    return {"reminders": review_reminders_send(), "purged": services.person_purge_ended(), "imports": stale_imports_delete()}
