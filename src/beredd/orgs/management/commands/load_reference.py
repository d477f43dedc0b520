from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from beredd.orgs.services import load_reference


class Command(BaseCommand):
    help = "Load Sweden's civilområden, län, kommuner and regions (SCB 2026). Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        stats = load_reference()
        self.stdout.write(f"Reference data: {stats['created']} created, {stats['updated']} updated.")
