"""``manage.py generate_binders``: the weekly backup binders (beredskapspärmar) for every active unit.

Run it once a week from cron or a systemd timer, for example ``0 5 * * 1 manage.py generate_binders``.
By default it enqueues ``preparedness.tasks.binders_generate_all`` for the django-tasks worker; ``--now``
runs the job in this process instead. It is idempotent: units that already have a binder younger than
``--skip-newer-than-hours`` (default 24) are left alone, so a timer firing twice makes no duplicates.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from beredd.preparedness import tasks


class Command(BaseCommand):
    help = "Generate the weekly backup binder PDF for every active unit (run weekly from cron or a systemd timer)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Run the job in this process instead of enqueueing it.")
        parser.add_argument(
            "--skip-newer-than-hours",
            type=int,
            default=24,
            help="Leave units whose latest binder is younger than this many hours (default 24; 0 = regenerate all).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hours = max(0, int(options["skip_newer_than_hours"]))
        if options["now"]:
            made = tasks.binders_generate_all.call(skip_newer_than_hours=hours)
            self.stdout.write(f"generated {made} binders")
            return
        result = tasks.binders_generate_all.enqueue(skip_newer_than_hours=hours)
        self.stdout.write(f"enqueued binders_generate_all ({result.id}, {result.status})")
