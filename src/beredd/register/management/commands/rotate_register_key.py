"""Re-encrypt every personnummer under the newest key in REGISTER_KEYS (first in the list).

Rotation without downtime: 1) put the new key first and keep the old one after it, deploy; 2) run this command
(readers keep working: every key decrypts, searches match every key's hash); 3) remove the old key, deploy.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from beredd.register import services


class Command(BaseCommand):
    help = "Re-encrypt the register's personnummer with the newest REGISTER_KEYS key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=1000, help="rows per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        done = services.rotate_keys(batch=options["batch"])
        self.stdout.write(f"Re-encrypted {done} records with the newest key.")
