"""``manage.py collab_reminders``: the daily reminders for collaboration actions and kommun–region agreements.

Run it once a day from cron or a systemd timer, e.g. ``0 6 * * * manage.py collab_reminders``. By default it
enqueues ``collab.tasks.send_action_reminders`` and ``collab.tasks.send_agreement_reminders`` for the
django-tasks worker; ``--now`` runs them here. Each reminder is sent once, so running twice sends nothing more.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from beredd.collab import tasks


class Command(BaseCommand):
    help = "Send the daily reminders for collaboration actions and for agreements ending or due for review (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Run the jobs in this process instead of enqueueing them.")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = (tasks.send_action_reminders, tasks.send_agreement_reminders)
        if options["now"]:
            actions = jobs[0].call()
            agreements = jobs[1].call()
            self.stdout.write(f"sent {actions} action reminders and {agreements} agreement reminders")
            return
        for job in jobs:
            result = job.enqueue()
            self.stdout.write(f"enqueued {job.name} ({result.id}, {result.status})")
