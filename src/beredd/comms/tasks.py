"""The one queued job of the message service: deliver a message's due deliveries (``manage.py beredd_worker``).

``deliver_due`` sweeps every due retry; schedule it (cron → ``manage.py comms_deliver``) where the task backend
cannot defer jobs, so that failed deliveries are retried after their back-off.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tasks import default_task_backend, task


def enqueue_later(job: Any, *args: Any, run_after: dt.datetime) -> None:
    """Enqueue a deferred job; on a backend that cannot defer (tests), ``deliver_due`` picks it up instead."""
    if default_task_backend.supports_defer:
        job.using(run_after=run_after).enqueue(*args)


@task()
def deliver(message_id: int | None) -> int:
    from beredd.comms.services.messages import deliveries_send

    return deliveries_send(message_id=message_id)


@task()
def deliver_due() -> int:
    from beredd.comms.services.messages import deliveries_send

    return deliveries_send()
