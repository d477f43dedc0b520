"""What every app's demo loader is given: ``<app>.demo.load(ctx: DemoContext)``.

``site.demo.load_demo`` builds the context (Gävleborgs län, its kommuner and units, a user per role) and hands it to
each app's loader in turn. The type lives here because every domain app may import accounts, while site is the top
floor that no app imports and core may not name organisations or users.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from beredd.accounts.models import User
from beredd.orgs.models import Organisation

DEMO_PASSWORD = "Beredskap-2026!"


@dataclass
class DemoContext:
    lan: Organisation
    kommuner: list[Organisation]
    units: list[Organisation]
    users: dict[str, User] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(2026))
    password: str = DEMO_PASSWORD
