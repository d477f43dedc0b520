"""Gävle's communication world: a coordinator (communications), a MAS, a unit with a reporter, and an outsider."""

from types import SimpleNamespace
from typing import Any

import pytest


@pytest.fixture
def people(ref: dict[str, Any], make_user: Any, make_unit: Any) -> SimpleNamespace:
    unit = make_unit(ref["gavle"], name="Hemtjänst Söder", service_kind="hemtjanst")
    private = make_unit(ref["gavle"], name="Omsorg AB Norr", service_kind="hemtjanst", regi="privat")
    return SimpleNamespace(
        gavle=ref["gavle"],
        sandviken=ref["sandviken"],
        unit=unit,
        private=private,
        coord=make_user(ref["gavle"], "coordinator", email="kommunikation@gavle.test"),
        mas=make_user(ref["gavle"], "mas", email="mas@gavle.test"),
        reporter=make_user(unit, "reporter", email="rapportor@soder.test"),
        provider=make_user(private, "reporter", email="chef@omsorgab.test"),
        outsider=make_user(ref["sandviken"], "coordinator", email="samordnare@sandviken.test"),
    )


@pytest.fixture
def prepared(people: SimpleNamespace) -> Any:
    """An approved power-cut message in Swedish, English and Arabic (written by the MAS, reviewed by the coordinator)."""
    from beredd.comms.services import bank

    item = bank.bank_create(
        actor=people.mas, organisation=people.gavle, title="Strömavbrott – hemtjänst", scenario="power_cut", audience="home_care"
    )
    texts = {
        "sv": ("Strömavbrott i {plats}", "Strömmen är tillbaka {tid}. Ring {telefon}."),
        "en": ("Power cut in {plats}", "Power is back {tid}. Call {telefon}."),
        "ar": ("انقطاع الكهرباء في {plats}", "تعود الكهرباء {tid}. اتصل {telefon}."),
    }
    for language, (subject, body) in texts.items():
        v = bank.version_create(actor=people.mas, bank_message=item, language=language, subject=subject, body=body)
        bank.version_review(actor=people.coord, version=v)
        bank.version_approve(actor=people.mas, version=v)
    return item
