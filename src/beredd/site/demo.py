"""Demo data for `make demo`: Gävleborgs län with its 10 real kommuner, realistic units and users for every role.

Each domain app adds its own demo data through ``<app>.demo.load(ctx)``, called in ``DEMO_LOADERS`` order with the
``accounts.demo.DemoContext`` built here.
"""

from __future__ import annotations

import random

from django.db import transaction

from beredd.accounts.demo import DEMO_PASSWORD, DemoContext
from beredd.accounts.models import Membership, Role, User
from beredd.collab import demo as collab_demo
from beredd.command import demo as command_demo
from beredd.comms import demo as comms_demo
from beredd.orgs.models import Organisation
from beredd.orgs.services import _set_path, load_reference
from beredd.orgs.validators import luhn_ok
from beredd.preparedness import demo as preparedness_demo
from beredd.register import demo as register_demo
from beredd.reporting import demo as reporting_demo

DEMO_LAN = "21"  # Gävleborgs län
# Each app's demo builds on the ones before it (preparedness issues a reporting round, ...).
DEMO_LOADERS = (
    reporting_demo.load,
    register_demo.load,
    preparedness_demo.load,
    collab_demo.load,
    comms_demo.load,
    command_demo.load,
)

# Realistic unit names per kommun (Gävleborg): nursing homes, home care groups, LSS homes, ...
UNIT_PATTERNS = [
    ("sabo", "{place} äldreboende"),
    ("sabo", "{place}gården"),
    ("hemtjanst", "Hemtjänst {place} norra"),
    ("hemtjanst", "Hemtjänst {place} södra"),
    ("hsl", "Hemsjukvården {place}"),
    ("lss_vuxna", "LSS-boende {street}"),
    ("lss_barn", "Korttidsboende barn {place}"),
    ("daglig_verksamhet", "Daglig verksamhet {place}"),
    ("stodboende", "Stödboende {street}"),
    ("psykiatri_boende", "Boende psykiatri {street}"),
    ("hvb", "HVB {place}"),
    ("sabo", "Solrosens vård- och omsorgsboende"),
    ("hemtjanst", "Omsorgsbolaget hemtjänst {place}"),
]
STREETS = ["Björkvägen", "Tallgatan", "Ekbacken", "Lindvägen", "Granstigen", "Åsgatan", "Kvarngatan", "Sjövägen"]
PRIVATE_NAMES = {"Solrosens vård- och omsorgsboende", "Omsorgsbolaget hemtjänst {place}"}


def _org_number(rng: random.Random) -> str:
    while True:
        base = f"55{rng.randint(0, 9_999_999):07d}"
        for check in range(10):
            if luhn_ok(base + str(check)):
                digits = base + str(check)
                return f"{digits[:6]}-{digits[6:]}"


def _user(ctx: DemoContext, key: str, email: str, name: str, org: Organisation, role: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
    Membership.objects.get_or_create(user=user, organisation=org, role=role)
    ctx.users[key] = user
    return user


@transaction.atomic
def load_demo() -> tuple[DemoContext, list[tuple[str, str, str, str]]]:
    """Create (or top up) the demo. Returns the context and rows (e-mail, name, role, org) for the password list."""
    load_reference()
    rng = random.Random(2026)
    nation = Organisation.objects.get(kind="nation", code="SE")
    lan = Organisation.objects.get(kind="lan", code=DEMO_LAN)
    kommuner = list(Organisation.objects.filter(kind="kommun", parent=lan).order_by("code"))
    units: list[Organisation] = []
    for kommun in kommuner:
        existing = list(Organisation.objects.filter(parent=kommun, kind="unit"))
        if existing:
            units.extend(existing)
            continue
        count = 6 + (int(kommun.code) % 10)  # 6–15 units per kommun
        patterns = (UNIT_PATTERNS * 2)[:count]
        for i, (kind, pattern) in enumerate(patterns):
            street = STREETS[(i + int(kommun.code)) % len(STREETS)]
            name = pattern.format(place=kommun.name, street=street)
            if Organisation.objects.filter(parent=kommun, name=name).exists():
                name = f"{name} {i + 1}"
            private = pattern in PRIVATE_NAMES
            unit = Organisation.objects.create(
                kind="unit",
                parent=kommun,
                name=name,
                service_kind=kind,
                regi="privat" if private else "kommunal",
                org_number=_org_number(rng) if private else "",
                street_address=f"{street} {rng.randint(1, 60)}",
                postcode=f"8{rng.randint(0, 2)}{rng.randint(0, 9)} {rng.randint(10, 99)}",
                locality=kommun.name,
                phone=f"026-{rng.randint(100000, 999999)}",
                email=f"enhet{i + 1}@{kommun.code}.demo.beredd.se",
            )
            _set_path(unit)
            units.append(unit)
    ctx = DemoContext(lan=lan, kommuner=kommuner, units=units, rng=rng)
    gavle = next(k for k in kommuner if k.code == "2180")
    sandviken = next(k for k in kommuner if k.code == "2181")
    gavle_unit = next(u for u in units if u.parent_id == gavle.pk and u.service_kind == "sabo")
    gavle_home = next(u for u in units if u.parent_id == gavle.pk and u.service_kind == "hemtjanst")
    sandviken_unit = next(u for u in units if u.parent_id == sandviken.pk and u.service_kind == "sabo")
    area = lan.parent
    assert area is not None  # every län hangs under a civilområde
    people = [
        ("national", "nationell@demo.beredd.se", "Nora Nationell", nation, Role.NATIONAL_ADMIN),
        ("national_viewer", "tjansteman@demo.beredd.se", "Tove Tjänsteman", nation, Role.VIEWER),
        ("area", "civilomrade@demo.beredd.se", "Cecilia Civilområde", area, Role.VIEWER),
        ("lan_coordinator", "lan.analytiker@demo.beredd.se", "Lars Länsanalytiker", lan, Role.COORDINATOR),
        ("lan_admin", "lan.admin@demo.beredd.se", "Lena Länsadmin", lan, Role.ORG_ADMIN),
        ("coordinator", "samordnare@demo.beredd.se", "Sara Samordnare", gavle, Role.COORDINATOR),
        ("org_admin", "admin@demo.beredd.se", "Adam Admin", gavle, Role.ORG_ADMIN),
        ("mas", "mas@demo.beredd.se", "Maria MAS", gavle, Role.MAS),
        ("viewer", "lasare@demo.beredd.se", "Ville Läsare", gavle, Role.VIEWER),
        ("reporter", "enhetschef@demo.beredd.se", "Erik Enhetschef", gavle_unit, Role.REPORTER),
        ("reporter2", "hemtjanst@demo.beredd.se", "Hanna Hemtjänst", gavle_home, Role.REPORTER),
        ("sandviken_coordinator", "samordnare.sandviken@demo.beredd.se", "Sven Sandviken", sandviken, Role.COORDINATOR),
        ("sandviken_reporter", "enhetschef.sandviken@demo.beredd.se", "Siv Sandvik", sandviken_unit, Role.REPORTER),
    ]
    rows = []
    for key, email, name, org, role in people:
        _user(ctx, key, email, name, org, role)
        rows.append((email, name, str(Role(role).label), org.name))
    for load in DEMO_LOADERS:
        load(ctx)
    return ctx, rows


def demo_summary_rows(rows: list[tuple[str, str, str, str]]) -> list[str]:
    width = max(len(r[0]) for r in rows)
    return [f"  {email.ljust(width)}  {role} – {org}" for email, _name, role, org in rows]
