"""``manage.py collab_reminders``: the daily reminders for collaboration actions (and, later, agreements).

Run it once a day from cron or a systemd timer, e.g. ``0 6 * * * manage.py collab_reminders``. By default it
enqueues ``collab.tasks.send_action_reminders`` for the django-tasks worker; ``--now`` runs it here. Each
reminder is sent once, so running twice sends nothing more.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from beredd.collab import tasks


class Command(BaseCommand):
    help = "Send the daily reminders for collaboration actions due soon or overdue (run daily from cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Run the job in this process instead of enqueueing it.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            sent = tasks.send_action_reminders.call()
            self.stdout.write(f"sent {sent} reminders")
            return
        result = tasks.send_action_reminders.enqueue()
        self.stdout.write(f"enqueued send_action_reminders ({result.id}, {result.status})")
