"""Background tasks (django-tasks).

``binders_generate_all`` must run weekly. Nothing in the web process schedules it: run
``manage.py generate_binders`` once a week from cron or a systemd timer (it enqueues the task for the
django-tasks worker; ``--now`` runs it in the command itself). See the app README.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from beredd.orgs.models import Organisation
from beredd.preparedness import services
from beredd.preparedness.models import BinderSnapshot

KEEP_PER_UNIT = 4


@task()
def binders_generate_all(skip_newer_than_hours: int = 0) -> int:
    """Generate a fresh backup binder for every active unit; returns how many were made.

    Units whose latest binder is younger than ``skip_newer_than_hours`` are skipped, so running the job twice
    (a timer firing again, an enqueue repeated before the worker ran) does not print every binder twice.
    """
    fresh: set[int] = set()
    if skip_newer_than_hours > 0:
        since = timezone.now() - dt.timedelta(hours=skip_newer_than_hours)
        fresh = set(BinderSnapshot.objects.filter(generated_at__gte=since).values_list("unit_id", flat=True))
    count = 0
    for unit in Organisation.objects.filter(kind=Organisation.Kind.UNIT, is_active=True).iterator():
        if unit.pk in fresh:
            continue
        services.binder_generate(unit=unit, actor=None)
        # Keep the last few binders per unit: enough to see what was printed when, without growing forever.
        old = BinderSnapshot.objects.filter(unit=unit).order_by("-generated_at").values_list("pk", flat=True)[KEEP_PER_UNIT:]
        BinderSnapshot.objects.filter(pk__in=list(old)).delete()
        count += 1
    return count
