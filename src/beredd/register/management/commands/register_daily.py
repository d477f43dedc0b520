"""Enqueue the register's daily job: review reminders to each MAS and purging of ended records past retention."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from beredd.register.tasks import register_daily


class Command(BaseCommand):
    help = "Enqueue the register's daily job (review reminders, retention purge)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = register_daily.enqueue()
        self.stdout.write(f"Enqueued register_daily ({result.id}).")
