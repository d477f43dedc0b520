"""Background tasks (django-tasks). Schedule ``binders_generate_all`` weekly (e.g. cron → enqueue)."""

from __future__ import annotations

from django_tasks import task

from beredd.orgs.models import Organisation
from beredd.preparedness import services
from beredd.preparedness.models import BinderSnapshot

KEEP_PER_UNIT = 4


@task()
def binders_generate_all() -> int:
    """Generate a fresh backup binder for every active unit; returns how many were made."""
    count = 0
    for unit in Organisation.objects.filter(kind=Organisation.Kind.UNIT, is_active=True).iterator():
        services.binder_generate(unit=unit, actor=None)
        # Keep the last few binders per unit: enough to see what was printed when, without growing forever.
        old = BinderSnapshot.objects.filter(unit=unit).order_by("-generated_at").values_list("pk", flat=True)[KEEP_PER_UNIT:]
        BinderSnapshot.objects.filter(pk__in=list(old)).delete()
        count += 1
    return count
