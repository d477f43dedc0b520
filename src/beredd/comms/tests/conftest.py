"""Gävle's communication world on the root ``personas``: Gävle's coordinator (communications), a MAS, a unit with a
reporter, a private provider, and a neighbour in Sandviken as the outsider (nearer than ``personas.outsider``)."""

from types import SimpleNamespace
from typing import Any

import pytest


@pytest.fixture
def world(ref: dict[str, Any], personas: Any, make_user: Any, make_unit: Any) -> SimpleNamespace:
    gavle = personas.kommun
    unit = make_unit(gavle, name="Hemtjänst Söder", service_kind="hemtjanst")
    private = make_unit(gavle, name="Omsorg AB Norr", service_kind="hemtjanst", regi="privat")
    return SimpleNamespace(
        gavle=gavle,
        sandviken=ref["sandviken"],
        unit=unit,
        private=private,
        coord=personas.member,
        mas=make_user(gavle, "mas", email="mas@gavle.test"),
        reporter=make_user(unit, "reporter", email="rapportor@soder.test"),
        provider=make_user(private, "reporter", email="chef@omsorgab.test"),
        outsider=make_user(ref["sandviken"], "coordinator", email="samordnare@sandviken.test"),
    )


@pytest.fixture
def prepared(world: SimpleNamespace) -> Any:
    """An approved power-cut message in Swedish, English and Arabic (written by the MAS, reviewed by the coordinator)."""
    from beredd.comms.services import bank

    item = bank.bank_create(
        actor=world.mas, organisation=world.gavle, title="Strömavbrott – hemtjänst", scenario="power_cut", audience="home_care"
    )
    texts = {
        "sv": ("Strömavbrott i {plats}", "Strömmen är tillbaka {tid}. Ring {telefon}."),
        "en": ("Power cut in {plats}", "Power is back {tid}. Call {telefon}."),
        "ar": ("انقطاع الكهرباء في {plats}", "تعود الكهرباء {tid}. اتصل {telefon}."),
    }
    for language, (subject, body) in texts.items():
        v = bank.version_create(actor=world.mas, bank_message=item, language=language, subject=subject, body=body)
        bank.version_review(actor=world.coord, version=v)
        bank.version_approve(actor=world.mas, version=v)
    return item
