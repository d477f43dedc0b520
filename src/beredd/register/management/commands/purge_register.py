"""Delete register records ended longer ago than REGISTER_RETENTION_DAYS (their access logs are kept)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from beredd.register import services


class Command(BaseCommand):
    help = "Purge ended register records past the retention period; access logs stay."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Purged {services.person_purge_ended()} ended records.")
