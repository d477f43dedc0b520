"""The demo: about 60 believable residents in Gävle, valid numbers, idempotent."""

from typing import Any

from personnummer import personnummer as pnr_lib

from beredd.register import crypto
from beredd.register.models import Person, RegisterGrant
from beredd.site.demo import load_demo


def test_demo_residents_are_valid_and_loading_twice_adds_nothing(db: Any) -> None:
    load_demo()
    load_demo()
    people = list(Person.objects.all())
    assert len(people) == 60 and {p.kommun.code for p in people} == {"2180"}
    assert all(pnr_lib.valid(crypto.decrypt(p.pnr_encrypted)) for p in people)
    assert all(1930 <= p.birth_year <= 1955 for p in people)
    assert all(60.6 < p.lat < 60.72 and 17.0 < p.lon < 17.2 for p in people)
    assert RegisterGrant.objects.count() == 1
