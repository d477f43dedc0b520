from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from beredd.accounts.demo import DEMO_PASSWORD
from beredd.site.demo import demo_summary_rows, load_demo


class Command(BaseCommand):
    help = "Load demo data (Gävleborgs län, units, users for every role). Refuses to run with DEBUG off."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Refusing to load demo data: DEBUG is off (this looks like production).")
        _ctx, rows = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded: Gävleborgs län with 10 kommuner and their units."))
        self.stdout.write("")
        # SITE_URL is the address the server is reached at (make run sets it from HOST and PORT).
        self.stdout.write(f"Log in at {settings.SITE_URL} with one of these accounts,")
        self.stdout.write(f"all with the password:  {DEMO_PASSWORD}")
        for line in demo_summary_rows(rows):
            self.stdout.write(line)
        self.stdout.write("Roles that can see personal data (MAS, coordinator, admins) are asked to set up two-factor")
        self.stdout.write("authentication at first login: use any TOTP app (or the secret shown on that page).")
