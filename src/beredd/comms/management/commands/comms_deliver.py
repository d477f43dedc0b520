"""``manage.py comms_deliver``: enqueue the sweep of due deliveries (failed ones whose back-off has passed).

Run it every few minutes from cron or a systemd timer; ``--now`` sends here instead of in the worker.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from beredd.comms import tasks


class Command(BaseCommand):
    help = "Send deliveries that are due (queued, or failed and past their back-off)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--now", action="store_true", help="Send here instead of enqueuing the job.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            self.stdout.write(f"sent {tasks.deliver_due.call()}")
            return
        result = tasks.deliver_due.enqueue()
        self.stdout.write(f"enqueued deliver_due ({result.id})")
