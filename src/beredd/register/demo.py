"""Demo data: about 60 fictitious residents in Gävle with devices, needs and coordinates inside the town.

Names are common Swedish names combined at random; personnummer are generated with a valid check digit
(``register.testdata``) and belong to nobody we know of. Idempotent: does nothing if Gävle already has residents.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from beredd.accounts.demo import DemoContext
from beredd.accounts.models import Role
from beredd.orgs.models import Organisation
from beredd.register import crypto
from beredd.register.models import Contact, Device, Person, PersonDevice, RegisterGrant
from beredd.register.services.persons import refresh_device_summary
from beredd.register.testdata import random_pnr

FIRST = [
    "Anna",
    "Karin",
    "Margareta",
    "Birgitta",
    "Kerstin",
    "Ingrid",
    "Elisabeth",
    "Marianne",
    "Gunnel",
    "Britt",
    "Lars",
    "Karl",
    "Erik",
    "Bengt",
    "Sven",
    "Gunnar",
    "Hans",
    "Rolf",
    "Lennart",
    "Bo",
    "Åke",
    "Göran",
    "Ulla",
    "Inga",
]
LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Lindberg",
    "Sjöberg",
    "Wikström",
    "Hedlund",
    "Norberg",
    "Öberg",
    "Forsberg",
    "Holmgren",
    "Strand",
]
STREETS = [
    ("Drottninggatan", "803 20"),
    ("Norra Kungsgatan", "803 21"),
    ("Södra Kungsgatan", "802 55"),
    ("Nygatan", "803 11"),
    ("Staketgatan", "803 24"),
    ("Brynäsgatan", "802 83"),
    ("Strömsbrovägen", "802 69"),
    ("Hemlingbyvägen", "802 58"),
    ("Sätragatan", "806 30"),
    ("Andersbergsringen", "802 72"),
    ("Fältskärsleden", "802 84"),
    ("Kaserngatan", "802 36"),
]
LANGUAGES = ["arabiska", "finska", "somaliska", "persiska", "bosniska"]
PROFILES: list[tuple[dict[str, Any], dict[str, float | None]]] = [
    ({}, {"home_ventilator": 6}),
    ({}, {"home_ventilator": 2, "suction": 1}),
    ({}, {"oxygen_concentrator": None}),
    ({}, {"oxygen_concentrator": 3}),
    ({"cannot_evacuate": True, "transport_need": "stretcher"}, {"electric_bed": None}),
    ({"heat_sensitive": True}, {}),
    ({"heat_sensitive": True, "cannot_evacuate": True, "transport_need": "wheelchair"}, {}),
    ({}, {"feeding_pump": 8}),
    ({}, {"home_dialysis": 4}),
    ({}, {"pressure_mattress": 1, "electric_bed": None}),
    ({}, {"safety_alarm": 24}),
    ({"heat_sensitive": True}, {"safety_alarm": 24}),
]


def load(ctx: DemoContext) -> None:
    gavle = next((k for k in ctx.kommuner if k.code == "2180"), None)
    if gavle is None or Person.objects.filter(kommun=gavle).exists():
        return
    rng = ctx.rng
    units = [u for u in ctx.units if u.parent_id == gavle.pk and u.service_kind in {"hemtjanst", "hsl"}] or [
        u for u in ctx.units if u.parent_id == gavle.pk
    ]
    devices = {d.code: d for d in Device.objects.all()}
    today = timezone.localdate()
    for n in range(60):
        fields, kit = PROFILES[n % len(PROFILES)]
        street, postcode = STREETS[rng.randrange(len(STREETS))]
        pnr = random_pnr(rng, 1930, 1955)
        communication: dict[str, Any] = {}
        if n % 9 == 0:
            communication = {"language": LANGUAGES[n % len(LANGUAGES)], "interpreter": True}
        elif n % 11 == 0:
            communication = {"hearing_impaired": True, "easy_swedish": True}
        person = Person.objects.create(
            kommun=gavle,
            unit=units[n % len(units)],
            pnr_encrypted=crypto.encrypt(pnr),
            pnr_hash=crypto.search_hash(pnr),
            birth_year=int(pnr[:4]),
            first_name=rng.choice(FIRST),
            last_name=rng.choice(LAST),
            phone=f"070-{rng.randint(1000000, 9999999)}",
            address=f"{street} {rng.randint(1, 60)}",
            postcode=postcode,
            locality="Gävle",
            lat=round(60.645 + rng.random() * 0.05, 5),
            lon=round(17.08 + rng.random() * 0.10, 5),
            review_date=today + dt.timedelta(days=rng.randint(-20, 300)),
            legal_basis=Person.LegalBasis.CONSENT if n % 3 else Person.LegalBasis.CARE,
            legal_note="Samtycke inhämtat vid vårdplanering." if n % 3 else "",
            **fields,
            **communication,
        )
        for code, hours in kit.items():
            PersonDevice.objects.create(
                person=person, device=devices[code], battery_hours=None if hours is None else Decimal(str(hours))
            )
        if kit:
            refresh_device_summary(person)
        if n % 2 == 0:
            Contact.objects.create(
                person=person,
                name=f"{rng.choice(FIRST)} {person.last_name}",
                phone=f"073-{rng.randint(1000000, 9999999)}",
                kind=Contact.Kind.RELATIVE,
            )
    home = next((u for u in units if u.service_kind == "hemtjanst"), None)
    mas = ctx.users.get("mas")
    if home is not None and mas is not None and isinstance(home, Organisation):
        RegisterGrant.objects.get_or_create(
            kommun=gavle, unit=home, role=Role.REPORTER, revoked_at=None, defaults={"granted_by": mas}
        )
