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
