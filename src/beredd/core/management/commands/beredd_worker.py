"""The task worker (`make worker`, `make run`): django-tasks-db's ``db_worker`` that never lives on half-dead.

Upstream, a database error in the worker loop (e.g. "database is locked" past the busy timeout while it records a
result) ends the loop; with ``--reload`` (the default when DEBUG is on) the loop runs in a thread, so the process
lives on doing nothing while e-mails, reminders and recurring rounds wait. Here:

* the loop runs in the main thread (``--reload`` is off unless asked for);
* a database error is logged and retried after a pause with fresh connections, up to ``--max-db-errors`` in a row;
* after that the process exits with status 3, for a supervisor (systemd ``Restart=always``, ``make run``'s loop) to
  restart it. ``/healthz`` meanwhile reports a due task that nobody picked up (``TASKS_MAX_PICKUP_DELAY``).
"""

from __future__ import annotations

import logging
import time
from argparse import ArgumentParser
from typing import Any

from django.db import DatabaseError, connections
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("beredd.worker")
EXIT_DATABASE = 3


class RecoveringWorker(db_worker.Worker):
    max_db_errors = 5
    pause_s = 2.0

    def run(self) -> None:
        errors = 0
        while True:
            started = time.monotonic()
            try:
                super().run()
                return
            except DatabaseError:
                # A quiet minute since the last error: this is a new incident, not the same one again.
                errors = 1 if time.monotonic() - started > 60 else errors + 1
                logger.exception("Task worker: database error %d of %d in a row", errors, self.max_db_errors)
                for conn in connections.all(initialized_only=True):
                    conn.close()
                if errors >= self.max_db_errors or not self.running:
                    logger.error("Task worker: exiting with status %d so that its supervisor restarts it", EXIT_DATABASE)
                    raise SystemExit(EXIT_DATABASE) from None
                time.sleep(self.pause_s * errors)


class Command(db_worker.Command):
    help = "Run the database task worker; exits with status 3 after repeated database errors (for a supervisor)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(reload=False)
        parser.add_argument("--max-db-errors", type=int, default=RecoveringWorker.max_db_errors)
        parser.add_argument("--db-error-pause", type=float, default=RecoveringWorker.pause_s)

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        if settings.PRODUCTION:  # the deployment and database checks, as the web nodes run them (core.checks)
            from beredd.core.checks import refuse_to_start

            refuse_to_start()
        max_db_errors = int(options.pop("max_db_errors"))
        db_error_pause = float(options.pop("db_error_pause"))
        worker_class: Any = type(
            "ConfiguredWorker", (RecoveringWorker,), {"max_db_errors": max(1, max_db_errors), "pause_s": max(0.0, db_error_pause)}
        )
        original = db_worker.Worker
        db_worker.Worker = worker_class  # type: ignore[misc]  # the upstream handle() builds its Worker by this name
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]  # put the upstream class back
