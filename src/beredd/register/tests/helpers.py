"""Test helpers: register records created directly (bypassing access checks, which tests exercise separately), a
GeoJSON square, and a client logged in as a user."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone

from beredd.register import crypto
from beredd.register.models import Device, Person, PersonDevice
from beredd.register.services.persons import refresh_device_summary
from beredd.register.testdata import make_pnr

_counter = {"n": 0}


def make_person(
    kommun: Any, unit: Any, *, pnr: str | None = None, devices: dict[str, float | None] | None = None, **fields: Any
) -> Person:
    _counter["n"] += 1
    n = _counter["n"]
    pnr = pnr or make_pnr(dt.date(1930, 1, 1) + dt.timedelta(days=n * 37), 980 + n % 20)
    values = {
        "first_name": f"Förnamn{n}",
        "last_name": f"Efternamn{n}",
        "address": f"Storgatan {n}",
        "postcode": "802 50",
        "locality": "Gävle",
        "lat": 60.675,
        "lon": 17.14,
        "review_date": timezone.localdate() + dt.timedelta(days=365),  # a year ahead, as the register's own default
    } | fields
    person = Person.objects.create(
        kommun=kommun,
        unit=unit,
        pnr_encrypted=crypto.encrypt(pnr),
        pnr_hash=crypto.search_hash(pnr),
        birth_year=int(pnr[:4]),
        **values,
    )
    for code, hours in (devices or {}).items():
        PersonDevice.objects.create(
            person=person, device=Device.objects.get(code=code), battery_hours=None if hours is None else Decimal(str(hours))
        )
    if devices:
        refresh_device_summary(person)
    return person


def square(lat: float, lon: float, d: float = 0.01) -> dict[str, Any]:
    """A GeoJSON polygon: a square of half-side ``d`` degrees around (lat, lon)."""
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]
    return {"type": "Polygon", "coordinates": [ring]}


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client
